"""URLs of the opportunity search and saved searches (included by ``tenders/urls.py``)."""

from django.urls import path

from . import views_search

urlpatterns: list = [
    path("opportunities/", views_search.search, name="search"),
    path("opportunities/saved-searches/", views_search.saved_search_list, name="saved_searches"),
    path(
        "opportunities/saved-searches/new/",
        views_search.saved_search_create_view,
        name="saved_search_create",
    ),
    path(
        "opportunities/saved-searches/<int:pk>/rename/",
        views_search.saved_search_rename_view,
        name="saved_search_rename",
    ),
    path(
        "opportunities/saved-searches/<int:pk>/delete/",
        views_search.saved_search_delete_view,
        name="saved_search_delete",
    ),
    path(
        "opportunities/saved-searches/<int:pk>/alerts/",
        views_search.saved_search_alerts_view,
        name="saved_search_alerts",
    ),
    path(
        "opportunities/stop-alerts/<str:token>/",
        views_search.alerts_off,
        name="alerts_off",
    ),
]
