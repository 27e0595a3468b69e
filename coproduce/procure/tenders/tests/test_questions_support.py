"""Builders shared by the questions, changes, follow and feedback tests (no tests here).

Tenders are made straight in the database in the state a test needs (open, closed,
draft), so these tests do not depend on the publication rules tested elsewhere.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.specifications.models import Specification
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus

_counter = {"n": 0}


def make_tender(
    *,
    actor,
    status: str = TenderStatus.OPEN,
    deadline: dt.datetime | None = None,
    questions_close_at: dt.datetime | None = None,
    lots: int = 0,
    light_touch: bool = True,
    title: str = "Day opportunities for adults with learning disabilities",
) -> Tender:
    """A tender in ``status``; published (with dates) unless it is a draft."""
    _counter["n"] += 1
    area = service_area()
    if area.light_touch != light_touch:
        area.light_touch = light_touch
        area.save(update_fields=["light_touch"])
    project = make_project(actor=actor, published=True)
    spec = Specification.objects.create(
        project=project,
        version=1,
        status="published",
        title="Day opportunities",
        purpose="Things to do in the day.",
        created_by=actor,
        published_at=timezone.now(),
    )
    model = EvaluationModel.objects.create(project=project, title="Scoring", created_by=actor)
    now = timezone.now()
    published = status != TenderStatus.DRAFT
    tender = Tender.objects.create(
        reference=f"T-2026-{9000 + _counter['n']:04d}",
        project=project,
        specification=spec,
        evaluation_model=model,
        title=title,
        summary="Day opportunities.",
        service_area=area,
        value_pence=240_000_000,
        status=status,
        published_at=now - dt.timedelta(days=3) if published else None,
        deadline=deadline or (now + dt.timedelta(days=40) if published else None),
        questions_close_at=questions_close_at,
        created_by=actor,
    )
    for n in range(1, lots + 1):
        Lot.objects.create(tender=tender, number=n, title=f"Lot {n} area", value_pence=100_000_000)
    return tender


def make_member(org=None, *, name: str | None = None, **user_kwargs):
    """A provider user who is a member of ``org`` (a new organisation if not given)."""
    user = UserFactory(role="provider", **user_kwargs)
    if org is None:
        org = OrganisationFactory(**({"name": name} if name else {}))
    Membership.objects.create(user=user, organisation=org, role="member")
    return user, org
