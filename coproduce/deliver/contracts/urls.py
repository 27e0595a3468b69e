from django.urls import path

from . import views

app_name = "contracts"

C = "contracts/<str:reference>"
MINE = "your-contracts/<str:reference>"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path(f"{C}/", views.contract_detail, name="detail"),
    path(f"{C}/kpis/<int:position>/edit/", views.kpi_edit, name="kpi_edit"),
    path(f"{C}/proposals/<int:proposal_id>/answer/", views.proposal_answer, name="proposal_answer"),
    path(f"{C}/framework/agree/", views.framework_agree, name="agree"),
    path(f"{C}/changes/new/", views.change_record, name="change"),
    path(f"{C}/contact/", views.contact_change, name="contact"),
    path(
        "manage/projects/<str:project_ref>/contracts/record/", views.record_existing, name="record"
    ),
    path("your-contracts/", views.my_contracts, name="mine"),
    path(f"{MINE}/", views.my_contract, name="mine_detail"),
    path(f"{MINE}/kpis/<int:position>/propose/", views.propose, name="propose"),
]
