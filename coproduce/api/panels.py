"""REST endpoints for evaluation panels (a django-ninja Router added to the API in api.py).

* ``GET /api/opportunities/{reference}/ranking`` — council staff, once moderation is
  complete (per lot); 404 for everyone else and before completion. A bid the caller
  declared a conflict of interest with keeps its place and name, but its figures are
  null, ``per_criterion`` is empty and ``hidden`` says why.
* ``GET /api/panel/my-scoring`` — the signed-in panel member's seats: the bids (after
  declaring, never conflicted ones) and questions allotted to them. Works for council
  accounts and for the panel-only session of members without accounts; 404 otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from coproduce.foundation.core.errors import NotFound
from coproduce.procure.bids.hooks import CONFLICT_HIDDEN
from coproduce.procure.panels import selectors as sel
from coproduce.procure.panels.models import ModerationStatus

from .schemas import ErrorOut

router = Router(tags=["panels"])


class CriterionResultOut(Schema):
    criterion_id: int
    title: str
    moderated_score: int
    weight: Decimal
    weighted_points: Decimal
    reason: str


class RankedBidOut(Schema):
    rank: int
    bid: str
    organisation: str
    quality: Decimal | None
    social_value: Decimal | None
    price_pence: int | None
    price_score: Decimal | None
    total: Decimal | None
    tie_break: str
    abnormally_low: bool
    per_criterion: list[CriterionResultOut]
    hidden: str = ""


class LotRankingOut(Schema):
    lot: int | None
    tie_break_note: str
    bids: list[RankedBidOut]


@router.get(
    "/opportunities/{reference}/ranking",
    response={200: list[LotRankingOut], 404: ErrorOut},
    summary="Ranking after moderation (council staff)",
)
def opportunity_ranking(request: HttpRequest, reference: str):
    """Each lot's ranking, for lots whose moderation is complete. 404 until one is."""
    tender = sel.access_panel_tender(request.user, reference, "panels.view_ranking")
    out = []
    for lot in sel.moderation_units(tender):
        mod = sel.moderation_for(tender, lot)
        if mod is None or mod.status != ModerationStatus.COMPLETE:
            continue
        ranked = sel.hide_conflicted(sel.ranking(tender=tender, lot=lot), request.user)
        out.append(
            {
                "lot": lot.number if lot else None,
                "tie_break_note": mod.tie_break_note,
                "bids": [
                    {
                        "rank": r.rank,
                        "bid": r.bid.reference,
                        "organisation": r.bid.lead_organisation.name,
                        "quality": None,
                        "social_value": None,
                        "price_pence": None,
                        "price_score": None,
                        "total": None,
                        "tie_break": "",
                        "abnormally_low": False,
                        "per_criterion": [],
                        "hidden": CONFLICT_HIDDEN,
                    }
                    if r.hidden
                    else {
                        "rank": r.rank,
                        "bid": r.bid.reference,
                        "organisation": r.bid.lead_organisation.name,
                        "quality": r.quality,
                        "social_value": r.social_value,
                        "price_pence": r.price_pence,
                        "price_score": r.price_score,
                        "total": r.total,
                        "tie_break": r.tie_break,
                        "abnormally_low": r.abnormally_low,
                        "per_criterion": [
                            {
                                "criterion_id": c.criterion.pk,
                                "title": c.criterion.title,
                                "moderated_score": c.moderated_score,
                                "weight": c.weight,
                                "weighted_points": c.weighted_points,
                                "reason": c.reason,
                            }
                            for c in r.per_criterion
                        ],
                    }
                    for r in ranked
                ],
            }
        )
    if not out:
        raise NotFound()
    return out


class ScoringBidOut(Schema):
    reference: str
    organisation: str
    submitted: int
    allotted: int
    final: bool


class ScoringCriterionOut(Schema):
    id: int
    title: str
    question: str


class SeatOut(Schema):
    member_id: int
    tender: str
    tender_title: str
    role: str
    is_chair: bool
    declared: bool
    criteria: list[ScoringCriterionOut]
    bids: list[ScoringBidOut]


@router.get(
    "/panel/my-scoring",
    response={200: list[SeatOut], 404: ErrorOut},
    summary="Your panel work (panel members)",
)
def my_scoring(request: HttpRequest):
    """The bids and questions allotted to you on each panel you sit on (never scores of
    other members). Bids appear only after you have declared your interests."""
    session_id = request.session.get(sel.SESSION_KEY)
    seats = sel.members_for_visitor(
        user=request.user, session_member_id=int(session_id) if session_id else None
    )
    if not seats:
        raise NotFound()
    out = []
    for m in seats:
        declared = sel.has_declared(m)
        out.append(
            {
                "member_id": m.pk,
                "tender": m.tender.reference,
                "tender_title": m.tender.title,
                "role": m.role.name,
                "is_chair": m.is_chair,
                "declared": declared,
                "criteria": [
                    {"id": c.pk, "title": c.title, "question": c.question}
                    for c in sel.member_criteria(m)
                ],
                "bids": [
                    {
                        "reference": b.reference,
                        "organisation": b.lead_organisation.name,
                        "submitted": done,
                        "allotted": total,
                        "final": final,
                    }
                    for b, done, total, final in (sel.member_progress(m) if declared else [])
                ],
            }
        )
    return out
