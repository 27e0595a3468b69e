"""Django admin: read-only views. Every change goes through a service so it is audited."""

from django.contrib import admin

from .models import AuditEvent, ServiceArea


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "verb", "target_type", "target_id"]
    list_filter = ["verb", "target_type"]
    search_fields = ["actor_label", "target_label", "verb"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "light_touch"]
