from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.public_list, name="public_list"),
    path("projects/<str:reference>/", views.detail, name="detail"),
    path("manage/projects/", views.staff_list, name="staff_list"),
    path("manage/projects/new/", views.create, name="create"),
    path("manage/projects/<str:reference>/edit/", views.edit, name="edit"),
    path("manage/projects/<str:reference>/stage/", views.change_stage, name="change_stage"),
    path("manage/projects/<str:reference>/publish/", views.publish, name="publish"),
]
