"""Builders for social value tests: a contract, an imported measure table, promises and
delivery reports, made through the services wherever a person would make them.

Contracts are made directly (a contract let before coproduce has no award), so these
tests do not need a whole tender; ``awarded_contract`` makes one through the award
services for the tests about the winning bid's answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.social_value import services as svc
from coproduce.deliver.social_value.models import Commitment, Delivery, MeasureTable
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.commissioning.tests.factories import make_project

# Example values only, written for tests; councils import their own table.
EXAMPLE_CSV = (
    b"code,name,unit,proxy_pounds,source,price_year\n"
    b"JOBS,Local disabled people in paid jobs for a year,job,20000,Example: test value,2024\n"
    b"VOL,Volunteering hours,hour,15.50,Example: test value,2024\n"
    b"PLACE,Work placements of six weeks,week,250,Example: test value,2023\n"
)

_numbers = itertools.count(1)


def import_table(actor, data: bytes = EXAMPLE_CSV, title: str = "Test measures") -> MeasureTable:
    return svc.measure_table_import(actor=actor, data=data, file_name="measures.csv", title=title)


def make_contract(
    commissioner,
    *,
    provider_org=None,
    published: bool = True,
    starts_on: dt.date | None = None,
    years: int = 3,
) -> Contract:
    """A running contract of a (published) project, held by ``provider_org`` (or a new one)."""
    if provider_org is None:
        _user, provider_org = make_member()
    today = timezone.localdate()
    starts_on = starts_on or today - dt.timedelta(days=270)
    project = make_project(actor=commissioner, published=published)
    return Contract.objects.create(
        reference=f"K-2026-{next(_numbers):04d}",
        project=project,
        provider=provider_org,
        title="Peer support into work",
        value_pence=480_000_00,
        starts_on=starts_on,
        ends_on=starts_on.replace(year=starts_on.year + years) - dt.timedelta(days=1),
        status="live",
    )


def make_commitment(
    actor, contract: Contract, *, code: str = "JOBS", quantity="4", due_by=None
) -> Commitment:
    return svc.commitment_add(
        actor=actor,
        contract=contract,
        data=svc.CommitmentData(
            measure_code=code,
            quantity=quantity,
            due_by=due_by or contract.ends_on,
            details="Paid peer supporter jobs for disabled Riverside residents.",
        ),
    )


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "application/pdf")


def report(
    actor, commitment: Commitment, *, quantity="1", upload=None, start=None, end=None
) -> Delivery:
    contract = commitment.contract
    return svc.delivery_report(
        actor=actor,
        commitment=commitment,
        data=svc.DeliveryData(
            quantity=quantity,
            period_start=start or contract.starts_on,
            period_end=end or contract.starts_on + dt.timedelta(days=90),
            description="Two peer supporters started on the Real Living Wage.",
        ),
        upload=upload if upload is not None else pdf(),
    )


def dec(value) -> Decimal:
    return Decimal(str(value))


def analysis_data(**change) -> svc.AnalysisData:
    values = {
        "title": "Peer support into work: forecast",
        "kind": "forecast",
        "inputs_pence": 480_000_00,
        "inputs_description": "The contract's value over three years.",
        "discount_rate": "3.5",
        "first_year": 2026,
        "notes": "Example values only.",
    }
    values.update(change)
    return svc.AnalysisData(**values)


def outcome_data(**change) -> svc.OutcomeData:
    values = {
        "stakeholder": "Disabled adults helped into work",
        "outcome": "In paid work six months later",
        "indicator": "Payroll confirmation at six months",
        "quantity": "40",
        "proxy_description": "Gain in income from full-time employment",
        "proxy_pence": 10_000_00,
        "proxy_source": "Example value: replace with your council's own",
        "deadweight": "20",
        "attribution": "10",
        "displacement": "5",
        "drop_off": "25",
        "duration_years": 3,
    }
    values.update(change)
    return svc.OutcomeData(**values)


def make_analysis(commissioner, contract: Contract, *, published: bool = False, outcomes: int = 1):
    analysis = svc.sroi_create(
        actor=commissioner, project=contract.project, contract=contract, data=analysis_data()
    )
    for _ in range(outcomes):
        svc.sroi_outcome_add(actor=commissioner, analysis=analysis, data=outcome_data())
    if published:
        analysis = svc.sroi_publish(actor=commissioner, analysis=analysis)
    return analysis
