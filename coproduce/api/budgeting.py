"""REST endpoints for participatory budgeting: rounds, proposals, results, .pb export, receipts.

Reads only, through the same selectors as the pages, so the same rule holds: no count of
ballots and no tally, for anyone (officers and superusers included), before voting
closes; results are public once published and visible to officers once voting has
closed. Voting itself is done on the website (the ballot page, with its check of the
voter's choices and its rate limit), not through the API.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from coproduce.foundation.core.errors import NotFound
from coproduce.understand.participatory_budgeting import engine
from coproduce.understand.participatory_budgeting.models import Round
from coproduce.understand.participatory_budgeting.selectors import (
    access_round_by_reference,
    receipt_status,
    result_for,
    round_list,
    round_proposals,
)

router = Router(tags=["budgeting"])


class AreaOut(Schema):
    name: str
    budget_pence: int


class RoundOut(Schema):
    reference: str
    title: str
    description: str
    budget_pence: int
    phase: str
    proposals_open_on: dt.date
    review_starts_on: dt.date
    voting_opens_on: dt.date
    voting_closes_on: dt.date
    results_on: dt.date
    ballot_type: str
    min_choices: int
    max_choices: int | None
    points: int | None
    rule: str


class RoundDetailOut(RoundOut):
    areas: list[AreaOut]

    @staticmethod
    def resolve_areas(obj: Round) -> list:
        return list(obj.areas.all())


class ProposalOut(Schema):
    reference: str
    title: str
    description: str
    area: str | None
    estimated_cost_pence: int
    status: str
    costed_pence: int | None
    decision_reason: str
    has_photo: bool
    photo_alt: str

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.name if obj.area_id else None


class ResultLineOut(Schema):
    proposal: str
    title: str
    votes: int
    score: int
    cost_pence: int
    funded: bool
    funded_by_rule: bool
    explanation: str
    override_reason: str

    @staticmethod
    def resolve_proposal(obj) -> str:
        return obj.proposal.reference

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.proposal.title


class ResultOut(Schema):
    rule: str
    ballots_counted: int
    computed_at: dt.datetime
    published_at: dt.datetime | None
    spent_pence: int
    left_pence: int
    lines: list[ResultLineOut]


class ReceiptIn(Schema):
    receipt: str


class ReceiptOut(Schema):
    found: bool
    counted: bool
    round_title: str
    cast_at: dt.datetime | None
    replaced_at: dt.datetime | None
    awaiting_confirmation: bool


@router.get("/budgeting/rounds", response=list[RoundOut], summary="Participatory budgeting rounds")
def list_rounds(request: HttpRequest):
    return list(round_list())


@router.get(
    "/budgeting/rounds/{reference}",
    response={200: RoundDetailOut, 404: dict},
    summary="One round, with its areas",
)
def get_round(request: HttpRequest, reference: str):
    return access_round_by_reference(user=request.user, reference=reference)


@router.get(
    "/budgeting/rounds/{reference}/proposals",
    response={200: list[ProposalOut], 404: dict},
    summary="A round's proposals with the council's feasibility decisions",
)
def list_proposals(request: HttpRequest, reference: str):
    round_ = access_round_by_reference(user=request.user, reference=reference)
    return list(round_proposals(round_=round_))


@router.get(
    "/budgeting/rounds/{reference}/results",
    response={200: ResultOut, 404: dict},
    summary="The result: published, or for officers once voting has closed",
)
def get_results(request: HttpRequest, reference: str):
    round_ = access_round_by_reference(
        user=request.user, reference=reference, perm="budgeting.view_results"
    )
    view = result_for(user=request.user, round_=round_)
    if view is None:
        raise NotFound()
    return {
        "rule": view.result.rule,
        "ballots_counted": view.result.ballots_counted,
        "computed_at": view.result.computed_at,
        "published_at": view.result.published_at,
        "spent_pence": view.spent_pence,
        "left_pence": view.left_pence,
        "lines": view.lines,
    }


@router.get(
    "/budgeting/rounds/{reference}/export.pb",
    response={404: dict},
    summary="The round in pabulib .pb format (projects and ballots), once voting has closed",
)
def export_round(request: HttpRequest, reference: str):
    round_ = access_round_by_reference(
        user=request.user, reference=reference, perm="budgeting.export_round"
    )
    response = HttpResponse(engine.export_text(round_), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.reference}.pb"'
    return response


@router.post(
    "/budgeting/receipts/check",
    response=ReceiptOut,
    summary="Check that a vote was received and counts (never what it chose)",
)
def check_receipt(request: HttpRequest, payload: ReceiptIn):
    status = receipt_status(receipt=payload.receipt)
    return {
        "found": status.found,
        "counted": status.counted,
        "round_title": status.round_title,
        "cast_at": status.cast_at,
        "replaced_at": status.superseded_at,
        "awaiting_confirmation": status.awaiting_confirmation,
    }
