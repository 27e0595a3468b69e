"""Contracts: the record created when an award is confirmed, for delivery and review.

This is the start of capability C5 (contract monitoring); KPIs, returns and social value
reporting will hang off ``Contract``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel


class Contract(TimeStampedModel):
    """A contract awarded through a tender (or one lot of it).

    Invariants: created once per confirmed award (``award`` is unique); money in pence.
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="contracts"
    )
    award = models.OneToOneField(
        "awards.AwardDecision", on_delete=models.PROTECT, related_name="contract"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    value_pence = models.BigIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_pence__gte=0), name="contract_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
