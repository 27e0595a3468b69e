"""Contracts for tests: a contract with KPIs made with factory_boy (no award), fast enough
for every test that needs one. The award path is tested in test_award_confirmation.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from coproduce.deliver.contracts.models import Contract, ContractKPI
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.commissioning.tests.factories import make_project


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"K-2026-{n + 100:04d}")
    project = factory.LazyFunction(
        lambda: make_project(actor=UserFactory(role="commissioner"), published=True)
    )
    provider = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Day opportunities {n}")
    value_pence = 300_000_00
    starts_on = dt.date(2027, 4, 1)
    ends_on = dt.date(2030, 3, 31)
    extension_months_available = 12
    council_contact = factory.LazyAttribute(lambda o: o.project.owner)


class ContractKPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractKPI

    contract = factory.SubFactory(ContractFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "People who say the service helps them."
    target = Decimal("85")
    unit = "% of people asked"
    kind = "percent"
    frequency = "quarterly"
    direction = "higher"
    green_from = Decimal("85")
    red_beyond = Decimal("68")


def contract_with_kpis(n: int = 2, **kw) -> Contract:
    contract = ContractFactory(**kw)
    for position in range(1, n + 1):
        ContractKPIFactory(contract=contract, position=position)
    return contract
