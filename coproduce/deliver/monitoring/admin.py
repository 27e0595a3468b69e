"""Read-only admin views of monitoring: every change goes through the services (audited)."""

from django.contrib import admin

from .models import ImprovementPlan, KPIAssessment, MonitoringReturn, ReminderSent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonitoringReturn)
class MonitoringReturnAdmin(ReadOnly):
    list_display = ("contract", "number", "period_start", "period_end", "due_on", "status")
    list_filter = ("status",)
    search_fields = ("contract__reference",)


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ReadOnly):
    list_display = ("contract", "kpi", "trigger_number", "status", "by_when")
    list_filter = ("status",)


@admin.register(KPIAssessment)
class KPIAssessmentAdmin(ReadOnly):
    list_display = ("contract", "kpi", "year", "rating", "published_at")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnly):
    list_display = ("contract", "number", "sent_on")
