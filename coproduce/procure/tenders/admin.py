"""Read-only admin views of tenders: changes go through the services (and their audit)."""

from django.contrib import admin

from coproduce.foundation.core.admin import ReadOnlyAdmin

from .models import Lot, Tender, TenderDocument


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "status", "value_pence", "deadline", "published_at"]
    list_filter = ["status", "route", "suitable_for_small"]
    search_fields = ["reference", "title"]


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["tender", "number", "title", "value_pence", "reserved_for"]
    search_fields = ["tender__reference", "title"]


@admin.register(TenderDocument)
class TenderDocumentAdmin(ReadOnlyAdmin):
    list_display = ["tender", "title", "kind", "content_type", "size_bytes", "withdrawn_at"]
    search_fields = ["tender__reference", "title", "sha256"]
