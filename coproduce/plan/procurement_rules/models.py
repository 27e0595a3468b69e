"""Procurement rules held as data: thresholds, periods and percentages, and bank holidays.

A rule is never edited in place. A change in the law is a new row with a later
``effective_from``; the value that applies on a day is the row with the latest
``effective_from`` on or before that day. So an advice given last year can be explained
today with the rules that applied then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Route(models.TextChoices):
    OPEN = "open", "Open"
    RESTRICTED = "restricted", "Restricted (shortlist first)"
    SINGLE_SOURCE = "single_source", "Single source"
    RESERVED = "reserved", "Reserved"


class Reservation(models.TextChoices):
    NONE = "", "Not reserved"
    SUPPORTED_BUSINESS = "supported_business", "Supported businesses"
    SME_VCSE = "sme_vcse", "Small businesses and voluntary organisations"
    LOCAL = "local", "Local organisations"


class Unit(models.TextChoices):
    PENCE = "pence", "Pence (including VAT)"
    DAYS = "days", "Calendar days"
    WORKING_DAYS = "working_days", "Working days"
    PERCENT = "percent", "Per cent"
    COUNT = "count", "Count"


class ProcurementRule(models.Model):
    """One value of one rule from a date, with its source.

    ``key`` names the rule (``threshold.goods_services``, ``tender_period.minimum_days``…,
    see ``coproduce.plan.procurement_rules.keys``); ``route`` is blank when the rule applies to every route.
    Invariants: unique per (key, route, effective_from); rows are only ever added, through
    ``rule_add`` (audited); ``value`` is a whole number in ``unit``.
    """

    key = models.CharField(max_length=80)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    value = models.BigIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    effective_from = models.DateField()
    label = models.CharField(max_length=200, help_text="Plain-English name of the rule.")
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "route", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "route", "effective_from"], name="procurement_rule_unique_version"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="procurement_rule_not_negative"),
        ]

    def __str__(self) -> str:
        route = f" [{self.route}]" if self.route else ""
        return f"{self.key}{route} = {self.value} {self.unit} from {self.effective_from}"


class BankHoliday(models.Model):
    """A public holiday in England and Wales, for working-day arithmetic (standstill)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
