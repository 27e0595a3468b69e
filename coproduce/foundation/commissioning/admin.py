from django.contrib import admin

from coproduce.foundation.core.admin import ReadOnlyAdmin

from .models import CommissioningProject


@admin.register(CommissioningProject)
class CommissioningProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "stage", "published_at"]
    list_filter = ["stage"]
    search_fields = ["reference", "title"]
