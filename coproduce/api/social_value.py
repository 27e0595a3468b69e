"""REST endpoints for social value (capability C5: deliver and review).

All three are reads that anyone may make, over what the public pages show: the measure
table, a contract's promises against checked delivery (contracts of published projects),
and an SROI analysis with its result (published ones; drafts for council staff only).
Anything else answers 404, like a missing object.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from coproduce.deliver.social_value import selectors as sel

router = Router(tags=["social value"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class MeasureOut(Schema):
    code: str
    name: str
    unit: str
    unit_words: str
    proxy_pence: int
    source: str
    price_year: int


class MeasureTableOut(Schema):
    version: int
    title: str
    imported_at: dt.datetime
    measures: list[MeasureOut]


@router.get(
    "/social-value/measures",
    response={200: MeasureTableOut, 404: ErrorOut},
    summary="The social value measure table (the current version, or one by number)",
)
def social_value_measures(request: HttpRequest, version: int | None = None):
    """Each measure's unit and the £ value of one unit (``proxy_pence``), with its source
    and price year. 404 when no table has been imported (or there is no such version)."""
    table, measures = sel.public_measure_table(version)
    return {
        "version": table.version,
        "title": table.title,
        "imported_at": table.imported_at,
        "measures": [
            {
                "code": m.code,
                "name": m.name,
                "unit": m.unit,
                "unit_words": sel.unit_words(m.unit),
                "proxy_pence": m.proxy_pence,
                "source": m.source,
                "price_year": m.price_year,
            }
            for m in measures
        ],
    }


class CommitmentOut(Schema):
    code: str
    name: str
    unit: str
    quantity: Decimal
    due_by: dt.date
    proxy_pence: int
    proxy_source: str
    price_year: int
    committed_pence: int
    #: only delivery an officer verified against evidence counts
    delivered: Decimal
    delivered_pence: int
    #: reported by the provider, not yet checked (not counted)
    waiting: Decimal


class MeasureTotalOut(Schema):
    code: str
    name: str
    unit: str
    committed: Decimal
    delivered: Decimal
    committed_pence: int
    delivered_pence: int


class ContractSocialValueOut(Schema):
    contract: str
    provider: str
    commitments: list[CommitmentOut]
    measures: list[MeasureTotalOut]
    committed_pence: int
    delivered_pence: int


@router.get(
    "/contracts/{reference}/social-value",
    response={200: ContractSocialValueOut, 404: ErrorOut},
    summary="A contract's social value: promised against verified delivery",
)
def social_value_contract(request: HttpRequest, reference: str):
    """Agreed promises with their quantity and £ value (at the proxy each was made with),
    and what has been delivered and verified. Public for contracts of published projects."""
    contract = sel.access_public_contract(reference)
    summary = sel.summarise(sel.contract_commitments(contract, public=True))
    return {
        "contract": contract.reference,
        "provider": contract.provider.name,
        "commitments": [
            {
                "code": line.commitment.code,
                "name": line.commitment.name,
                "unit": line.commitment.unit,
                "quantity": line.commitment.quantity,
                "due_by": line.commitment.due_by,
                "proxy_pence": line.commitment.proxy_pence,
                "proxy_source": line.commitment.proxy_source,
                "price_year": line.commitment.price_year,
                "committed_pence": line.committed_pence,
                "delivered": line.verified,
                "delivered_pence": line.delivered_pence,
                "waiting": line.waiting,
            }
            for line in summary.lines
        ],
        "measures": [
            {
                "code": m.code,
                "name": m.name,
                "unit": m.unit,
                "committed": m.committed,
                "delivered": m.verified,
                "committed_pence": m.committed_pence,
                "delivered_pence": m.delivered_pence,
            }
            for m in summary.measures
        ],
        "committed_pence": summary.committed_pence,
        "delivered_pence": summary.delivered_pence,
    }


class OutcomeOut(Schema):
    position: int
    stakeholder: str
    outcome: str
    indicator: str
    quantity: Decimal
    proxy_description: str
    proxy_pence: int
    proxy_source: str
    deadweight: Decimal
    attribution: Decimal
    displacement: Decimal
    drop_off: Decimal
    duration_years: int


class YearOut(Schema):
    year: int
    value_pounds: float
    present_value_pounds: float


class SensitivityOut(Schema):
    key: str
    label: str
    present_value_pounds: float
    ratio: float | None


class SroiOut(Schema):
    reference: str
    title: str
    project: str
    contract: str | None
    kind: str
    status: str
    published_at: dt.datetime | None
    inputs_pence: int
    inputs_description: str
    discount_rate: Decimal
    notes: str
    outcomes: list[OutcomeOut]
    years: list[YearOut]
    present_value_pounds: float
    net_present_value_pounds: float
    #: present value ÷ inputs; null when no inputs were entered
    ratio: float | None
    in_words: str
    sensitivity: list[SensitivityOut]


@router.get(
    "/sroi/{reference}",
    response={200: SroiOut, 404: ErrorOut},
    summary="An SROI analysis with its result and sensitivity table",
)
def sroi_analysis(request: HttpRequest, reference: str):
    """Published analyses of published projects are public; drafts answer 404 to anyone
    but council staff."""
    analysis = sel.access_sroi(user=request.user, reference=reference)
    report = sel.sroi_report(analysis)
    result = report.result
    return {
        "reference": analysis.reference,
        "title": analysis.title,
        "project": analysis.project.reference,
        "contract": analysis.contract.reference if analysis.contract_id else None,
        "kind": analysis.kind,
        "status": analysis.status,
        "published_at": analysis.published_at,
        "inputs_pence": analysis.inputs_pence,
        "inputs_description": analysis.inputs_description,
        "discount_rate": analysis.discount_rate,
        "notes": analysis.notes,
        "outcomes": report.outcomes,
        "years": [
            {"year": y["year"], "value_pounds": y["value"], "present_value_pounds": y["present"]}
            for y in report.years
        ],
        "present_value_pounds": result.present_value,
        "net_present_value_pounds": result.net_present_value,
        "ratio": result.ratio,
        "in_words": report.in_words,
        "sensitivity": [
            {
                "key": s.key,
                "label": s.label,
                "present_value_pounds": s.present_value,
                "ratio": s.ratio,
            }
            for s in report.sensitivity
        ],
    }
