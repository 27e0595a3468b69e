"""The spine of the golden thread: a commissioning project and its recorded decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.core.models import ServiceArea, TimeStampedModel
from coproduce.foundation.core.transitions import StateMachine, Transition


class Stage(models.TextChoices):
    UNDERSTAND = "understand", "Understand"
    PLAN = "plan", "Plan"
    PROCURE = "procure", "Procure"
    DELIVER = "deliver", "Deliver"
    REVIEW = "review", "Review"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


STAGE_DESCRIPTIONS = {
    Stage.UNDERSTAND: "Finding out what people need: consultations, ideas and equality impact.",
    Stage.PLAN: "Writing the service specification and choosing how to buy it.",
    Stage.PROCURE: "Inviting bids, scoring them with a panel and choosing a provider.",
    Stage.DELIVER: "The service is running under a contract.",
    Stage.REVIEW: "Checking how well the service worked, and deciding what happens next.",
    Stage.DECOMMISSIONED: "The service has ended. The reason is published below.",
}

STAGES = StateMachine(
    [
        Transition(Stage.UNDERSTAND, Stage.PLAN, "Move to plan"),
        Transition(Stage.PLAN, Stage.PROCURE, "Move to procure"),
        Transition(Stage.PLAN, Stage.UNDERSTAND, "Go back to understand"),
        Transition(Stage.PROCURE, Stage.DELIVER, "Move to deliver"),
        Transition(Stage.PROCURE, Stage.PLAN, "Go back to plan"),
        Transition(Stage.DELIVER, Stage.REVIEW, "Move to review"),
        Transition(Stage.REVIEW, Stage.UNDERSTAND, "Recommission: start a new cycle"),
        Transition(Stage.REVIEW, Stage.DECOMMISSIONED, "Decommission the service"),
    ],
    labels=dict(Stage.choices),
)


class CommissioningProject(TimeStampedModel):
    """A service the council is commissioning, moving through the cycle.

    Invariants: ``stage`` changes only through ``project_change_stage`` (which records a
    ``StageChange`` with a reason and an audit event); ``reference`` is assigned once by
    the service; a project becomes public with ``published_at`` and stays public.
    """

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="projects")
    summary = models.TextField(help_text="Plain English: what the service is for and who it helps.")
    budget_pence = models.BigIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.UNDERSTAND)
    cycle = models.PositiveSmallIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_pence__gte=0), name="project_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="project_stage_known"),
        ]
        indexes = [
            models.Index(fields=["published_at", "stage"], name="project_public_idx"),
            # The public list's order (newest first, pk as tie-break), so that a page of it
            # is read from the index rather than sorting every published project.
            models.Index(fields=["-published_at", "-id"], name="project_public_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def stage_description(self) -> str:
        return STAGE_DESCRIPTIONS[Stage(self.stage)]


class StageChange(models.Model):
    """One decision to move a project between stages: who, when, and the written reason."""

    project = models.ForeignKey(
        CommissioningProject, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    cycle = models.PositiveSmallIntegerField()
    # For a move that followed an event (a tender published, an award confirmed): the
    # site-relative address of the event's public page. Empty for a move made by hand.
    link = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="stage_change_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference}: {self.from_stage} → {self.to_stage}"
