"""Test helpers: a tender made directly (the tender services belong to another part)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.specifications.models import Specification
from coproduce.procure.tenders.models import Tender

_n = {"i": 0}


def make_tender(*, actor, published: bool = True, **overrides) -> Tender:
    _n["i"] += 1
    project = make_project(actor=actor, published=True, title=f"Project {_n['i']}")
    spec = Specification.objects.create(
        project=project, version=1, title="Spec", purpose="Purpose", created_by=actor
    )
    model = EvaluationModel.objects.create(project=project, title="Model", created_by=actor)
    now = timezone.now()
    values = {
        "reference": f"T-2026-{_n['i']:04d}",
        "project": project,
        "specification": spec,
        "evaluation_model": model,
        "title": "Day opportunities",
        "summary": "Things to do in the day.",
        "service_area": service_area(),
        "value_pence": 100_000_00,
        "created_by": actor,
    }
    if published:
        values.update(status="open", published_at=now, deadline=now + dt.timedelta(days=30))
    values.update(overrides)
    return Tender.objects.create(**values)
