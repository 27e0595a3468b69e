"""Complaints about a tender: its conditions, the evaluation or the award.

Anyone can complain (a bidder or a resident). Each complaint moves received →
acknowledged → under review → upheld / not upheld, or is withdrawn, with a response
deadline; the outcome is published (without the complainant's name).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.procure.tenders.models import Tender


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UNDER_REVIEW = "under_review", "Under review"
    UPHELD = "upheld", "Upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ComplaintSubject(models.TextChoices):
    CONDITIONS = "conditions", "The tender's conditions or documents"
    PROCESS = "process", "How the tender is being run"
    EVALUATION = "evaluation", "How bids were scored"
    AWARD = "award", "The award decision"


class Complaint(TimeStampedModel):
    """One complaint and its handling. Status changes only through ``complaint_*`` services."""

    reference = models.CharField(max_length=20, unique=True)
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="complaints")
    subject = models.CharField(max_length=12, choices=ComplaintSubject.choices)
    details = models.TextField()
    outcome_wanted = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    status = models.CharField(
        max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    respond_by = models.DateField()
    response = models.TextField(blank=True)
    published_outcome = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s for s, _ in ComplaintStatus.choices]),
                name="complaint_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ComplaintEvent(models.Model):
    """One step in a complaint's handling: status change with a note (the complainant sees it)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    to_status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    note = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the complainant acted through their private link without signing in.",
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["complaint", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.from_status} → {self.to_status}"
