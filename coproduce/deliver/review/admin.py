"""Read-only admin views: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from .models import Decommissioning, Review, ReviewDecision, TransitionAction, TransitionGroup


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = ("reference", "project", "cycle", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("reference", "project__reference", "project__title")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnly):
    list_display = ("review", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome",)


@admin.register(Decommissioning)
class DecommissioningAdmin(ReadOnly):
    list_display = (
        "reference",
        "project",
        "contract",
        "status",
        "notice_given_on",
        "service_ends_on",
    )
    list_filter = ("status",)
    search_fields = ("reference", "project__reference")


@admin.register(TransitionGroup)
class TransitionGroupAdmin(ReadOnly):
    list_display = ("decommissioning", "position", "who", "by_when", "responsible")


@admin.register(TransitionAction)
class TransitionActionAdmin(ReadOnly):
    list_display = ("group", "text", "owner", "due_on", "status")
    list_filter = ("status",)
