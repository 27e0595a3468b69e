from django.urls import path

from . import views

app_name = "social_value"

urlpatterns = [
    path("social-value/", views.measures, name="measures"),
    path("social-value/measures/import/", views.measure_import, name="measure_import"),
    path("social-value/measures/<int:version>/", views.measure_version, name="measure_version"),
    path("social-value/check/", views.queue, name="queue"),
    path("social-value/yours/", views.mine, name="mine"),
    path("social-value/contracts/<str:reference>/", views.contract, name="contract"),
    path(
        "social-value/contracts/<str:reference>/promise/",
        views.commitment_add,
        name="commitment_add",
    ),
    path(
        "social-value/promises/<int:pk>/decide/", views.commitment_decide, name="commitment_decide"
    ),
    path("social-value/promises/<int:pk>/report/", views.delivery_report, name="delivery_report"),
    path("social-value/reports/<int:pk>/", views.delivery, name="delivery"),
    path("social-value/reports/<int:pk>/decide/", views.delivery_decide, name="delivery_decide"),
    path("social-value/reports/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("sroi/", views.sroi_list, name="sroi_list"),
    path("sroi/new/", views.sroi_create, name="sroi_create"),
    path("sroi/<str:reference>/", views.sroi_detail, name="sroi_detail"),
    path("sroi/<str:reference>/edit/", views.sroi_edit, name="sroi_edit"),
    path("sroi/<str:reference>/outcomes/new/", views.sroi_outcome_add, name="sroi_outcome_add"),
    path(
        "sroi/<str:reference>/outcomes/<int:pk>/", views.sroi_outcome_edit, name="sroi_outcome_edit"
    ),
    path(
        "sroi/<str:reference>/outcomes/<int:pk>/remove/",
        views.sroi_outcome_remove,
        name="sroi_outcome_remove",
    ),
    path("sroi/<str:reference>/publish/", views.sroi_publish, name="sroi_publish"),
]
