from django.urls import path

from . import views

app_name = "budgeting"

urlpatterns = [
    path("budgets/", views.round_index, name="round_list"),
    path("budgets/check-receipt/", views.receipt_check, name="receipt_check"),
    path("budgets/<str:reference>/", views.round_detail, name="round_detail"),
    path("budgets/<str:reference>/propose/", views.propose, name="propose"),
    path(
        "budgets/<str:reference>/ideas/<str:proposal>/",
        views.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "budgets/<str:reference>/ideas/<str:proposal>/photo/",
        views.proposal_photo,
        name="proposal_photo",
    ),
    path("budgets/<str:reference>/vote/", views.ballot, name="ballot"),
    path("budgets/<str:reference>/vote/receipt/", views.ballot_done, name="ballot_done"),
    path("budgets/<str:reference>/results/", views.results, name="results"),
    path("budgets/<str:reference>/export.pb", views.export, name="export"),
    path("manage/budgets/", views.manage_index, name="manage_list"),
    path("manage/budgets/new/", views.manage_create, name="manage_create"),
    path("manage/budgets/import/", views.manage_import, name="manage_import"),
    path("manage/budgets/<str:reference>/", views.manage_round, name="manage_round"),
    path("manage/budgets/<str:reference>/phase/", views.manage_phase, name="manage_phase"),
    path(
        "manage/budgets/<str:reference>/ideas/<str:proposal>/review/",
        views.manage_review,
        name="manage_review",
    ),
    path("manage/budgets/<str:reference>/codes/", views.manage_codes, name="manage_codes"),
    path("manage/budgets/<str:reference>/register/", views.manage_register, name="manage_register"),
    path("manage/budgets/<str:reference>/paper/", views.manage_batch, name="manage_batch"),
    path(
        "manage/budgets/<str:reference>/paper/<int:number>/confirm/",
        views.manage_batch_confirm,
        name="manage_batch_confirm",
    ),
    path(
        "manage/budgets/<str:reference>/results/compute/",
        views.manage_compute,
        name="manage_compute",
    ),
    path(
        "manage/budgets/<str:reference>/results/publish/",
        views.manage_publish,
        name="manage_publish",
    ),
    path(
        "manage/budgets/<str:reference>/results/<str:proposal>/",
        views.manage_override,
        name="manage_override",
    ),
]
