"""Tenders for tests in this app and the apps above it (bids, panels, awards, complaints).

``make_tender`` writes the row straight to the database in the state a test needs (draft,
open, closed), with the project, specification and evaluation model it must link to, so
tests of questions, bids, panels or awards do not depend on the publication rules; those
are tested through the services in ``test_tenders_services``.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.specifications.models import Specification
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus

_numbers = itertools.count(1)


def make_tender(
    *,
    actor,
    status: str = TenderStatus.OPEN,
    project=None,
    specification=None,
    evaluation_model=None,
    lots: int = 0,
    **fields,
) -> Tender:
    """A tender in ``status``: published three days ago and closing in 40 days, unless a draft.

    A published project, a published specification and an empty evaluation model are made
    for it unless given; ``lots`` lots of £1,000,000 ("Lot 1 area", …) are added. Any other keyword is a ``Tender`` field (``title``, ``deadline``, ``value_pence`` …).
    """
    n = next(_numbers)
    project = project or make_project(actor=actor, published=True)
    if specification is None:
        specification = Specification.objects.create(
            project=project,
            version=1,
            status="published",
            title="Day opportunities",
            purpose="Things to do in the day.",
            created_by=actor,
            published_at=timezone.now(),
        )
    if evaluation_model is None:
        evaluation_model = EvaluationModel.objects.create(
            project=project, title="Scoring", created_by=actor
        )
    area = fields.pop("service_area", None) or service_area()
    now = timezone.now()
    published = status != TenderStatus.DRAFT
    values = {
        "reference": f"T-2026-{n:05d}",
        "title": "Day opportunities for adults with learning disabilities",
        "summary": "Day opportunities.",
        "value_pence": 240_000_000,
        "published_at": now - dt.timedelta(days=3) if published else None,
        "deadline": now + dt.timedelta(days=40) if published else None,
        **fields,
    }
    tender = Tender.objects.create(
        project=project,
        specification=specification,
        evaluation_model=evaluation_model,
        service_area=area,
        status=status,
        created_by=actor,
        **values,
    )
    for k in range(1, lots + 1):
        Lot.objects.create(tender=tender, number=k, title=f"Lot {k} area", value_pence=100_000_000)
    return tender
