from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from coproduce.api.api import api

admin.site.site_header = f"{settings.COUNCIL_NAME}: coproduce administration"
admin.site.site_title = "coproduce administration"

urlpatterns = [
    path("", include("coproduce.foundation.core.urls")),
    path("", include("coproduce.foundation.accounts.urls")),
    path("", include("coproduce.foundation.commissioning.urls")),
    path("", include("coproduce.understand.consultations.urls")),
    path("", include("coproduce.understand.consultations.urls_analysis")),
    path("", include("coproduce.understand.ideas.urls")),
    path("", include("coproduce.understand.equality.urls")),
    path("", include("coproduce.understand.participatory_budgeting.urls")),
    path("", include("coproduce.plan.procurement_rules.urls")),
    path("", include("coproduce.plan.specifications.urls")),
    path("", include("coproduce.plan.evaluation_models.urls")),
    path("", include("coproduce.procure.tenders.urls")),
    path("", include("coproduce.plan.forward_plan.urls")),
    path("", include("coproduce.procure.complaints.urls")),
    path("", include("coproduce.procure.bids.urls")),
    path("", include("coproduce.procure.panels.urls")),
    path("", include("coproduce.procure.awards.urls")),
    path("", include("coproduce.deliver.contracts.urls")),
    path("", include("coproduce.deliver.monitoring.urls")),
    path("", include("coproduce.deliver.feedback.urls")),
    path("", include("coproduce.deliver.social_value.urls")),
    path("", include("coproduce.deliver.review.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
