from django.urls import path

from . import views

app_name = "routes"

urlpatterns = [
    path("procurement-rules/", views.rules_page, name="rules"),
    path("procurement-rules/advisor/", views.advisor_page, name="advisor"),
    path("procurement-rules/bank-holidays/", views.bank_holidays, name="bank_holidays"),
    path("procurement-rules/<str:key>/new-version/", views.new_version, name="new_version"),
]
