"""URLs of the staff bid pages (opening, compliance, rectification), the documents a tender
asks for, and the bidder's receipt."""

from django.urls import path

from . import views_open

M = "manage/tenders/<str:reference>"

urlpatterns: list = [
    path(f"{M}/bids/", views_open.overview, name="open_overview"),
    path(f"{M}/bids/open/", views_open.open_bids, name="open_bids"),
    path(f"{M}/bids/rectification/", views_open.rectification, name="open_rectification"),
    path(f"{M}/bids/<str:bid_reference>/", views_open.bid_detail, name="open_bid"),
    path(
        f"{M}/bids/<str:bid_reference>/files/<uuid:file_public_id>/",
        views_open.bid_file_download,
        name="open_bid_file",
    ),
    path(f"{M}/required-documents/", views_open.documents_required, name="documents_required"),
    path(
        f"{M}/required-documents/<int:document_id>/remove/",
        views_open.document_required_remove,
        name="document_required_remove",
    ),
    path("bids/<str:reference>/receipts/<int:number>/", views_open.receipt, name="receipt"),
]
