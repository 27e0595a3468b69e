"""The public forward plan of upcoming opportunities, and supplier forum events.

A forward plan entry, once published, is the "planned procurement notice": a tender
published 40 days to a year after it may use the shorter minimum tender period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import ServiceArea, TimeStampedModel
from coproduce.plan.procurement_rules.models import Route


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "On the forward plan"
    TENDERED = "tendered", "Now open as a tender"
    WITHDRAWN = "withdrawn", "No longer planned"


class PlanEntry(TimeStampedModel):
    """An opportunity the council expects to tender, published ahead so organisations can prepare."""

    project = models.ForeignKey(
        CommissioningProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_entries",
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    estimated_value_pence = models.BigIntegerField()
    expected_tender_on = models.DateField(help_text="When we expect to publish the tender.")
    intended_route = models.CharField(max_length=20, choices=Route.choices, default=Route.OPEN)
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["expected_tender_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value_pence__gte=0), name="plan_entry_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ForumEvent(TimeStampedModel):
    """A supplier forum or market engagement event that organisations can register for."""

    plan_entry = models.ForeignKey(
        PlanEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    online_joining_details = models.TextField(blank=True)
    accessibility = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, BSL interpreter and so on."
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    registration_closes_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="forum_event_times_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    """A place at a forum event. One per email address per event; cancelling frees the place."""

    event = models.ForeignKey(ForumEvent, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation_name = models.CharField(max_length=200, blank=True)
    access_needs = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="event_registration_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.event}"
