"""REST endpoints for monitoring returns (capability C5: deliver and review).

* the provider's members list their contract's returns and send one (figures only: evidence
  files are sent from the website, where they are checked by content);
* council staff read any contract's returns;
* anyone reads a contract's **accepted** KPI results and **published** assessments.

A contract or return the person may not see answers 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import django_auth

from coproduce.deliver.contracts.selectors import access_contract
from coproduce.deliver.monitoring import selectors as sel
from coproduce.deliver.monitoring import services as svc
from coproduce.foundation.core.errors import NotFound, ServiceError

from .schemas import ErrorOut, IdempotencyKey

router = Router(tags=["monitoring"])


class FigureOut(Schema):
    kpi: int
    value: Decimal
    rag: str


class MessageOut(Schema):
    kind: str
    text: str
    version: int
    at: dt.datetime


class SubmissionOut(Schema):
    version: int
    commentary: str
    submitted_at: dt.datetime
    figures: list[FigureOut]
    evidence_files: int


class ReturnOut(Schema):
    contract: str
    period: int
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    status: str
    version: int
    sent_late: bool
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None


class ReturnDetailOut(ReturnOut):
    submissions: list[SubmissionOut]
    messages: list[MessageOut]


def _return_out(ret) -> dict:
    from_day = ret.first_submitted_at
    return {
        "contract": ret.contract.reference,
        "period": ret.number,
        "period_start": ret.period_start,
        "period_end": ret.period_end,
        "due_on": ret.due_on,
        "status": ret.status,
        "version": ret.version,
        "sent_late": timezone.localdate(from_day) > ret.due_on,
        "submitted_at": from_day,
        "accepted_at": ret.accepted_at,
    }


def _detail_out(ret) -> dict:
    return {
        **_return_out(ret),
        "submissions": [
            {
                "version": s.version,
                "commentary": s.commentary,
                "submitted_at": s.submitted_at,
                "figures": [
                    {"kpi": f.kpi.position, "value": f.value, "rag": f.rag} for f in s.figures.all()
                ],
                "evidence_files": len(s.evidence.all()),
            }
            for s in sel.return_submissions(ret)
        ],
        "messages": [
            {"kind": m.kind, "text": m.text, "version": m.version, "at": m.at}
            for m in sel.return_thread(ret)
        ],
    }


@router.get(
    "/monitoring/{reference}/returns",
    response={200: list[ReturnOut], 404: ErrorOut},
    auth=django_auth,
    summary="A contract's monitoring returns",
)
def monitoring_returns(request: HttpRequest, reference: str):
    """Every return sent for the contract, oldest first (its provider's members and
    council staff)."""
    contract = access_contract(request.user, reference)
    returns = list(contract.monitoring_returns.order_by("number"))
    for r in returns:
        r.contract = contract
    return [_return_out(r) for r in returns]


@router.get(
    "/monitoring/{reference}/returns/{period}",
    response={200: ReturnDetailOut, 404: ErrorOut},
    auth=django_auth,
    summary="One monitoring return with every version and the questions and answers",
)
def monitoring_return(request: HttpRequest, reference: str, period: int):
    if not 0 < period < 10_000:
        raise NotFound()
    return _detail_out(sel.access_return(request.user, reference, period))


class FigureIn(Schema):
    #: the KPI's number on the contract (1, 2, …)
    kpi: int
    #: the figure as typed: "85.5", "1,204", "£1,250.50"; checked against the KPI's kind
    value: str


class ReturnIn(Schema):
    period: int
    commentary: str = ""
    figures: list[FigureIn]


@router.post(
    "/monitoring/{reference}/returns",
    response={201: ReturnDetailOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Send a monitoring return (the provider)",
)
def monitoring_return_submit(
    request: HttpRequest, reference: str, payload: ReturnIn, idempotency_key: IdempotencyKey = ""
):
    """Send the return for one reporting period: a figure for every KPI asked in it.

    Refused (400, with a code naming the rule): ``period_not_started``,
    ``after_contract_end``, ``return_already_sent``, ``figure_required``,
    ``figure_not_a_number``, ``figure_percent_range``, ``figure_whole_number``,
    ``figure_negative``, ``figure_decimals``. Send an ``Idempotency-Key`` header to make
    retries safe: a repeat returns the return created the first time."""
    contract = access_contract(request.user, reference, perm=svc.PROVIDER)
    figures: dict[int, str] = {}
    for f in payload.figures:
        if f.kpi in figures:
            raise ServiceError(
                "duplicate_kpi",
                f"KPI {f.kpi} is given twice: give each figure once.",
                field="figures",
            )
        figures[f.kpi] = f.value
    ret = svc.return_submit(
        actor=request.user,
        contract=contract,
        number=payload.period,
        figures=figures,
        commentary=payload.commentary,
        submission_key=idempotency_key,
    )
    ret.contract = contract
    return Status(201, _detail_out(ret))


class PointOut(Schema):
    period: int
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    rag: str


class AssessmentOut(Schema):
    year: int
    rating: str
    reasons: str
    published_at: dt.datetime


class KPIResultsOut(Schema):
    kpi: int
    text: str
    unit: str
    kind: str
    target: Decimal
    direction: str
    green_from: Decimal
    red_beyond: Decimal
    results: list[PointOut]
    assessments: list[AssessmentOut]


class ResultsOut(Schema):
    contract: str
    title: str
    provider: str
    kpis: list[KPIResultsOut]


@router.get(
    "/monitoring/{reference}/results",
    response={200: ResultsOut, 404: ErrorOut},
    summary="A contract's accepted KPI results and published assessments (public)",
)
def monitoring_results(request: HttpRequest, reference: str):
    """Only figures the council has accepted, and only published assessments; for
    contracts of published projects."""
    contract = sel.public_contract(reference)
    return {
        "contract": contract.reference,
        "title": contract.title,
        "provider": contract.provider.name,
        "kpis": [
            {
                "kpi": v.kpi.position,
                "text": v.kpi.text,
                "unit": v.kpi.unit,
                "kind": v.kpi.kind,
                "target": v.kpi.target,
                "direction": v.kpi.direction,
                "green_from": v.kpi.green_from,
                "red_beyond": v.kpi.red_beyond,
                "results": [
                    {
                        "period": p.number,
                        "period_start": p.period_start,
                        "period_end": p.period_end,
                        "value": p.value,
                        "rag": p.rag,
                    }
                    for p in v.points
                ],
                "assessments": [
                    {
                        "year": a.year,
                        "rating": a.rating,
                        "reasons": a.reasons,
                        "published_at": a.published_at,
                    }
                    for a in v.assessments
                ],
            }
            for v in sel.kpi_views(contract, accepted_only=True, published_only=True)
        ],
    }
