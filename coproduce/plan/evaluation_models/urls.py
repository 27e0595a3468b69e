from django.urls import path

from . import views

app_name = "evaluation"

P = "projects/<str:reference>/evaluation/"
M = P + "<int:model_id>/"

urlpatterns = [
    path(P, views.model_list, name="list"),
    path(P + "new/", views.create, name="create"),
    path(M, views.detail, name="detail"),
    path(M + "build/", views.build, name="build"),
    path(M + "edit/", views.edit, name="edit"),
    path(M + "lock/", views.lock, name="lock"),
    path(M + "copy/", views.copy, name="copy"),
    path(M + "scale/", views.scale, name="scale"),
    path(M + "criteria/new/<slug:kind>/", views.criterion_new, name="criterion_new"),
    path(M + "criteria/<int:criterion_id>/edit/", views.criterion_edit, name="criterion_edit"),
    path(
        M + "criteria/<int:criterion_id>/remove/", views.criterion_delete, name="criterion_delete"
    ),
    path(M + "panel/new/", views.role_new, name="role_new"),
    path(M + "panel/<int:role_id>/edit/", views.role_edit, name="role_edit"),
    path(M + "panel/<int:role_id>/remove/", views.role_delete, name="role_delete"),
]
