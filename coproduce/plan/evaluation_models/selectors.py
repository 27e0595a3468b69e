"""Reads for evaluation models: access, the criteria tree, what stops locking, warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.selectors import access_project_by_reference
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.plan.procurement_rules.keys import SOCIAL_VALUE_MINIMUM_WEIGHT_PERCENT
from coproduce.plan.procurement_rules.selectors import rulebook_on

from . import scoring
from .models import (
    Criterion,
    CriterionKind,
    EvaluationModel,
    ModelStatus,
    PanelRole,
    PanelRoleKind,
    PriceFormula,
)

SOCIAL_VALUE_KEY = SOCIAL_VALUE_MINIMUM_WEIGHT_PERCENT
HUNDRED = Decimal("100")

PRICE_FORMULA_EXPLAINED = {
    PriceFormula.LOWEST_RATIO: (
        "The lowest price gets all the points for price. Every other bid gets a share: "
        "the lowest price divided by its price, times the weight for price. For example, "
        "a bid that costs a quarter more than the lowest gets 80% of the points for price."
    ),
    PriceFormula.BUDGET_DEVIATION: (
        "The lowest price gets all the points for price. Every other bid loses points in "
        "proportion to how much more it costs than the lowest bid, measured against the "
        "budget. For example, a bid that costs a tenth of the budget more than the lowest "
        "loses a tenth of the points for price. No bid scores below zero."
    ),
    PriceFormula.FIXED_PRICE: (
        "The price is fixed: every bid is for the same price, so price is not scored. "
        "Bids compete on quality and social value only."
    ),
}


def _model_qs() -> QuerySet[EvaluationModel]:
    return EvaluationModel.objects.select_related("project", "created_by").prefetch_related(
        "scale",
        Prefetch("criteria", queryset=Criterion.objects.order_by("parent_id", "position", "pk")),
        Prefetch("panel_roles", queryset=PanelRole.objects.prefetch_related("criteria")),
    )


def access_model_by_id(
    *, user, reference: str, model_id: int, perm: str = "evaluation.view_model"
) -> EvaluationModel:
    """The project's model if ``user`` holds ``perm`` on it; NotFound otherwise.

    Locked models are public (they are part of a published tender pack); drafts are for
    council staff. Missing and forbidden answer the same.
    """
    model = _model_qs().filter(pk=model_id, project__reference=reference).first()
    if model is None or not user.has_perm(perm, model):
        raise NotFound()
    return model


def access_project_for_evaluation(*, user, reference: str) -> CommissioningProject:
    """The project, for council staff working on its evaluation models; NotFound otherwise."""
    if not user.has_perm("evaluation.view_drafts"):
        raise NotFound()
    return access_project_by_reference(user=user, reference=reference)


def project_evaluation_models(*, user, project: CommissioningProject) -> QuerySet[EvaluationModel]:
    """The project's models the user may see, newest first: all for staff, else locked ones."""
    qs = EvaluationModel.objects.filter(project=project).select_related("project")
    if not user.has_perm("evaluation.view_drafts"):
        qs = qs.filter(status=ModelStatus.LOCKED)
    return qs.order_by("-created_at", "-pk")


def evaluation_models_for_project_reference(*, user, reference: str) -> list[EvaluationModel]:
    """Models visible to ``user`` for a project (API). NotFound when the user may see
    neither the project nor any of its models, so drafts do not leak."""
    project = CommissioningProject.objects.filter(reference=reference).first()
    if project is None:
        raise NotFound()
    models = list(_model_qs().filter(pk__in=project_evaluation_models(user=user, project=project)))
    models.sort(key=lambda m: (m.created_at, m.pk), reverse=True)
    if not models and not user.has_perm("commissioning.view_project", project):
        raise NotFound()
    return models


# --- the tree ----------------------------------------------------------------------------


@dataclass
class Leaf:
    """A question (or the price criterion) with the panel roles that score it."""

    criterion: Criterion
    roles: list[PanelRole] = field(default_factory=list)


@dataclass
class Group:
    """A top-level group (quality, social value, price) and its children."""

    criterion: Criterion
    children: list[Leaf] = field(default_factory=list)

    @property
    def weight(self) -> Decimal:
        return sum((leaf.criterion.weight_percent for leaf in self.children), Decimal(0))


def criteria_tree(model: EvaluationModel) -> list[Group]:
    """Groups in order, each with its leaves; uses prefetched rows when present."""
    criteria = sorted(model.criteria.all(), key=lambda c: (c.position, c.pk))
    roles = list(model.panel_roles.all())
    by_criterion: dict[int, list[PanelRole]] = {}
    for role in roles:
        for c in role.criteria.all():
            by_criterion.setdefault(c.pk, []).append(role)
    groups = {c.pk: Group(criterion=c) for c in criteria if c.parent_id is None}
    for c in criteria:
        if c.parent_id is not None and c.parent_id in groups:
            groups[c.parent_id].children.append(Leaf(criterion=c, roles=by_criterion.get(c.pk, [])))
    return list(groups.values())


def leaves(model: EvaluationModel) -> list[Criterion]:
    """Every criterion that carries weight (children of the groups)."""
    return [leaf.criterion for g in criteria_tree(model) for leaf in g.children]


def total_weight(model: EvaluationModel) -> Decimal:
    """The sum of the leaf weights; must be exactly 100 to lock."""
    return sum((c.weight_percent for c in leaves(model)), Decimal(0))


def kind_weight(model: EvaluationModel, kind: str) -> Decimal:
    return sum((c.weight_percent for c in leaves(model) if c.kind == kind), Decimal(0))


def questions(model: EvaluationModel) -> list[Criterion]:
    """The leaves bidders answer in writing (everything but price)."""
    return [c for c in leaves(model) if c.kind != CriterionKind.PRICE]


@dataclass(frozen=True)
class SocialValueRule:
    minimum: Decimal
    source_title: str
    source_url: str


def social_value_rule(day: dt.date | None = None) -> SocialValueRule:
    """The minimum weight for social value in force on ``day`` (today by default).

    Raises ServiceError("rule_missing") when the rules table has no such row.
    """
    book = rulebook_on(day or timezone.localdate())
    minimum = Decimal(book.value(SOCIAL_VALUE_KEY))
    ref = book.rule(SOCIAL_VALUE_KEY)
    return SocialValueRule(minimum, ref.source_title, ref.source_url)


def evaluation_problems(model: EvaluationModel, day: dt.date | None = None) -> list[ServiceError]:
    """Everything that stops the model being locked, in the order to fix them.

    Empty when the leaf weights sum to exactly 100, social value meets the rule minimum
    (or a reason is recorded), price matches the formula, every question is scored by a
    panel role and the scale is usable.
    """
    problems: list[ServiceError] = []
    tree = criteria_tree(model)
    all_leaves = [leaf for g in tree for leaf in g.children]
    total = sum((leaf.criterion.weight_percent for leaf in all_leaves), Decimal(0))
    if total != HUNDRED:
        problems.append(
            ServiceError(
                "weights_not_100",
                f"Weights add up to {scoring.percent_text(total)}%. They must add up to 100%.",
                field="weights",
            )
        )
    social = sum(
        (
            leaf.criterion.weight_percent
            for leaf in all_leaves
            if leaf.criterion.kind == CriterionKind.SOCIAL_VALUE
        ),
        Decimal(0),
    )
    try:
        rule = social_value_rule(day)
    except ServiceError as exc:
        problems.append(exc)
    else:
        if social < rule.minimum and not model.social_value_reason.strip():
            source = f" ({rule.source_title})" if rule.source_title else ""
            problems.append(
                ServiceError(
                    "social_value_below_minimum",
                    f"Social value is worth {scoring.percent_text(social)}% of the score. "
                    f"The rule in force{source} sets a minimum of "
                    f"{scoring.percent_text(rule.minimum)}%. Raise the weight, or record why "
                    "a lower weight is right.",
                    field="social_value_reason",
                )
            )
    price = [leaf for leaf in all_leaves if leaf.criterion.kind == CriterionKind.PRICE]
    if model.price_formula == PriceFormula.FIXED_PRICE and price:
        problems.append(
            ServiceError(
                "price_criterion_with_fixed_price",
                "The price is fixed, so price is not scored. Remove the price criterion or "
                "choose a price formula.",
                field="price_formula",
            )
        )
    elif model.price_formula != PriceFormula.FIXED_PRICE and len(price) != 1:
        problems.append(
            ServiceError(
                "price_criterion_count",
                "A price formula needs exactly one price criterion, with its weight. Add it, "
                "or choose fixed price.",
                field="price_formula",
            )
        )
    for leaf in all_leaves:
        if leaf.criterion.kind != CriterionKind.PRICE and not leaf.roles:
            problems.append(
                ServiceError(
                    "criterion_unassigned",
                    f"Nobody on the panel scores “{leaf.criterion.title}”. Every question "
                    "must be scored by at least one panel role.",
                    field="panel",
                )
            )
    levels = list(model.scale.all())
    if len(levels) < 2:
        problems.append(
            ServiceError(
                "scale_too_short", "The scoring scale needs at least two levels.", field="scale"
            )
        )
    elif any(not level.descriptor.strip() for level in levels):
        problems.append(
            ServiceError(
                "scale_descriptor_missing",
                "Every level of the scoring scale needs a descriptor.",
                field="scale",
            )
        )
    return problems


def evaluation_warnings(model: EvaluationModel) -> list[str]:
    """Advice that does not stop locking: service-user members should score quality."""
    quality_ids = {
        leaf.criterion.pk
        for g in criteria_tree(model)
        for leaf in g.children
        if leaf.criterion.kind == CriterionKind.QUALITY
    }
    service_users = [r for r in model.panel_roles.all() if r.kind == PanelRoleKind.SERVICE_USER]
    if not service_users:
        return [
            "There is no service-user member on the panel. We recommend that people who use "
            "the service score at least one quality question."
        ]
    if not any(c.pk in quality_ids for r in service_users for c in r.criteria.all()):
        return [
            "Service-user members do not score any quality question. We recommend they "
            "score at least one, for example about day-to-day experience."
        ]
    return []


def proportionality_warnings(model: EvaluationModel, value_pence: int) -> list[str]:
    """Warnings when the number of questions or total word limit is out of proportion to
    a contract worth ``value_pence`` (bands in ``scoring.BANDS``)."""
    asked = questions(model)
    words = sum(c.word_limit or 0 for c in asked)
    return scoring.proportionality_messages(
        questions=len(asked), words=words, value_pence=value_pence
    )


def evaluation_model_as_html(model: EvaluationModel) -> str:
    """Safe HTML of the whole model ("How bids will be scored") for the tender pack."""
    model = _model_qs().get(pk=model.pk)
    html = render_to_string("evaluation/includes/model_body.html", model_context(model))
    # Rendered by the autoescaping template engine, so the text inside is escaped.
    return mark_safe(html)


def model_context(model: EvaluationModel) -> dict:
    """What the public page and the HTML version show."""
    levels = list(model.scale.all())
    return {
        "model": model,
        "groups": criteria_tree(model),
        "levels": levels,
        "max_score": max((lvl.score for lvl in levels), default=0),
        "formula_text": PRICE_FORMULA_EXPLAINED[PriceFormula(model.price_formula)],
        "roles": list(model.panel_roles.all()),
        "heading_level": 2,
    }
