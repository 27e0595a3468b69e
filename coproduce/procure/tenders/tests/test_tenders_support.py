"""Builders and fixtures for the tender tests (no tests here).

Everything is made through the services (project stages, specification, evaluation
model, tender), as an officer would, so publication is tested end to end. The one
exception is a finding to cite: it belongs to the engagement app's analysis flow.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import CriterionKind, PanelRoleKind, PriceFormula
from coproduce.plan.evaluation_models.services import (
    CriterionData,
    RoleData,
    criterion_add,
    evaluation_model_create,
    panel_role_add,
)
from coproduce.plan.procurement_rules.selectors import minimum_deadline
from coproduce.plan.specifications.services import (
    RequirementData,
    SpecificationData,
    requirement_add,
    specification_create,
    specification_publish,
)
from coproduce.procure.tenders.forms import UK
from coproduce.procure.tenders.services import (
    LotData,
    TenderData,
    lot_add,
    tender_create,
    tender_publish,
    tender_set_no_lots_reason,
)
from coproduce.understand.consultations.models import Finding

_refs = itertools.count(1)

STAFF = ["commissioner", "finance", "platform_admin"]
WRITERS = ["commissioner", "platform_admin"]
OUTSIDERS = [None, "resident", "provider"]


def login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


def audit_verbs(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def plan_stage_project(actor, *, light_touch: bool = False, **overrides):
    """A published project moved to the plan stage (tenders are made there)."""
    area = service_area("adult-social-care" if light_touch else "facilities")
    if area.light_touch != light_touch:
        area.light_touch = light_touch
        area.save(update_fields=["light_touch"])
    project = make_project(actor=actor, published=True, service_area_id=area.pk, **overrides)
    return project_change_stage(
        actor=actor, project=project, to_stage="plan", reason="We know what people need."
    )


def publish_spec(actor, project):
    finding = Finding.objects.create(
        project=project,
        reference=f"F-TT-{next(_refs):04d}",
        statement="People want to choose what they do each day.",
        people_count=40,
        created_by=actor,
        published_at=timezone.now(),
    )
    spec = specification_create(
        actor=actor,
        project=project,
        data=SpecificationData(
            title="Day opportunities for adults with learning disabilities",
            purpose="Things to do in the day, chosen by the people who use them.",
            involvement="A members’ group meets every month.",
            inclusion="Home visits for people who do not go out.",
            contract_years=5,
            extension_years=2,
            estimated_value_pence=120_000_000,
        ),
    )
    requirement_add(
        actor=actor,
        specification=spec,
        data=RequirementData(
            kind="outcome", text="People choose what they do each day.", finding_ids=[finding.pk]
        ),
    )
    return specification_publish(actor=actor, specification=spec)


def _question(title: str, weight: str) -> CriterionData:
    return CriterionData(
        title=title,
        weight_percent=Decimal(weight),
        question=f"Tell us about {title.lower()}.",
        guidance="Evidence from similar services.",
        word_limit=500,
    )


def lockable_model(actor, project, *, social: str = "10"):
    """An evaluation model that can be locked: weights 30/30/10/30, every question allotted."""
    model = evaluation_model_create(
        actor=actor, project=project, title="Scoring", price_formula=PriceFormula.LOWEST_RATIO
    )
    made = [
        criterion_add(
            actor=actor, model=model, kind=CriterionKind.QUALITY, data=_question("Q1", "30")
        ),
        criterion_add(
            actor=actor, model=model, kind=CriterionKind.QUALITY, data=_question("Q2", "30")
        ),
        criterion_add(
            actor=actor,
            model=model,
            kind=CriterionKind.SOCIAL_VALUE,
            data=_question("Jobs", social),
        ),
    ]
    criterion_add(
        actor=actor,
        model=model,
        kind=CriterionKind.PRICE,
        data=CriterionData(title="Price", weight_percent=Decimal("30")),
    )
    panel_role_add(
        actor=actor,
        model=model,
        data=RoleData(
            name="Officer", kind=PanelRoleKind.OFFICER, criterion_ids=[c.pk for c in made]
        ),
    )
    model.refresh_from_db()
    return model


def uk(day: dt.date, hour: int = 17, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UK)


def earliest_deadline(*, light_touch: bool = False, planned_notice_on=None) -> dt.datetime:
    """5pm UK time on the first closing day the rules allow for a tender published today."""
    day, _ = minimum_deadline(
        publish_on=timezone.localdate(),
        planned_notice_on=planned_notice_on,
        light_touch=light_touch,
    )
    return uk(day)


def tender_data(project, spec, model, **overrides) -> TenderData:
    values = {
        "title": "Day opportunities for adults with learning disabilities",
        "summary": "Things to do in the day for adults with learning disabilities.",
        "service_area_id": project.service_area_id,
        "value_pence": 240_000_000,
        "specification_id": spec.pk,
        "evaluation_model_id": model.pk,
        "deadline": earliest_deadline(light_touch=project.service_area.light_touch)
        + dt.timedelta(days=5),
    }
    values.update(overrides)
    return TenderData(**values)


@pytest.fixture
def ready_project(commissioner):
    return plan_stage_project(commissioner)


@pytest.fixture
def spec(commissioner, ready_project):
    return publish_spec(commissioner, ready_project)


@pytest.fixture
def model(commissioner, ready_project):
    return lockable_model(commissioner, ready_project)


@pytest.fixture
def draft_tender(commissioner, ready_project, spec, model):
    """A draft that can be published: no lots, with a reason."""
    tender = tender_create(
        actor=commissioner, project=ready_project, data=tender_data(ready_project, spec, model)
    )
    return tender_set_no_lots_reason(
        actor=commissioner, tender=tender, reason="One small team runs the whole service."
    )


@pytest.fixture
def published_tender(commissioner, draft_tender):
    return tender_publish(actor=commissioner, tender=draft_tender)


def add_lot(actor, tender, number: int, *, value_pence: int = 50_000_000, reserved_for: str = ""):
    return lot_add(
        actor=actor,
        tender=tender,
        data=LotData(
            number=number,
            title=f"Lot {number} area",
            value_pence=value_pence,
            reserved_for=reserved_for,
        ),
    )
