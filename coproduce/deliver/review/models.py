"""Review, the decision that follows it, and decommissioning with care.

A ``Review`` is one project's review for one commissioning cycle: started when the project
is at the deliver stage (which moves it to review), written up by an officer (conclusions,
what changed for equality), then published. Its report assembles the evidence the other
deliver apps hold (KPI results, what users said, mystery shopping, social value, SROI) and
the market diversity of the process; see ``selectors.review_report``.

A ``ReviewDecision`` follows the published report: recommission unchanged, recommission
with changes (a new cycle starts at understand, carrying the report), or decommission.
A ``Decommissioning`` is the careful ending of a service: an equality impact assessment,
notice to the provider and to the people using the service (plain and easy-read letters),
a transition plan per group of users with tracked actions, and nothing ending before the
notice period does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import EqualityImpactAssessment


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    PUBLISHED = "published", "Published"


class Review(TimeStampedModel):
    """The review of one project in one commissioning cycle (at most one per cycle).

    Invariants: started only from the deliver stage (``review_start`` moves the project to
    review in the same transaction); ``findings`` are the published findings the cycle's
    contract KPIs were built on, recorded when the review starts (so a finding's page can
    link forward to the reviews that used it); a published review has conclusions and is
    never unpublished.
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="reviews"
    )
    cycle = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    conclusions = models.TextField(blank=True)
    equality_notes = models.TextField(
        blank=True,
        help_text="The equality impact revisited: what changed for people with protected "
        "characteristics since the assessment.",
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="reviews")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # What the published report shows of the evidence (``selectors.report_figures``),
    # frozen when it is published: later returns or feedback never change it.
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["project", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["project", "cycle"], name="review_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | (Q(status="published", published_at__isnull=False) & ~Q(conclusions="")),
                name="review_published_has_time_and_conclusions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} review of {self.project.reference} (cycle {self.cycle})"

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED


class Outcome(models.TextChoices):
    RECOMMISSION = "recommission", "Recommission the service as it is"
    RECOMMISSION_CHANGED = "recommission_changed", "Recommission the service with changes"
    DECOMMISSION = "decommission", "Decommission: end the service"


class ReviewDecision(models.Model):
    """What the council decided after a review, and why (published with the report).

    Invariants: one per review, made after the report is published; reasons are required;
    "with changes" also says what will change. Recommissioning starts the next cycle at
    understand; decommissioning opens a ``Decommissioning``.
    """

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    reasons = models.TextField()
    changes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(reasons=""), name="review_decision_reasons_required"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["recommission", "recommission_changed", "decommission"]),
                name="review_decision_outcome_known",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="recommission_changed") | ~Q(changes=""),
                name="review_decision_changes_stated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.reference}: {self.get_outcome_display()}"

    @property
    def recommissions(self) -> bool:
        return self.outcome in (Outcome.RECOMMISSION, Outcome.RECOMMISSION_CHANGED)


class DecommissioningStatus(models.TextChoices):
    PLANNING = "planning", "Planning: notice not given yet"
    NOTICE = "notice", "Notice given: the service is ending"
    ENDED = "ended", "The service has ended: finishing the transition"
    CLOSED = "closed", "Closed: everyone has moved on"


class Decommissioning(TimeStampedModel):
    """Ending one contract's service with care, after a decision to decommission.

    Invariants: tied to an equality impact assessment of the same project; notice is at
    least the minimum (``REVIEW_MINIMUM_NOTICE_MONTHS``, checked by the service); the
    service ends on or after the day the notice ends (``service_ends_on >=
    notice_ends_on``, also a database constraint), and the contract's end date is set to
    that day; the project becomes decommissioned only when the contract has ended and
    every transition action is done or explained.
    """

    reference = models.CharField(max_length=20, unique=True)
    decision = models.OneToOneField(
        ReviewDecision, on_delete=models.PROTECT, related_name="decommissioning"
    )
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="decommissionings"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="decommissionings"
    )
    assessment = models.ForeignKey(
        EqualityImpactAssessment, on_delete=models.PROTECT, related_name="decommissionings"
    )
    equality_summary = models.TextField(
        blank=True, help_text="What the assessment found about ending this service, in plain words."
    )
    status = models.CharField(
        max_length=10, choices=DecommissioningStatus.choices, default=DecommissioningStatus.PLANNING
    )
    notice_months = models.PositiveSmallIntegerField(null=True, blank=True)
    notice_given_on = models.DateField(null=True, blank=True)
    notice_ends_on = models.DateField(null=True, blank=True)
    service_ends_on = models.DateField(null=True, blank=True)
    message_to_users = models.TextField(
        blank=True,
        help_text="What the letter to people using the service says in the officer's words.",
    )
    easy_read_message = models.TextField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_details = models.CharField(max_length=300, blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planning", "notice", "ended", "closed"]),
                name="decommissioning_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="planning")
                | (
                    Q(notice_given_on__isnull=False)
                    & Q(notice_ends_on__isnull=False)
                    & Q(service_ends_on__isnull=False)
                    & Q(notice_months__gte=1)
                ),
                name="decommissioning_notice_complete",
            ),
            models.CheckConstraint(
                condition=Q(service_ends_on__isnull=True)
                | Q(service_ends_on__gte=models.F("notice_ends_on")),
                name="decommissioning_nothing_ends_before_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ending {self.project.reference}"

    @property
    def notice_given(self) -> bool:
        return self.status != DecommissioningStatus.PLANNING


class TransitionGroup(models.Model):
    """One group of people using the service: where they will go, by when, who is responsible."""

    decommissioning = models.ForeignKey(
        Decommissioning, on_delete=models.CASCADE, related_name="groups"
    )
    position = models.PositiveSmallIntegerField()
    who = models.CharField(max_length=300)
    people_count = models.PositiveIntegerField(null=True, blank=True)
    destination = models.TextField()
    by_when = models.DateField()
    responsible = models.CharField(max_length=200)

    class Meta:
        ordering = ["decommissioning", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decommissioning", "position"], name="transition_group_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decommissioning.reference}: {self.who}"


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    EXPLAINED = "explained", "Not done: explained"


FINISHED_ACTIONS = (ActionStatus.DONE, ActionStatus.EXPLAINED)


class TransitionAction(models.Model):
    """One tracked step of a group's move: owner, due date, status, and when it was done.

    Invariants: "done" has a done date; "not done: explained" has an explanation.
    """

    group = models.ForeignKey(TransitionGroup, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )
    done_on = models.DateField(null=True, blank=True)
    explanation = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["to_do", "in_progress", "done", "explained"]),
                name="transition_action_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="transition_action_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="explained") | ~Q(explanation=""),
                name="transition_action_explained_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.text[:60]}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_ACTIONS
