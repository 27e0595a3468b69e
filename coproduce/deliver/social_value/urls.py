from django.urls import path  # noqa: F401

app_name = "social_value"

urlpatterns: list = []
