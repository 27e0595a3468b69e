"""Equality impact assessments of commissioning projects, and the area's population shares.

An assessment always has one entry for each of the nine protected characteristics, made
when the assessment is started. Population profiles are never changed after upload: a
new upload is a new profile, and the newest one is the one in use.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.foundation.core.transitions import StateMachine, Transition
from coproduce.understand.consultations.equality import CHARACTERISTICS
from coproduce.understand.consultations.models import Finding

CHARACTERISTIC_CHOICES = [(c.key, c.label) for c in CHARACTERISTICS]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


ASSESSMENT_STATES = StateMachine(
    [Transition(AssessmentStatus.DRAFT, AssessmentStatus.PUBLISHED, "Publish")],
    labels=dict(AssessmentStatus.choices),
)


class EqualityImpactAssessment(TimeStampedModel):
    """The equality impact assessment of one commissioning project (at most one each).

    Invariant: it has exactly nine entries, one per protected characteristic, created
    with it. Entries may be edited after publishing; every change is in the audit trail
    and ``updated_at`` is shown to the public as "last updated".
    """

    project = models.OneToOneField(
        CommissioningProject, on_delete=models.PROTECT, related_name="equality_assessment"
    )
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="eqia_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Equality impact assessment of {self.project.reference}"

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED


class Impact(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    UNKNOWN = "unknown", "Not known yet"


class ImpactEntry(models.Model):
    """The expected impact on people with one protected characteristic, and what we do about it.

    ``findings`` may only be published findings of the assessment's own project (checked
    by the service). A negative impact with no mitigation is flagged, not refused: the
    assessment must be able to say so honestly.
    """

    assessment = models.ForeignKey(
        EqualityImpactAssessment, on_delete=models.CASCADE, related_name="entries"
    )
    characteristic = models.CharField(max_length=40, choices=CHARACTERISTIC_CHOICES)
    position = models.PositiveSmallIntegerField()
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.UNKNOWN)
    evidence = models.TextField(blank=True)
    findings = models.ManyToManyField(Finding, blank=True, related_name="equality_entries")
    mitigation = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "characteristic"], name="eqia_entry_once_per_characteristic"
            ),
            models.CheckConstraint(
                condition=Q(impact__in=[v for v, _ in Impact.choices]),
                name="eqia_entry_impact_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.project.reference} {self.characteristic}"

    @property
    def needs_mitigation(self) -> bool:
        return self.impact == Impact.NEGATIVE and not self.mitigation.strip()


class PopulationProfile(models.Model):
    """One upload of the area's population shares. Never edited; the newest is current."""

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2200), name="population_profile_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class PopulationShare(models.Model):
    """The percentage of residents in one group of one characteristic, in one profile."""

    profile = models.ForeignKey(PopulationProfile, on_delete=models.CASCADE, related_name="shares")
    characteristic = models.CharField(max_length=40, choices=CHARACTERISTIC_CHOICES)
    group = models.CharField(max_length=30)
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "characteristic", "group"], name="population_share_once"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="population_share_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} {self.group} {self.percent}%"
