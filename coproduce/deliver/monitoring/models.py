"""Monitoring returns: what a provider reports each period, and what the council does with it.

A ``MonitoringReturn`` is one contract's report for one reporting period (``periods.py``):
a figure per KPI asked in that period, commentary and evidence files. It is created when
the provider first sends it (one per contract and period: the database refuses a second),
checked by an officer who accepts it or asks questions, and corrected by the provider when
asked: each sending is a ``ReturnSubmission`` (version 1, 2, …), so earlier figures stay.
Questions and answers are ``ReturnMessage`` rows, in order.

Each figure carries its RAG colour, worked out from the KPI's thresholds when it was sent
(``rag.py``). Two reds in a row for one KPI require an ``ImprovementPlan`` that the officer
agrees. Once a contract year has ended, the officer rates each KPI on the Procurement Act
scale (``KPIAssessment``) and publishes it on the project page. Reminders of late returns
are recorded (``ReminderSent``) so that a rerun of the daily job sends nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.deliver.contracts.models import Contract, ContractKPI
from coproduce.foundation.core.models import TimeStampedModel

from . import rag as rag_rules


class ReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", "Sent: waiting for the council to check it"
    QUERIED = "queried", "The council has questions"
    ACCEPTED = "accepted", "Accepted"


class RAG(models.TextChoices):
    GREEN = rag_rules.GREEN, "Green: on target"
    AMBER = rag_rules.AMBER, "Amber: close to target"
    RED = rag_rules.RED, "Red: off target"


class MonitoringReturn(TimeStampedModel):
    """One contract's return for one reporting period.

    Invariants: one per contract and period number (constraint
    ``monitoring_return_once_per_period``); ``version`` is the number of the current
    ``ReturnSubmission``; ``due_on`` is fixed when the return is first sent.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="monitoring_returns"
    )
    number = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.SUBMITTED
    )
    version = models.PositiveSmallIntegerField(default=1)
    first_submitted_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="monitoring_return_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="monitoring_return_number_1_up"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="monitoring_return_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "queried", "accepted"]),
                name="monitoring_return_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} return {self.number}"


class ReturnSubmission(models.Model):
    """One sending of a return: the first, or a correction after a query (kept forever)."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="submissions"
    )
    version = models.PositiveSmallIntegerField()
    commentary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["monitoring_return", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_return", "version"], name="monitoring_submission_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.monitoring_return} version {self.version}"


class ReturnFigure(models.Model):
    """The figure for one KPI in one submission, with its colour at the time."""

    submission = models.ForeignKey(
        ReturnSubmission, on_delete=models.CASCADE, related_name="figures"
    )
    kpi = models.ForeignKey(
        ContractKPI, on_delete=models.PROTECT, related_name="monitoring_figures"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    rag = models.CharField(max_length=5, choices=RAG.choices)

    class Meta:
        ordering = ["submission", "kpi__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kpi"], name="monitoring_figure_once_per_kpi"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="monitoring_figure_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rag__in=["green", "amber", "red"]), name="monitoring_figure_rag_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission}: KPI {self.kpi.position} = {self.value}"


class EvidenceFile(models.Model):
    """A file sent with a submission, checked by its content; stored under its SHA-256."""

    submission = models.ForeignKey(
        ReturnSubmission, on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField(max_length=200)
    file = models.FileField(max_length=300)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.name


class MessageKind(models.TextChoices):
    QUERY = "query", "Question from the council"
    ANSWER = "answer", "Answer from the provider"
    ACCEPTED = "accepted", "Accepted by the council"


class ReturnMessage(models.Model):
    """One message in a return's thread: a query, an answer, or the acceptance note."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    text = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField()  # the submission it is about
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["monitoring_return", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.monitoring_return}: {self.kind}"


class ReminderSent(models.Model):
    """A reminder about a late return (sent or not yet sent), so none goes twice in a week."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    sent_to = models.TextField()

    class Meta:
        ordering = ["contract", "number", "sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number", "sent_on"], name="monitoring_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} return {self.number}: reminded {self.sent_on}"


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", "Sent: waiting for the council to agree it"
    CHANGES = "changes", "The council has asked for changes"
    AGREED = "agreed", "Agreed"


class ImprovementPlan(TimeStampedModel):
    """What the provider will do about a KPI that was red twice in a row.

    One per run of reds (``trigger_number`` is the period of the run's second red).
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    kpi = models.ForeignKey(ContractKPI, on_delete=models.PROTECT, related_name="improvement_plans")
    trigger_number = models.PositiveSmallIntegerField()
    actions = models.TextField()
    owner = models.CharField(max_length=200)
    by_when = models.DateField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    officer_note = models.TextField(blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "kpi__position", "trigger_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "trigger_number"], name="monitoring_plan_once_per_red_run"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "changes", "agreed"]),
                name="monitoring_plan_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} KPI {self.kpi.position}: plan after period {self.trigger_number}"


class Rating(models.TextChoices):
    """The Procurement Act 2023 scale for assessing performance against a KPI."""

    GOOD = rag_rules.GOOD, "Good"
    APPROACHING = rag_rules.APPROACHING, "Approaching target"
    REQUIRES_IMPROVEMENT = rag_rules.REQUIRES_IMPROVEMENT, "Requires improvement"
    INADEQUATE = rag_rules.INADEQUATE, "Inadequate"


class KPIAssessment(TimeStampedModel):
    """The officer's rating of one KPI for one contract year, with reasons.

    Editable until published; published ones are public on the project page and final.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    kpi = models.ForeignKey(ContractKPI, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField()
    rating = models.CharField(max_length=24, choices=Rating.choices)
    reasons = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "kpi__position", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "year"], name="monitoring_assessment_once_per_kpi_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1), name="monitoring_assessment_year_1_up"
            ),
            models.CheckConstraint(
                condition=Q(
                    rating__in=["good", "approaching_target", "requires_improvement", "inadequate"]
                ),
                name="monitoring_assessment_rating_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} KPI {self.kpi.position} year {self.year}: {self.rating}"
