"""Builders for feedback tests: a contract, responses, themes, shoppers and visits.

Contracts are made directly (a contract let before coproduce has no award), so these
tests need no tender. Everything a person makes goes through the services.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.models import FeedbackResponse, MysteryShopper, ShoppingVisit
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.commissioning.tests.factories import make_project

_numbers = itertools.count(1)


def make_contract(
    commissioner,
    *,
    provider_org=None,
    published: bool = True,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    status: str = "live",
) -> Contract:
    """A running contract (started 270 days ago, three years long) of a published
    project, held by ``provider_org`` (or a new organisation)."""
    if provider_org is None:
        _user, provider_org = make_member()
    today = timezone.localdate()
    starts_on = starts_on or today - dt.timedelta(days=270)
    ends_on = ends_on or starts_on + dt.timedelta(days=3 * 365)
    project = make_project(actor=commissioner, published=published)
    return Contract.objects.create(
        reference=f"K-2025-{next(_numbers):04d}",
        project=project,
        provider=provider_org,
        title="Peer support into work",
        value_pence=480_000_00,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )


def give(contract: Contract, rating: str = "good", **fields) -> FeedbackResponse:
    """One anonymous response, through the service."""
    return svc.feedback_give(
        actor=None, contract=contract, data=svc.FeedbackData(rating=rating, **fields)
    )


def make_shopper(commissioner, *, user=None, name: str = "Sam Shopper") -> MysteryShopper:
    return svc.shopper_add(
        actor=commissioner,
        data=svc.ShopperData(
            full_name=name,
            trained_on=timezone.localdate() - dt.timedelta(days=30),
            trained_by="Speak Up Riverside",
            email=user.email if user else "",
        ),
    )


def plan_visit(commissioner, contract: Contract, shoppers, **overrides) -> ShoppingVisit:
    today = timezone.localdate()
    data = {
        "window_from": today - dt.timedelta(days=14),
        "window_to": today - dt.timedelta(days=7),
        "focus": "Is it easy to get started?",
        "shopper_ids": [s.pk for s in shoppers],
        "checklist": ["Were you welcomed when you arrived?", "Was the information easy to read?"],
    }
    data.update(overrides)
    return svc.visit_plan(actor=commissioner, contract=contract, data=svc.VisitData(**data))


def send_report(
    actor,
    visit: ShoppingVisit,
    *,
    evidence=(),
    overall: str = "Friendly staff.",
    visited_on: dt.date | None = None,
):
    items = {item.pk: ("good", "Fine.") for item in visit.checklist.all()}
    return svc.report_submit(
        actor=actor,
        visit=visit,
        data=svc.ReportData(
            visited_on=visited_on or timezone.localdate() - dt.timedelta(days=8),
            overall=overall,
            items=items,
            evidence=list(evidence),
        ),
    )
