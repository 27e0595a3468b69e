"""The bids app's URLs: staff opening pages and receipts, and the bidder pages."""

from . import urls_bidder, urls_open

app_name = "bids"

urlpatterns = [
    *urls_open.urlpatterns,
    *urls_bidder.urlpatterns,
]
