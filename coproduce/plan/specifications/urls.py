from django.urls import path, register_converter

from . import views


class VersionConverter:
    """``v3`` in a URL, passed to the view as the number 3."""

    regex = r"v[0-9]{1,4}"

    def to_python(self, value: str) -> int:
        return int(value[1:])

    def to_url(self, value: int) -> str:
        return f"v{int(value)}"


register_converter(VersionConverter, "version")

app_name = "specifications"

M = "manage/projects/<str:reference>/specification"
R = f"{M}/requirements/<int:requirement_id>"

urlpatterns = [
    path("projects/<str:reference>/specification/", views.detail, name="detail"),
    path("projects/<str:reference>/specification/history/", views.history, name="history"),
    path(
        "projects/<str:reference>/specification/<version:version>/",
        views.detail,
        name="version",
    ),
    path(f"{M}/", views.manage, name="manage"),
    path(f"{M}/new/", views.create, name="create"),
    path(f"{M}/edit/", views.edit, name="edit"),
    path(f"{M}/new-version/", views.new_version, name="new_version"),
    path(f"{M}/publish/", views.publish, name="publish"),
    path(f"{M}/requirements/new/", views.requirement_new, name="requirement_new"),
    path(f"{R}/edit/", views.requirement_edit, name="requirement_edit"),
    path(f"{R}/move/", views.requirement_move_view, name="requirement_move"),
    path(f"{R}/remove/", views.requirement_delete, name="requirement_remove"),
]
