"""Read-only admin views of consultations: every change goes through the services.

Responses and equality returns are deliberately not registered: responses are read in the
analysis pages, and equality returns are only ever shown as suppressed totals.
"""

from django.contrib import admin

from coproduce.foundation.core.admin import ReadOnlyAdmin

from .models import Consultation


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "status", "opens_at", "closes_at"]
    list_filter = ["status"]
    search_fields = ["reference", "title"]
