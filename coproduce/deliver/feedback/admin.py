"""Read-only admin views of feedback and mystery shopping (changes go through services)."""

from django.contrib import admin

from .models import FeedbackResponse, MysteryShopper, ShoppingVisit


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(ReadOnly):
    list_display = ("contract", "rating", "received_on")
    list_filter = ("rating",)


@admin.register(MysteryShopper)
class MysteryShopperAdmin(ReadOnly):
    list_display = ("full_name", "trained_on", "trained_by")


@admin.register(ShoppingVisit)
class ShoppingVisitAdmin(ReadOnly):
    list_display = ("contract", "number", "window_from", "window_to")
