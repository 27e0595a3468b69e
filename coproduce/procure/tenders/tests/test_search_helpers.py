"""Helpers for the search and alert tests: tenders written straight to the database.

These tests only need published (and draft) rows to search, so they are made with
``factories.make_tender`` on one shared project, and their stored search vector written
as the services write it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.specifications.models import Specification
from coproduce.procure.tenders.models import Lot, Tender
from coproduce.procure.tenders.services_search import tender_search_vectors_refresh
from coproduce.procure.tenders.tests.factories import make_tender


@pytest.fixture
def tender_maker(commissioner):
    """A function making tenders on one shared project, specification and evaluation model."""
    project = make_project(actor=commissioner, published=True)
    spec = Specification.objects.create(
        project=project, version=1, status="published", title="Spec", purpose="Purpose",
        created_by=commissioner, published_at=timezone.now(), published_by=commissioner,
    )  # fmt: skip
    model = EvaluationModel.objects.create(
        project=project, title="Scoring", status="locked", created_by=commissioner,
        locked_at=timezone.now(),
    )  # fmt: skip

    def make(
        title: str = "Day opportunities",
        *,
        summary: str = "Support in the day for adults.",
        area: str = "adult-social-care",
        value_pence: int = 10_000_000,
        locality: str = "",
        deadline: dt.datetime | None = None,
        published_at: dt.datetime | None = None,
        status: str = "open",
        suitable_for_small: bool = False,
        reserved_for: str = "",
        route: str = "open",
        lots: list[dict] | tuple = (),
    ) -> Tender:
        now = timezone.now()
        tender = make_tender(
            actor=commissioner,
            status=status,
            project=project,
            specification=spec,
            evaluation_model=model,
            title=title,
            summary=summary,
            service_area=service_area(area),
            locality=locality,
            value_pence=value_pence,
            route=route,
            reserved_for=reserved_for,
            suitable_for_small=suitable_for_small,
            published_at=None
            if status == "draft"
            else (published_at or now - dt.timedelta(days=1)),
            deadline=deadline or (now + dt.timedelta(days=40)),
        )
        for n, lot in enumerate(lots, start=1):
            Lot.objects.create(tender=tender, number=n, value_pence=1000, **lot)
        tender_search_vectors_refresh([tender.pk])  # as the services do (PostgreSQL)
        return tender

    return make


def detail_url(tender: Tender) -> str:
    """The tender page's URL (another part of the app serves it)."""
    try:
        return reverse("tenders:detail", args=[tender.reference])
    except NoReverseMatch:  # pragma: no cover - until the detail page exists
        return f"/opportunities/{tender.reference}/"
