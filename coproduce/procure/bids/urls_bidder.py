"""The provider's bid pages (included by ``coproduce.procure.bids.urls``; the receipt is in ``urls_open``).

Rows are named by opaque ids only: the bid's random reference, a partner place's or
document's random ``public_id`` (UUID), and a question's number within the tender.
Sequential primary keys, which count every organisation's rows, never appear here.
"""

from django.urls import path

from . import views_bidder as views

B = "bids/<str:reference>"

urlpatterns = [
    path("bids/", views.my_bids, name="my_bids"),
    path("bids/partner-invitations/", views.invitations, name="invitations"),
    path(
        "bids/partner-invitations/<uuid:member_public_id>/confirm/",
        views.invitation_confirm,
        name="invitation_confirm",
    ),
    path(
        "bids/partner-invitations/<uuid:member_public_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("bids/start/<str:tender_reference>/", views.start, name="start"),
    path(f"{B}/", views.overview, name="overview"),
    path(f"{B}/lots/", views.lots, name="lots"),
    path(f"{B}/questions/<int:number>/", views.answer, name="answer"),
    path(f"{B}/prices/", views.prices, name="prices"),
    path(f"{B}/documents/", views.documents, name="documents"),
    path(
        f"{B}/documents/<uuid:file_public_id>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path(f"{B}/partners/", views.partners, name="partners"),
    path(f"{B}/partners/shares/", views.shares, name="shares"),
    path(
        f"{B}/partners/<uuid:member_public_id>/change/",
        views.partner_change,
        name="partner_change",
    ),
    path(
        f"{B}/partners/<uuid:member_public_id>/remove/",
        views.partner_remove,
        name="partner_remove",
    ),
    path(f"{B}/check/", views.check, name="check"),
    path(f"{B}/withdraw/", views.withdraw, name="withdraw"),
    path(f"{B}/confirm-again/", views.reconfirm, name="reconfirm"),
]
