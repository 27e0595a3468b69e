"""Service specifications: what the council asks a provider to achieve, and why.

Every requirement can cite the evidence it came from (published findings, ideas and
equality impact entries), so the public page reads "what you told us → what we asked
for", and a finding's page links forward to the requirements that cite it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import ImpactEntry
from coproduce.understand.ideas.models import Idea


class SpecificationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a newer version"


class Specification(TimeStampedModel):
    """One version of a project's service specification.

    Invariants: versions of a project run 1, 2, 3…; at most one draft per project; a
    published version is never changed (``specification_*`` services refuse); a new
    version starts as a copy of the latest published one and needs a ``change_reason``;
    publishing it marks the previous one superseded.
    """

    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="specifications"
    )
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=SpecificationStatus.choices, default=SpecificationStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(
        help_text="Plain English: what the service is for and who it is for."
    )
    involvement = models.TextField(
        blank=True,
        help_text="How the provider must involve the people who use the service, all the time.",
    )
    inclusion = models.TextField(
        blank=True, help_text="How the provider must reach people at risk of being left out."
    )
    contract_years = models.PositiveSmallIntegerField(default=3)
    extension_years = models.PositiveSmallIntegerField(default=0)
    short_term_reason = models.TextField(
        blank=True, help_text="Why the contract is shorter than 3 years, when it is."
    )
    estimated_value_pence = models.BigIntegerField(default=0)
    change_reason = models.TextField(blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], name="specification_version_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="draft"),
                name="specification_one_draft_per_project",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value_pence__gte=0), name="specification_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(contract_years__gte=1) & Q(contract_years__lte=15),
                name="specification_contract_years_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "superseded"]),
                name="specification_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} specification v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == SpecificationStatus.DRAFT


class RequirementKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    CRITERION = "criterion", "Performance criterion"
    KPI = "kpi", "Key performance indicator"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Every 3 months"
    SIX_MONTHLY = "six_monthly", "Every 6 months"
    ANNUALLY = "annually", "Once a year"


class Requirement(models.Model):
    """An outcome, performance criterion or KPI in one specification version.

    KPIs carry a target, unit and reporting frequency (the contracts capability monitors
    them). Citations must be published evidence of the same project (checked by the
    service); a copied version copies its requirements and their citations.
    """

    specification = models.ForeignKey(
        Specification, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=10, choices=RequirementKind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    target = models.CharField(max_length=50, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, blank=True)
    findings = models.ManyToManyField(Finding, blank=True, related_name="requirements")
    ideas = models.ManyToManyField(Idea, blank=True, related_name="requirements")
    equality_entries = models.ManyToManyField(ImpactEntry, blank=True, related_name="requirements")

    class Meta:
        ordering = ["specification", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["specification", "position"], name="requirement_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["outcome", "criterion", "kpi"]), name="requirement_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind="kpi") | (~Q(target="") & ~Q(unit="") & ~Q(frequency="")),
                name="requirement_kpi_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
