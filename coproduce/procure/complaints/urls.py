from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.desk, name="desk"),
    path("complaints/new/<str:tender_reference>/", views.raise_complaint, name="raise"),
    path("complaints/yours/", views.mine_list, name="mine_list"),
    path("complaints/yours/<str:reference>/", views.mine_detail, name="mine_detail"),
    path("complaints/track/<str:token>/", views.mine_by_token, name="mine_by_token"),
    path("complaints/<str:reference>/", views.desk_detail, name="desk_detail"),
    path("complaints/<str:reference>/<slug:action>/", views.desk_action, name="desk_action"),
    path(
        "opportunities/<str:reference>/complaints/",
        views.tender_outcomes,
        name="tender_outcomes",
    ),
]
