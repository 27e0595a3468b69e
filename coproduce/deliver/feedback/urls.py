from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    # Public: anyone, no account needed.
    path("services/<str:reference>/feedback/", views.give, name="give"),
    path("services/<str:reference>/feedback/easy-read/", views.give_easy, name="give_easy"),
    path("services/<str:reference>/feedback/thank-you/", views.thanks, name="thanks"),
    path("services/<str:reference>/what-people-say/", views.summary, name="summary"),
    # Council staff and the provider.
    path("contracts/<str:reference>/feedback/", views.responses, name="responses"),
    path("contracts/<str:reference>/feedback/themes/", views.themes, name="themes"),
    path(
        "contracts/<str:reference>/feedback/themes/<int:theme_id>/",
        views.theme_edit,
        name="theme_edit",
    ),
    path("contracts/<str:reference>/feedback/coding/", views.coding, name="coding"),
    path("contracts/<str:reference>/mystery-shopping/", views.visits, name="visits"),
    path("contracts/<str:reference>/mystery-shopping/plan/", views.visit_new, name="visit_new"),
    path("contracts/<str:reference>/mystery-shopping/<int:number>/", views.visit, name="visit"),
    path(
        "contracts/<str:reference>/mystery-shopping/<int:number>/report/",
        views.report,
        name="report",
    ),
    path(
        "contracts/<str:reference>/mystery-shopping/<int:number>/evidence/<int:position>/",
        views.evidence,
        name="evidence",
    ),
    path(
        "contracts/<str:reference>/mystery-shopping/<int:number>/reply/",
        views.reply,
        name="reply",
    ),
    path(
        "contracts/<str:reference>/mystery-shopping/<int:number>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    path(
        "contracts/<str:reference>/mystery-shopping/<int:number>/actions/<int:action_id>/",
        views.action_update,
        name="action_update",
    ),
    path("mystery-shoppers/", views.shoppers, name="shoppers"),
    path("mystery-shopping/my-visits/", views.my_visits, name="my_visits"),
]
