"""Test helpers: a closed tender whose model has panel roles, and panel steps.

Opened bids come from ``coproduce.procure.bids.tests.factories.make_submitted_bid``;
``open_tender`` adds the ``Opening`` record ``bids_open`` would leave.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.plan.evaluation_models.models import CriterionKind, PanelRoleKind, PriceFormula
from coproduce.plan.evaluation_models.services import (
    CriterionData,
    RoleData,
    criterion_add,
    evaluation_model_create,
    panel_role_add,
)
from coproduce.procure.bids.models import Opening
from coproduce.procure.panels import services
from coproduce.procure.panels.selectors import member_criteria
from coproduce.procure.tenders.models import Lot
from coproduce.procure.tenders.tests.factories import make_tender

_n = {"i": 0}


def _q(title: str, weight: str) -> CriterionData:
    return CriterionData(
        title=title,
        weight_percent=Decimal(weight),
        question=f"Tell us about {title.lower()}.",
        word_limit=500,
    )


def make_closed_tender(*, actor, lots: int = 0, formula: str = PriceFormula.LOWEST_RATIO):
    """A published tender whose deadline has passed, with a model of three questions:

    Quality 1 (40%, scored by officers and service users), Quality 2 (20%, officers),
    Local jobs (10%, social value, officers) and Price (30%).
    Returns (tender, criteria dict, roles dict).
    """
    _n["i"] += 1
    i = _n["i"]
    project = make_project(actor=actor, published=True, title=f"Panel project {i}")
    model = evaluation_model_create(
        actor=actor, project=project, title="Scoring", price_formula=formula
    )
    q1 = criterion_add(
        actor=actor, model=model, kind=CriterionKind.QUALITY, data=_q("Involving people", "40")
    )
    q2 = criterion_add(
        actor=actor, model=model, kind=CriterionKind.QUALITY, data=_q("Safe staffing", "20")
    )
    sv = criterion_add(
        actor=actor, model=model, kind=CriterionKind.SOCIAL_VALUE, data=_q("Local jobs", "10")
    )
    if formula != PriceFormula.FIXED_PRICE:
        criterion_add(
            actor=actor,
            model=model,
            kind=CriterionKind.PRICE,
            data=CriterionData(title="Price", weight_percent=Decimal("30")),
        )
    officer = panel_role_add(
        actor=actor,
        model=model,
        data=RoleData(
            name="Officer", kind=PanelRoleKind.OFFICER, criterion_ids=[q1.pk, q2.pk, sv.pk]
        ),
    )
    service_user = panel_role_add(
        actor=actor,
        model=model,
        data=RoleData(
            name="Service-user member", kind=PanelRoleKind.SERVICE_USER, criterion_ids=[q1.pk]
        ),
    )
    now = timezone.now()
    tender = make_tender(
        actor=actor,
        status="closed",
        project=project,
        evaluation_model=model,
        title=f"Day opportunities {i}",
        summary="Things to do in the day.",
        value_pence=100_000_00,
        published_at=now - dt.timedelta(days=40),
        deadline=now - dt.timedelta(days=1),
    )
    for n in range(1, lots + 1):
        Lot.objects.create(tender=tender, number=n, title=f"Area {n}", value_pence=50_000_00)
    return (
        tender,
        {"q1": q1, "q2": q2, "sv": sv},
        {"officer": officer, "service_user": service_user},
    )


def open_tender(tender, actor) -> Opening:
    opening, _ = Opening.objects.get_or_create(
        tender=tender,
        defaults={"opened_by": actor, "opened_at": timezone.now(), "bids_opened": 0},
    )
    return opening


def appoint(actor, tender, role, *, user=None, name="", email="", chair=False):
    """Appoint through the service, running the on-commit email so the link is in the outbox."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.panel_member_appoint(
            actor=actor,
            tender=tender,
            data=services.AppointData(
                role_id=role.pk,
                user_id=user.pk if user else None,
                name=name,
                email=email,
                is_chair=chair,
            ),
        )


def last_token() -> str:
    """The token from the latest invitation email."""
    body = mail.outbox[-1].body
    return re.search(r"/panel/join/([^/\s]+)/", body).group(1)


def declare_none(member):
    return services.declaration_make(
        member=member, data=services.DeclarationData(no_conflicts=True)
    )


def score_all(member, bid, value: int = 3, *, submit=True):
    return services.scores_save(
        member=member,
        bid=bid,
        entries=[
            services.ScoreInput(c.pk, value, f"Reason for {value}") for c in member_criteria(member)
        ],
        submit=submit,
    )
