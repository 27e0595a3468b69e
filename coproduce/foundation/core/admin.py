"""Django admin: read-only views. Every change goes through a service so it is audited.

The audit events' admin reads through ``selectors.visible_audit_events`` (list, filters,
search, change page), so it hides exactly what the audit page hides, from superusers too,
and addresses an event by its stream and number, never by its database id (ids count
every event, sealed ones included).
"""

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.http import Http404
from django.urls import reverse

from .models import AuditCheckpoint, AuditEvent, ServiceArea
from .selectors import (
    audit_target_types,
    audit_verbs,
    may_read_audit,
    visible_audit_event,
    visible_audit_events,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def event_admin_id(event: AuditEvent) -> str:
    """The admin's address for an event: ``public.57``, ``bids.tender:4.3`` (stream.seq)."""
    return f"{event.stream}.{event.seq}"


class _VisibleChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices come from the visible events only."""

    field = ""

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class VerbFilter(_VisibleChoicesFilter):
    title = "action"
    parameter_name = "verb"
    field = "verb"

    def lookups(self, request, model_admin):
        return [(v, v) for v in audit_verbs()]


class TargetTypeFilter(_VisibleChoicesFilter):
    title = "type of record"
    parameter_name = "target_type"
    field = "target_type"

    def lookups(self, request, model_admin):
        return [(t, t) for t in audit_target_types()]


class AuditEventChangeList(ChangeList):
    def url_for_result(self, result):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(quote(event_admin_id(result)),),
            current_app=self.model_admin.admin_site.name,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["reference", "occurred_at", "actor_label", "verb", "target_type", "target_id"]
    list_filter = [VerbFilter, TargetTypeFilter]
    search_fields = ["actor_label", "target_label", "verb"]
    # The change page has no "History" link (it would carry the database id).
    change_form_template = "admin/core/auditevent/change_form.html"

    def has_module_permission(self, request):
        return may_read_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return may_read_audit(request.user)

    def changelist_view(self, request, extra_context=None):
        if not may_read_audit(request.user):
            raise Http404  # as the audit page answers: no 403 that confirms the page exists
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not may_read_audit(request.user):
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # events have no history: they never change

    def get_queryset(self, request):
        return visible_audit_events()

    def get_changelist(self, request, **kwargs):
        return AuditEventChangeList

    def get_object(self, request, object_id, from_field=None):
        """Only ``<stream>.<seq>`` of a visible event; a database id finds nothing."""
        stream, _, seq = str(object_id).rpartition(".")
        if not stream or not seq.isdigit() or len(seq) > 18:
            return None
        return visible_audit_event(stream=stream, seq=int(seq))

    @admin.display(description="event", ordering="seq")
    def reference(self, event: AuditEvent) -> str:
        return event.reference


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["made_at", "kind", "seq", "head_hash"]
    exclude = ["sealed_heads"]  # never shown: the size of each sealed stream


@admin.register(ServiceArea)
class ServiceAreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "light_touch"]
