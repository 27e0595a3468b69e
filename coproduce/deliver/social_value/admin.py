"""Django admin for social value: read-only views of the measure table versions and the
SROI analyses. Everything changes through the service's own pages (which check the rules,
validate and audit); deliveries are not registered because they hold providers' evidence.
"""

from django.contrib import admin

from .models import MeasureTable, SroiAnalysis


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeasureTable)
class MeasureTableAdmin(ReadOnlyAdmin):
    list_display = ("version", "title", "imported_at", "imported_by")


@admin.register(SroiAnalysis)
class SroiAnalysisAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "project", "contract", "kind", "status")
    list_filter = ("kind", "status")
    search_fields = ("reference", "title")
