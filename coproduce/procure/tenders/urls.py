"""The opportunity portal's URLs, split by sub-domain (search, the tender itself, questions)."""

from . import urls_clarifications, urls_search, urls_tenders

app_name = "tenders"

# Search first: "/opportunities/" and "/opportunities/saved-searches/" must not be taken
# for a tender reference.
urlpatterns = [
    *urls_search.urlpatterns,
    *urls_clarifications.urlpatterns,
    *urls_tenders.urlpatterns,
]
