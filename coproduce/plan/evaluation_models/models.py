"""Evaluation models: how bids will be scored, decided before anyone bids.

A model belongs to a commissioning project; a tender uses one, and from the moment the
tender is published the model is locked (it is part of the tender pack). The arithmetic
(weights, price formulas, proportionality) lives in ``coproduce.plan.evaluation_models.scoring``, a
plain module with no Django imports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel


class ModelStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LOCKED = "locked", "Locked (in use by a published tender)"


class PriceFormula(models.TextChoices):
    LOWEST_RATIO = "lowest_ratio", "Lowest price ÷ bid price × weight"
    BUDGET_DEVIATION = (
        "budget_deviation",
        "Budget deviation: points lost in proportion to the gap to the lowest bid, "
        "measured against the budget",
    )
    FIXED_PRICE = "fixed_price", "Fixed price: bids compete on quality and social value only"


class EvaluationModel(TimeStampedModel):
    """The criteria, weights, scoring scale and price formula for a tender.

    Invariants (checked by ``evaluation_model_lock`` and shown while drafting): leaf
    criteria weights sum to exactly 100%; social value is at least the rule's minimum
    (``social_value.minimum_weight_percent``) unless ``social_value_reason`` says why
    not; every criterion that needs scoring is allotted to at least one panel role; the
    scale has at least two levels, each with a descriptor.
    """

    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="evaluation_models"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ModelStatus.choices, default=ModelStatus.DRAFT)
    price_formula = models.CharField(
        max_length=20, choices=PriceFormula.choices, default=PriceFormula.LOWEST_RATIO
    )
    social_value_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "locked"]), name="evaluation_model_status_known"
            ),
            # A double-clicked "Create" cannot make two models with the same title.
            models.UniqueConstraint(
                fields=["project", "title"], name="evaluation_model_title_unique_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.title}"

    @property
    def is_locked(self) -> bool:
        return self.status == ModelStatus.LOCKED


class ScaleLevel(models.Model):
    """One score on the model's scale (e.g. 0–4), with what a bid must show to earn it."""

    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="scale")
    score = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=50)
    descriptor = models.TextField()

    class Meta:
        ordering = ["model", "score"]
        constraints = [
            models.UniqueConstraint(fields=["model", "score"], name="scale_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class CriterionKind(models.TextChoices):
    QUALITY = "quality", "Quality"
    SOCIAL_VALUE = "social_value", "Social value"
    PRICE = "price", "Price"


class Criterion(models.Model):
    """A node in the criteria tree.

    Top-level criteria are groups (quality, social value, price); their children are
    the questions bidders answer. ``weight_percent`` is the share of the whole score
    (not of the parent), so leaf weights sum to 100 and a group's weight is the sum of
    its children's. A price criterion has no question and is scored by the formula.
    """

    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(max_length=15, choices=CriterionKind.choices)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    question = models.TextField(blank=True, help_text="What bidders are asked to answer.")
    guidance = models.TextField(blank=True, help_text="What a good answer shows.")
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    weight_percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["model", "parent_id", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_percent__gte=0) & Q(weight_percent__lte=100),
                name="criterion_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["quality", "social_value", "price"]),
                name="criterion_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight_percent}%)"


class PanelRoleKind(models.TextChoices):
    OFFICER = "officer", "Council officer"
    SERVICE_USER = "service_user", "Service-user member"
    SPECIALIST = "specialist", "Specialist adviser"


class PanelRole(models.Model):
    """A seat on the evaluation panel and the criteria it scores.

    The people are appointed to seats when bids are evaluated; the model only says which
    kind of member scores which criteria (e.g. service-user members score the questions
    about involvement and day-to-day experience).
    """

    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="panel_roles")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=15, choices=PanelRoleKind.choices)
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="panel_roles")

    class Meta:
        ordering = ["model", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="panel_role_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
