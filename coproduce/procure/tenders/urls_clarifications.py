"""URLs of questions and answers, changes, following and process feedback on a tender."""

from django.urls import path

from . import views_clarifications as views

T = "opportunities/<str:reference>/"

urlpatterns: list = [
    path(T + "questions/", views.questions, name="questions"),
    path(T + "questions/ask/", views.ask, name="ask"),
    path(T + "questions/manage/", views.questions_manage, name="questions_manage"),
    path(T + "questions/<int:number>/asked/", views.question_asked, name="question_asked"),
    path(T + "questions/<int:number>/answer/", views.answer, name="answer"),
    path(T + "follow/", views.follow, name="follow"),
    path(T + "change/", views.amend, name="amend"),
    path(T + "changes/", views.amendments, name="amendments"),
    path(T + "feedback/", views.feedback, name="feedback"),
    path(T + "feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
    path(T + "feedback/summary/", views.feedback_summary_view, name="feedback_summary"),
]
