from django.urls import path

from . import views

app_name = "review"

M = "manage/decommissioning/<str:reference>"
P = "decommissioning/<str:reference>"

urlpatterns = [
    path("manage/projects/<str:reference>/review/start/", views.start, name="start"),
    path("reviews/<str:reference>/", views.report, name="report"),
    path("manage/reviews/<str:reference>/", views.manage, name="manage"),
    path("manage/reviews/<str:reference>/publish/", views.publish, name="publish"),
    path("manage/reviews/<str:reference>/decide/", views.decide, name="decide"),
    path(f"{P}/", views.decommissioning, name="decommissioning"),
    path(f"{P}/transition-plan/", views.transition_plan, name="transition_plan"),
    path(f"{P}/letter/", views.letter, name="letter"),
    path(f"{P}/letter/easy-read/", views.letter_easy_read, name="letter_easy_read"),
    path(f"{P}/provider-letter/", views.provider_letter, name="provider_letter"),
    path(
        f"{P}/provider-letter/easy-read/",
        views.provider_letter_easy_read,
        name="provider_letter_easy_read",
    ),
    path(f"{M}/", views.decommissioning_manage, name="decommissioning_manage"),
    path(f"{M}/notice/", views.notice, name="notice"),
    path(f"{M}/groups/new/", views.group_add, name="group_add"),
    path(f"{M}/groups/<int:position>/actions/new/", views.action_add, name="action_add"),
    path(f"{M}/actions/<int:pk>/", views.action_update, name="action_update"),
]
