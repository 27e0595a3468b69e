from django.urls import path

from . import rules_analysis  # noqa: F401  (rules autodiscovery only loads rules.py)
from . import views_analysis as views

app_name = "engagement_analysis"

C = "manage/consultations/<str:reference>/analysis"
F = "manage/findings/<str:reference>"

urlpatterns = [
    path(f"{C}/", views.summary, name="summary"),
    path(f"{C}/responses/", views.responses, name="responses"),
    path(f"{C}/responses.csv", views.export_csv, name="export_csv"),
    path(f"{C}/equality/", views.equality, name="equality"),
    path(f"{C}/themes/", views.themes, name="themes"),
    path(f"{C}/themes/<int:theme_id>/edit/", views.theme_edit, name="theme_edit"),
    path(f"{C}/themes/<int:theme_id>/merge/", views.theme_merge, name="theme_merge"),
    path(f"{C}/coding/", views.coding, name="coding"),
    path(f"{C}/findings/", views.findings, name="findings"),
    path(f"{C}/findings/new/", views.finding_new, name="finding_new"),
    path(f"{F}/", views.finding_manage, name="finding_manage"),
    path(f"{F}/edit/", views.finding_edit, name="finding_edit"),
    path(f"{F}/quotes/", views.finding_quote_choose, name="finding_quote_choose"),
    path(f"{F}/quotes/add/<int:answer_id>/", views.finding_quote_add, name="finding_quote_add"),
    path(
        f"{F}/quotes/<int:quote_id>/remove/",
        views.finding_quote_remove,
        name="finding_quote_remove",
    ),
    path(f"{F}/publish/", views.finding_publish, name="finding_publish"),
    path(f"{F}/correct/", views.finding_correct, name="finding_correct"),
    path("findings/<str:reference>/", views.finding_public, name="finding_public"),
]
