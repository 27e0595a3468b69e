from django.urls import path

from . import views

app_name = "equality"

urlpatterns = [
    path("equality-impact/<str:reference>/", views.public_detail, name="public_detail"),
    path("manage/projects/<str:reference>/equality/", views.manage, name="manage"),
    path("manage/projects/<str:reference>/equality/start/", views.start, name="start"),
    path("manage/projects/<str:reference>/equality/publish/", views.publish, name="publish"),
    path(
        "manage/projects/<str:reference>/equality/<slug:characteristic>/",
        views.edit_entry,
        name="edit_entry",
    ),
    path(
        "manage/projects/<str:reference>/participation-gap/",
        views.project_gap,
        name="project_gap",
    ),
    path("manage/population/", views.population, name="population"),
    path("manage/population/upload/", views.population_upload, name="population_upload"),
    path(
        "manage/participation-gap/<str:reference>/",
        views.consultation_gap,
        name="consultation_gap",
    ),
]
