from django.urls import path

from . import views

app_name = "awards"

M = "manage/tenders/<str:reference>"

urlpatterns = [
    path(f"{M}/award/", views.tender_awards, name="manage"),
    path(f"{M}/award/<str:key>/decide/", views.decide, name="decide"),
    path(f"{M}/cancel/", views.cancel, name="cancel"),
    path(
        "manage/awards/<int:pk>/letters/regenerate/",
        views.regenerate_letters,
        name="regenerate_letters",
    ),
    path("manage/awards/<int:pk>/<slug:action>/", views.decision_action, name="action"),
    path("awards/letters/", views.my_letters, name="my_letters"),
    path("awards/letters/<int:pk>/", views.letter, name="letter"),
    path("awards/letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("awards/letters/<int:pk>/easy-read/", views.letter_easy_read, name="letter_easy_read"),
    path(
        "awards/letters/<int:pk>/easy-read/pdf/",
        views.letter_easy_read_pdf,
        name="letter_easy_read_pdf",
    ),
    path("market/", views.market, name="market"),
    path("opportunities/<str:reference>/market/", views.tender_market, name="tender_market"),
]
