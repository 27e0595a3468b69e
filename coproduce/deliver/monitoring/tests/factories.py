"""Builders for monitoring tests: a contract with KPIs (factory_boy), and returns sent
through the services as a provider would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractKPI, FrameworkVersion
from coproduce.deliver.monitoring import services as svc
from coproduce.deliver.monitoring.periods import add_months
from coproduce.foundation.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_member,
)
from coproduce.foundation.commissioning.tests.factories import make_project


def months_ago(n: int) -> dt.date:
    """The first day of the month ``n`` months before this one."""
    return add_months(timezone.localdate().replace(day=1), -n)


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract recorded directly (as one let before coproduce), in month 9 by default."""

    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"K-2026-{n + 100:04d}")
    project = factory.LazyFunction(
        lambda: make_project(actor=UserFactory(role="commissioner"), published=True)
    )
    provider = factory.SubFactory(OrganisationFactory)
    title = "Peer support into work"
    value_pence = 30_000_000
    starts_on = factory.LazyFunction(lambda: months_ago(8))
    ends_on = factory.LazyAttribute(lambda o: add_months(o.starts_on, 36) - dt.timedelta(days=1))
    status = "live"


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractKPI

    contract = factory.SubFactory(ContractFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "People supported each month."
    target = Decimal("60")
    unit = "people"
    kind = "count"
    frequency = "monthly"
    direction = "higher"
    green_from = Decimal("60")
    red_beyond = Decimal("45")
    why_asked = "It shows whether the service reaches the people it was set up for."
    how_used = "Looked at every month with the provider."


def agree_framework(contract, commissioner, member) -> FrameworkVersion:
    """Version 1 of the framework as it stands, agreed by both sides (returns need one)."""
    now = timezone.now()
    return FrameworkVersion.objects.create(
        contract=contract,
        number=1,
        kpis=[k.snapshot() for k in contract.kpis.order_by("position")],
        council_agreed_by=commissioner,
        council_agreed_at=now,
        provider_agreed_by=member,
        provider_agreed_at=now,
        agreed_at=now,
    )


def make_contract(
    commissioner, *, starts_on: dt.date | None = None, framework_agreed: bool = True, **kwargs
):
    """A contract of a published project with four KPIs, and a provider member; its
    framework agreed by both sides unless ``framework_agreed=False``.

    KPI 1: count, monthly, higher is better (green ≥ 60, red < 45);
    KPI 2: days, monthly, lower is better (green ≤ 10, red > 15);
    KPI 3: percent, quarterly (green ≥ 90, red < 75);
    KPI 4: pounds, annually (green ≥ 1000, red < 500).
    Returns (contract, provider user).
    """
    project = make_project(actor=commissioner, published=True)
    member, org = make_member(role="admin")
    contract = ContractFactory(
        project=project,
        provider=org,
        starts_on=starts_on or months_ago(8),
        **kwargs,
    )
    KPIFactory(contract=contract, position=1)
    KPIFactory(
        contract=contract,
        position=2,
        text="Working days to a first meeting.",
        target=Decimal("10"),
        unit="working days",
        kind="days",
        direction="lower",
        green_from=Decimal("10"),
        red_beyond=Decimal("15"),
    )
    KPIFactory(
        contract=contract,
        position=3,
        text="People who say their peer supporter understood them.",
        target=Decimal("90"),
        unit="% of people asked",
        kind="percent",
        frequency="quarterly",
        green_from=Decimal("90"),
        red_beyond=Decimal("75"),
    )
    KPIFactory(
        contract=contract,
        position=4,
        text="Money raised from local employers.",
        target=Decimal("1000"),
        unit="pounds a year",
        kind="pounds",
        frequency="annually",
        green_from=Decimal("1000"),
        red_beyond=Decimal("500"),
    )
    if framework_agreed:
        agree_framework(contract, commissioner, member)
    return contract, member


GOOD = {1: "62", 2: "8", 3: "92", 4: "1200"}


def send(contract, member, number: int, figures: dict | None = None, **kwargs):
    """Send the return for period ``number`` through the service (all four figures given;
    only the asked ones are read)."""
    return svc.return_submit(
        actor=member,
        contract=contract,
        number=number,
        figures={**GOOD, **(figures or {})},
        **kwargs,
    )
