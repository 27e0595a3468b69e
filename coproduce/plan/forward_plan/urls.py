from django.urls import path

from . import views

app_name = "pipeline"

urlpatterns = [
    path("forward-plan/", views.plan, name="plan"),
    path("forward-plan/manage/", views.plan_manage, name="plan_manage"),
    path("forward-plan/new/", views.plan_create, name="plan_create"),
    path("forward-plan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("forward-plan/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("forward-plan/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("forward-plan/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("events/", views.event_list, name="event_list"),
    path("events/manage/", views.event_manage, name="event_manage"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/publish/", views.event_publish, name="event_publish"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/registrations/", views.event_registrations, name="event_registrations"),
    path(
        "events/<int:pk>/registrations.csv",
        views.event_registrations_csv,
        name="event_registrations_csv",
    ),
    path(
        "events/registrations/<str:token>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
]
