from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    # Residents
    path("consultations/", views.public_list, name="public_list"),
    path("consultations/resume/<str:token>/", views.resume, name="resume"),
    path("consultations/pictures/<int:pk>/", views.easy_read_image, name="image"),
    path("consultations/<str:reference>/", views.intro, name="intro"),
    path("consultations/<str:reference>/easy-read/", views.easy_intro, name="easy_intro"),
    path("consultations/<str:reference>/start/", views.start, name="start"),
    path("consultations/<str:reference>/questions/<int:number>/", views.page, name="page"),
    path("consultations/<str:reference>/about-you/", views.equality_page, name="equality"),
    path("consultations/<str:reference>/check-your-answers/", views.check, name="check"),
    path("consultations/<str:reference>/saved/", views.saved, name="saved"),
    path("consultations/<str:reference>/sent/", views.sent, name="sent"),
    # Officers
    path("manage/consultations/", views.staff_list, name="staff_list"),
    path("manage/consultations/new/", views.create, name="create"),
    path("manage/consultations/<str:reference>/", views.manage, name="manage"),
    path("manage/consultations/<str:reference>/edit/", views.edit, name="edit"),
    path("manage/consultations/<str:reference>/publish/", views.publish, name="publish"),
    path("manage/consultations/<str:reference>/close/", views.close, name="close"),
    path(
        "manage/consultations/<str:reference>/sections/new/", views.section_form, name="section_add"
    ),
    path(
        "manage/consultations/<str:reference>/sections/<int:pk>/edit/",
        views.section_form,
        name="section_edit",
    ),
    path(
        "manage/consultations/<str:reference>/sections/<int:pk>/remove/",
        views.section_delete,
        name="section_remove",
    ),
    path(
        "manage/consultations/<str:reference>/questions/new/",
        views.question_form,
        name="question_add",
    ),
    path(
        "manage/consultations/<str:reference>/questions/<int:pk>/edit/",
        views.question_form,
        name="question_edit",
    ),
    path(
        "manage/consultations/<str:reference>/questions/<int:pk>/remove/",
        views.question_delete,
        name="question_remove",
    ),
    path("manage/consultations/<str:reference>/preview/", views.preview_intro, name="preview"),
    path(
        "manage/consultations/<str:reference>/preview/questions/<int:number>/",
        views.preview_page,
        name="preview_page",
    ),
    path(
        "manage/consultations/<str:reference>/preview/about-you/",
        views.preview_equality,
        name="preview_equality",
    ),
]
