from django.urls import path, re_path

from . import views

app_name = "ideas"

IDEA = r"(?P<reference>ID-\d{4}-\d{4,})"

urlpatterns = [
    path("ideas/", views.board, name="council_board"),
    path("ideas/new/", views.submit, name="submit"),
    path("ideas/bulk/", views.bulk_entry, name="bulk"),
    path("ideas/moderation/", views.moderation, name="moderation"),
    path("ideas/moderation/<int:comment_id>/", views.moderate, name="moderate"),
    path("ideas/project/<str:reference>/", views.board, name="project_board"),
    path("ideas/project/<str:reference>/new/", views.submit, name="project_submit"),
    path("ideas/project/<str:reference>/bulk/", views.bulk_entry, name="project_bulk"),
    re_path(rf"^ideas/{IDEA}/$", views.detail, name="detail"),
    re_path(rf"^ideas/{IDEA}/support/$", views.support, name="support"),
    re_path(rf"^ideas/{IDEA}/comments/$", views.comment, name="comment"),
    re_path(rf"^ideas/{IDEA}/comments/(?P<comment_id>\d+)/report/$", views.report, name="report"),
    re_path(rf"^ideas/{IDEA}/status/$", views.change_status, name="change_status"),
    re_path(rf"^ideas/{IDEA}/merge/$", views.merge, name="merge"),
]
