"""Read-only admin for rounds and ideas. Ballots, voters, codes and results are not registered:
the admin must never show a tally before voting closes, nor what anyone chose."""

from django.contrib import admin

from coproduce.foundation.core.admin import ReadOnlyAdmin

from .models import Proposal, Round


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "phase", "ballot_type", "rule", "budget_pence"]
    list_filter = ["phase", "ballot_type"]
    search_fields = ["reference", "title"]
    exclude = ["secret"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "round", "status", "costed_pence"]
    list_filter = ["status"]
    search_fields = ["reference", "title"]
    exclude = ["photo"]
