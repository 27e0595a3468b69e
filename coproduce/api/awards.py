"""REST endpoints for awards, letters, cancellations, contracts and market diversity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from coproduce.deliver.contracts.selectors import contract_list
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.procure.awards import selectors as sel
from coproduce.procure.awards import services as svc
from coproduce.procure.bids.models import Bid
from coproduce.procure.panels.selectors import conflicted_bid_ids

router = Router(tags=["awards"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class CategoryOut(Schema):
    key: str
    label: str
    bid_organisations: int
    bid_share: Decimal
    bids_involving: int
    award_organisations: int
    award_share: Decimal
    awards_involving: int
    award_value_pence: int
    value_share: Decimal


class PartOut(Schema):
    year: int | None
    bids: int
    bid_organisations: int
    awards: int
    award_organisations: int
    award_value_pence: int
    rows: list[CategoryOut]


class DiversityOut(Schema):
    tender: str | None
    tenders_counted: int
    overall: PartOut
    by_year: list[PartOut]


def _diversity(d) -> dict:
    return {
        "tender": d.tender.reference if d.tender else None,
        "tenders_counted": d.tenders_counted,
        "overall": d.overall,
        "by_year": d.by_year,
    }


@router.get("/market-diversity", response=DiversityOut, summary="Market diversity, council-wide")
def market_diversity(request: HttpRequest):
    """Bids and awards from VCSEs, SMEs, user-led, supported and local organisations.

    Only tenders whose closing date has passed and whose bids were opened are counted.
    """
    return _diversity(sel.market_diversity())


@router.get(
    "/tenders/{reference}/market-diversity",
    response={200: DiversityOut, 404: ErrorOut},
    summary="Market diversity of one tender (after the award)",
)
def tender_market_diversity(request: HttpRequest, reference: str):
    tender = sel.access_tender_market(reference)
    return _diversity(sel.market_diversity(tender=tender))


class AwardOut(Schema):
    id: int
    tender: str
    lot: int | None
    winning_bid: str
    winning_rank: int
    status: str
    reasons: str
    override_reason: str
    decided_at: dt.datetime
    standstill_ends_on: dt.date | None
    standstill_kind: str
    no_standstill_reason: str
    confirmed_at: dt.datetime | None
    #: true until the background task has written every bidder's letter (after the
    #: decision, or after an officer regenerated them); ``/api/letters`` lists only
    #: letters already written
    letters_being_prepared: bool

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.tender.reference

    @staticmethod
    def resolve_letters_being_prepared(obj) -> bool:
        return obj.letters_pending_since is not None

    @staticmethod
    def resolve_lot(obj) -> int | None:
        return obj.lot.number if obj.lot_id else None

    @staticmethod
    def resolve_winning_bid(obj) -> str:
        return obj.winning_bid.reference

    @staticmethod
    def resolve_status(obj) -> str:
        return sel.effective_status(obj)

    @staticmethod
    def resolve_standstill_kind(obj) -> str:
        return sel.standstill_basis(obj).kind


class DecideIn(Schema):
    lot: int | None = None
    bid: str | None = None
    reasons: str
    override_reason: str = ""
    #: light-touch contracts only: "voluntary" (wait the rules table's working days) or
    #: "none" (confirm at once; needs ``no_standstill_reason``)
    standstill: str = "voluntary"
    no_standstill_reason: str = ""


@router.get(
    "/tenders/{reference}/awards",
    response={200: list[AwardOut], 404: ErrorOut},
    auth=django_auth,
)
def list_awards(request: HttpRequest, reference: str):
    """Every award decision of a tender, withdrawn ones included (council staff)."""
    tender = sel.access_tender_for_awards(request.user, reference)
    return list(tender.award_decisions.select_related("tender", "lot", "winning_bid"))


@router.post(
    "/tenders/{reference}/awards",
    response={201: AwardOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def decide(request: HttpRequest, reference: str, payload: DecideIn):
    """Decide the award of a lot (``lot`` number, or none for a tender without lots)."""
    tender = sel.access_tender_for_awards(request.user, reference, perm="awards.decide")
    lot = sel.lot_from_key(tender, "whole" if payload.lot is None else str(payload.lot))
    bid = None
    if payload.bid:
        bid = Bid.objects.filter(tender=tender, reference=payload.bid).first()
        if bid is None:
            raise ServiceError("bid_not_ranked", "Choose one of the ranked bids.", field="bid")
    decision = svc.award_decide(
        actor=request.user,
        tender=tender,
        lot=lot,
        bid=bid,
        reasons=payload.reasons,
        override_reason=payload.override_reason,
        standstill=payload.standstill,
        no_standstill_reason=payload.no_standstill_reason,
    )
    return Status(201, decision)


class ConfirmIn(Schema):
    starts_on: dt.date


class ContractOut(Schema):
    reference: str
    title: str
    project: str
    provider: str
    value_pence: int
    starts_on: dt.date
    ends_on: dt.date

    @staticmethod
    def resolve_project(obj) -> str:
        return obj.project.reference

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


@router.post(
    "/awards/{award_id}/confirm",
    response={200: ContractOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def confirm(request: HttpRequest, award_id: int, payload: ConfirmIn):
    """Confirm an award after its standstill; returns the contract created."""
    decision = sel.access_decision(request.user, award_id)
    return svc.award_confirm(actor=request.user, decision=decision, starts_on=payload.starts_on)


@router.post(
    "/awards/{award_id}/resume",
    response={200: AwardOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def resume(request: HttpRequest, award_id: int, payload: NoteIn):
    decision = sel.access_decision(request.user, award_id)
    return svc.award_resume(actor=request.user, decision=decision, reason=payload.note)


@router.post(
    "/awards/{award_id}/withdraw",
    response={200: AwardOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def withdraw(request: HttpRequest, award_id: int, payload: ReasonIn):
    decision = sel.access_decision(request.user, award_id)
    return svc.award_withdraw(actor=request.user, decision=decision, reason=payload.reason)


class CancelIn(Schema):
    lot: int | None = None
    reason_code: str
    reason_text: str


class CancellationOut(Schema):
    tender: str
    lot: int | None
    reason_code: str
    reason_text: str
    cancelled_at: dt.datetime

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.tender.reference

    @staticmethod
    def resolve_lot(obj) -> int | None:
        return obj.lot.number if obj.lot_id else None


@router.post(
    "/tenders/{reference}/cancel",
    response={201: CancellationOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def cancel(request: HttpRequest, reference: str, payload: CancelIn):
    """Cancel the whole tender (no ``lot``) or one lot, with a reason code and text."""
    tender = sel.access_tender_for_awards(request.user, reference, perm="awards.decide")
    lot = None
    if payload.lot is not None:
        lot = tender.lots.filter(number=payload.lot).first()
        if lot is None:
            raise NotFound()
    c = svc.tender_cancel(
        actor=request.user,
        tender=tender,
        lot=lot,
        reason_code=payload.reason_code,
        reason_text=payload.reason_text,
    )
    return Status(201, c)


class LetterOut(Schema):
    id: int
    tender: str
    lot: int | None
    bid: str
    html: str
    easy_read_url: str
    generated_at: dt.datetime

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.decision.tender.reference

    @staticmethod
    def resolve_lot(obj) -> int | None:
        return obj.decision.lot.number if obj.decision.lot_id else None

    @staticmethod
    def resolve_bid(obj) -> str:
        return obj.bid.reference

    @staticmethod
    def resolve_easy_read_url(obj) -> str:
        return reverse("awards:letter_easy_read", args=[obj.pk])


@router.get("/letters", response=list[LetterOut], auth=django_auth)
def my_letters(request: HttpRequest):
    """Assessment summaries for the organisations the signed-in person belongs to."""
    return sel.letters_for_user(request.user)


@router.get("/letters/{letter_id}", response={200: LetterOut, 404: ErrorOut}, auth=django_auth)
def get_letter(request: HttpRequest, letter_id: int):
    """One assessment summary (the bidder's organisations and council staff only).

    404 for staff who declared a conflict of interest with the letter's bid or the winning
    bid (the letter shows both)."""
    letter = sel.access_letter(request.user, letter_id)
    if conflicted_bid_ids(request.user, letter.decision.tender) & {
        letter.bid_id,
        letter.decision.winning_bid_id,
    }:
        raise NotFound()
    return letter


@router.get(
    "/contracts",
    response={200: list[ContractOut], 404: ErrorOut},
    auth=django_auth,
    tags=["contracts"],
)
def contracts(request: HttpRequest):
    """Every contract (council staff)."""
    return list(contract_list(user=request.user)[:500])
