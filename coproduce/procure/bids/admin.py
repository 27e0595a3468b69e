"""Django admin for bids: deliberately almost nothing.

Bids, drafts, files, submissions, answers, prices, openings, late attempts and tender keys
are **not registered**: a change list shows a count ("3 bids"), and the admin ignores the
sealing rules in ``coproduce.procure.bids.selectors``. Staff read opened bids through the
service's own pages and API. Only the documents a tender asks for (public, part of the
tender pack) are shown, read-only.
"""

from django.contrib import admin

from .models import RequiredDocument


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    list_display = ("name", "tender", "mandatory")
    search_fields = ("name", "tender__reference")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
