from django.urls import path

from . import views

app_name = "monitoring"

R = "monitoring/contracts/<str:reference>/"
RET = R + "returns/<int:number>/"

urlpatterns = [
    path("monitoring/", views.mine, name="mine"),
    path("monitoring/check/", views.desk, name="desk"),
    path(R, views.contract, name="contract"),
    path(RET, views.return_detail, name="return_detail"),
    path(RET + "send/", views.submit, name="submit"),
    path(RET + "correct/", views.correct, name="correct"),
    path(RET + "answer/", views.answer, name="answer"),
    path(RET + "query/", views.query, name="query"),
    path(RET + "accept/", views.accept, name="accept"),
    path(RET + "evidence/<int:file_id>/", views.evidence, name="evidence"),
    path(R + "kpis/<int:position>/plans/<int:number>/", views.plan_new, name="plan_new"),
    path(R + "plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path(R + "plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path(R + "plans/<int:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path(R + "plans/<int:plan_id>/changes/", views.plan_changes, name="plan_changes"),
    path(R + "kpis/<int:position>/years/<int:year>/", views.assess, name="assess"),
    path(
        R + "kpis/<int:position>/years/<int:year>/publish/",
        views.assessment_publish,
        name="assessment_publish",
    ),
]
