"""The provider's bid pages (included by ``coproduce.procure.bids.urls``; the receipt is in ``urls_open``)."""

from django.urls import path

from . import views_bidder as views

B = "bids/<str:reference>"

urlpatterns = [
    path("bids/", views.my_bids, name="my_bids"),
    path("bids/partner-invitations/", views.invitations, name="invitations"),
    path(
        "bids/partner-invitations/<int:member_id>/confirm/",
        views.invitation_confirm,
        name="invitation_confirm",
    ),
    path(
        "bids/partner-invitations/<int:member_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("bids/start/<str:tender_reference>/", views.start, name="start"),
    path(f"{B}/", views.overview, name="overview"),
    path(f"{B}/lots/", views.lots, name="lots"),
    path(f"{B}/questions/<int:criterion_id>/", views.answer, name="answer"),
    path(f"{B}/prices/", views.prices, name="prices"),
    path(f"{B}/documents/", views.documents, name="documents"),
    path(f"{B}/documents/<int:file_id>/remove/", views.document_remove, name="document_remove"),
    path(f"{B}/partners/", views.partners, name="partners"),
    path(f"{B}/partners/shares/", views.shares, name="shares"),
    path(f"{B}/partners/<int:member_id>/change/", views.partner_change, name="partner_change"),
    path(f"{B}/partners/<int:member_id>/remove/", views.partner_remove, name="partner_remove"),
    path(f"{B}/check/", views.check, name="check"),
    path(f"{B}/withdraw/", views.withdraw, name="withdraw"),
    path(f"{B}/confirm-again/", views.reconfirm, name="reconfirm"),
]
