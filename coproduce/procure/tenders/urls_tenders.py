"""URLs of the tender itself: the public notice and pack, and the staff pages."""

from django.urls import path

from . import views

PUBLIC = "opportunities/<str:reference>"
M = "manage/tenders/<str:reference>"

urlpatterns: list = [
    path(f"{PUBLIC}/", views.detail, name="detail"),
    path(f"{PUBLIC}/documents/", views.pack, name="pack"),
    path(f"{PUBLIC}/documents/<int:document_id>/", views.document, name="document"),
    path(
        f"{PUBLIC}/documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path("projects/<str:project_ref>/tenders/new/", views.create, name="create"),
    path("manage/tenders/", views.staff_list, name="staff_list"),
    path(f"{M}/edit/", views.edit, name="edit"),
    path(f"{M}/lots/", views.lots, name="lots"),
    path(f"{M}/lots/<int:lot_id>/edit/", views.lot_edit, name="lot_edit"),
    path(f"{M}/lots/<int:lot_id>/remove/", views.lot_delete, name="lot_remove"),
    path(f"{M}/documents/", views.documents_manage, name="documents_manage"),
    path(
        f"{M}/documents/<int:document_id>/remove/",
        views.document_delete,
        name="document_remove",
    ),
    path(f"{M}/publish/", views.publish, name="publish"),
]
