from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("branding.css", views.branding_css, name="branding_css"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/checkpoints/", views.audit_checkpoints, name="audit_checkpoints"),
    path("audit/checkpoints.json", views.audit_checkpoints_file, name="audit_checkpoints_file"),
]
