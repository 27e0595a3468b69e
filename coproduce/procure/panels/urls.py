from django.urls import path

from . import views

app_name = "panels"

M = "manage/tenders/<str:reference>"
MOD = f"{M}/moderation/<str:lot_key>"

urlpatterns = [
    # council staff
    path(f"{M}/panel/", views.manage, name="manage"),
    path(f"{M}/panel/appoint/", views.appoint, name="appoint"),
    path(f"{M}/panel/members/<int:member_id>/resend/", views.resend, name="resend"),
    path(f"{M}/panel/members/<int:member_id>/remove/", views.remove, name="remove"),
    path(f"{MOD}/", views.moderation, name="moderation"),
    path(f"{MOD}/start/", views.moderation_start, name="moderation_start"),
    path(f"{MOD}/complete/", views.moderation_complete, name="moderation_complete"),
    path(
        f"{MOD}/bids/<str:bid_reference>/questions/<int:criterion_id>/",
        views.agree,
        name="agree",
    ),
    path(f"{MOD}/price-explanations/<int:explanation_id>/", views.decide, name="decide"),
    # panel members
    path("panel/join/<str:token>/", views.join, name="join"),
    path("panel/sign-out/", views.sign_out, name="sign_out"),
    path("panel/guide/", views.guide, name="guide"),
    path("panel/guide/easy-read/", views.guide_easy_read, name="guide_easy_read"),
    path("panel/<int:member_id>/", views.member_home, name="member_home"),
    path("panel/<int:member_id>/declare/", views.declare, name="declare"),
    path("panel/<int:member_id>/declare/new/", views.declare_more, name="declare_more"),
    path("panel/<int:member_id>/bids/<str:bid_reference>/", views.score_bid, name="score"),
    # bidders
    path("price-explanations/<int:explanation_id>/", views.explanation, name="explanation"),
]
