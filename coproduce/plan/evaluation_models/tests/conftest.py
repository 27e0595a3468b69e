"""Helpers for the evaluation tests: a model built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coproduce.plan.evaluation_models.models import CriterionKind, PanelRoleKind, PriceFormula
from coproduce.plan.evaluation_models.services import (
    CriterionData,
    RoleData,
    criterion_add,
    evaluation_model_create,
    panel_role_add,
)
from coproduce.plan.procurement_rules.models import ProcurementRule


@pytest.fixture(autouse=True)
def social_value_rule(db):
    """The 10% minimum (the seed migration has it too; this keeps the tests independent)."""
    ProcurementRule.objects.get_or_create(
        key="social_value.minimum_weight_percent",
        route="",
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "value": 10,
            "unit": "percent",
            "label": "Minimum weight for social value",
            "source_title": "Council social value policy",
        },
    )


def question(title: str, weight: str, words: int = 500) -> CriterionData:
    return CriterionData(
        title=title,
        weight_percent=Decimal(weight),
        question=f"Tell us about {title.lower()}.",
        guidance="Evidence from similar services.",
        word_limit=words,
    )


def build_model(
    actor,
    project,
    *,
    quality: tuple[str, ...] = ("30", "30"),
    social: str = "10",
    price: str | None = "30",
    formula: str = PriceFormula.LOWEST_RATIO,
    title: str = "Day opportunities scoring",
    assign: bool = True,
):
    """A model with the given leaf weights; every question scored by one officer seat."""
    model = evaluation_model_create(
        actor=actor, project=project, title=title, price_formula=formula
    )
    made = [
        criterion_add(
            actor=actor, model=model, kind=CriterionKind.QUALITY, data=question(f"Quality {i}", w)
        )
        for i, w in enumerate(quality, start=1)
    ]
    if social is not None:
        made.append(
            criterion_add(
                actor=actor,
                model=model,
                kind=CriterionKind.SOCIAL_VALUE,
                data=question("Local jobs", social),
            )
        )
    if price is not None:
        criterion_add(
            actor=actor,
            model=model,
            kind=CriterionKind.PRICE,
            data=CriterionData(title="Price", weight_percent=Decimal(price)),
        )
    if assign:
        panel_role_add(
            actor=actor,
            model=model,
            data=RoleData(
                name="Commissioning officer",
                kind=PanelRoleKind.OFFICER,
                criterion_ids=[c.pk for c in made],
            ),
        )
        panel_role_add(
            actor=actor,
            model=model,
            data=RoleData(
                name="Service-user member",
                kind=PanelRoleKind.SERVICE_USER,
                criterion_ids=[made[0].pk],
            ),
        )
    model.refresh_from_db()
    return model


@pytest.fixture
def draft_model(commissioner, published_project):
    return build_model(commissioner, published_project)
