from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from coproduce.api.api import api

admin.site.site_header = f"{settings.COUNCIL_NAME}: coproduce administration"
admin.site.site_title = "coproduce administration"

urlpatterns = [
    path("", include("coproduce.core.urls")),
    path("", include("coproduce.accounts.urls")),
    path("", include("coproduce.commissioning.urls")),
    path("", include("coproduce.engagement.urls")),
    path("", include("coproduce.engagement.urls_analysis")),
    path("", include("coproduce.ideas.urls")),
    path("", include("coproduce.equality.urls")),
    path("", include("coproduce.budgeting.urls")),
    path("", include("coproduce.routes.urls")),
    path("", include("coproduce.specifications.urls")),
    path("", include("coproduce.evaluation.urls")),
    path("", include("coproduce.tenders.urls")),
    path("", include("coproduce.pipeline.urls")),
    path("", include("coproduce.complaints.urls")),
    path("", include("coproduce.bids.urls")),
    path("", include("coproduce.panels.urls")),
    path("", include("coproduce.awards.urls")),
    path("", include("coproduce.contracts.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
