"""Social value: the measure table, commitments and delivery, and SROI analyses.

* ``MeasureTable`` is one imported version of the council's table of measures (what is
  counted, in which unit, and the £ value of one unit with its source and price year).
  Versions are never changed: importing a new table adds a version, and the newest is the
  one new commitments use. No licensed values are bundled; councils import their own.
* ``Commitment`` is a promise on a contract (usually from the winning bid): a measure, a
  quantity and a date. It keeps a copy of the proxy it was valued with, so a later table
  never changes what an existing promise is worth.
* ``Delivery`` is the provider's report of what was done, with an evidence file checked
  by content. Only deliveries an officer has verified count.
* ``SroiAnalysis`` and its ``SroiOutcome`` rows are a social return on investment
  analysis (forecast or evaluative) for a contract or a project; the arithmetic is in
  ``sroi.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel

from .measure_csv import UNITS

UNIT_CHOICES = [(code, words) for code, words in UNITS.items()]


class MeasureTable(models.Model):
    """One imported version of the measure table. Immutable once imported."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Measure table version {self.version}: {self.title}"


class Measure(models.Model):
    """One measure in one version of the table: its unit and £ proxy value per unit."""

    table = models.ForeignKey(MeasureTable, on_delete=models.PROTECT, related_name="measures")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=12, choices=UNIT_CHOICES)
    proxy_pence = models.BigIntegerField()
    source = models.CharField(max_length=300)
    price_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["table", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="sv_measure_code_once"),
            models.CheckConstraint(
                condition=Q(proxy_pence__gt=0), name="sv_measure_proxy_positive"
            ),
            models.CheckConstraint(condition=Q(unit__in=list(UNITS)), name="sv_measure_unit_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed by the provider"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Not agreed"


class Commitment(TimeStampedModel):
    """A social value promise on a contract, valued with the proxy it was made with.

    Invariants: quantity above zero; the measure's code, name, unit, proxy, source and
    price year are copied at creation and never change; ``status`` moves proposed →
    agreed or declined, once (commissioners' own entries start agreed).
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="social_value_commitments"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="commitments")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=12, choices=UNIT_CHOICES)
    proxy_pence = models.BigIntegerField()
    proxy_source = models.CharField(max_length=300)
    price_year = models.PositiveSmallIntegerField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    due_by = models.DateField()
    details = models.TextField(blank=True)
    # The winning bid's social value answer this promise comes from (awarded contracts).
    bid_answer = models.ForeignKey(
        "bids.BidAnswer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CommitmentStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["contract", "due_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="sv_commitment_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(proxy_pence__gt=0), name="sv_commitment_proxy_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "agreed", "declined"]),
                name="sv_commitment_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.quantity} {self.unit} of {self.code}"


class DeliveryStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting to be checked"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Not accepted"


class Delivery(TimeStampedModel):
    """What the provider reports it delivered on a commitment, with evidence.

    Invariants: quantity above zero; the period lies inside the contract and has
    started; the evidence passed the content checks of tender documents; ``status``
    moves submitted → verified or rejected once, by an officer, with a reason when
    rejected. Only verified deliveries count towards what was delivered.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="deliveries")
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.TextField()
    evidence_name = models.CharField(max_length=200)
    evidence_content_type = models.CharField(max_length=100)
    evidence_size = models.PositiveIntegerField()
    evidence_sha256 = models.CharField(max_length=64)
    evidence = models.BinaryField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["commitment", "period_start", "pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="sv_delivery_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="sv_delivery_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "verified", "rejected"]),
                name="sv_delivery_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="sv_delivery_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.quantity} delivered ({self.status})"


class AnalysisKind(models.TextChoices):
    FORECAST = "forecast", "Forecast: the value we expect"
    EVALUATIVE = "evaluative", "Evaluation: the value that happened"


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class SroiAnalysis(TimeStampedModel):
    """An SROI analysis for a project, or for one contract of it.

    Invariants: inputs not negative; discount rate 0–20 % (3.5 % by default, the Green
    Book rate); changed only while a draft; published analyses are public and fixed.
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="sroi_analyses"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="sroi_analyses"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AnalysisKind.choices)
    inputs_pence = models.BigIntegerField()
    inputs_description = models.TextField()
    discount_rate = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("3.50"))
    first_year = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "SROI analysis"
        verbose_name_plural = "SROI analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(inputs_pence__gte=0), name="sv_sroi_inputs_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=20),
                name="sv_sroi_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["forecast", "evaluative"]), name="sv_sroi_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="sv_sroi_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == AnalysisStatus.PUBLISHED


class SroiOutcome(models.Model):
    """One line of the impact map: an outcome for a stakeholder group, valued.

    Invariants: percentages 0–100; quantity and proxy not negative; duration 1–50 years.
    """

    analysis = models.ForeignKey(SroiAnalysis, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    stakeholder = models.CharField(max_length=200)
    outcome = models.TextField()
    indicator = models.TextField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    proxy_description = models.CharField(max_length=300)
    proxy_pence = models.BigIntegerField()
    proxy_source = models.CharField(max_length=300)
    deadweight = models.DecimalField(max_digits=5, decimal_places=2)
    attribution = models.DecimalField(max_digits=5, decimal_places=2)
    displacement = models.DecimalField(max_digits=5, decimal_places=2)
    drop_off = models.DecimalField(max_digits=5, decimal_places=2)
    duration_years = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["analysis", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "position"], name="sv_outcome_position_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(proxy_pence__gte=0),
                name="sv_outcome_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(deadweight__gte=0)
                & Q(deadweight__lte=100)
                & Q(attribution__gte=0)
                & Q(attribution__lte=100)
                & Q(displacement__gte=0)
                & Q(displacement__lte=100)
                & Q(drop_off__gte=0)
                & Q(drop_off__lte=100),
                name="sv_outcome_percentages_in_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_years__gte=1) & Q(duration_years__lte=50),
                name="sv_outcome_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.analysis.reference} outcome {self.position}: {self.outcome[:60]}"
