"""REST endpoints for opened bids (a django-ninja Router added to the API in api.py).

Before the tender's bids are opened every endpoint answers 404, exactly as for a tender
that has no bids: the API never reveals a bid, a count or a price before then.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from coproduce.procure.bids.selectors import conflict_message, needs_reconfirmation, opened_bids
from coproduce.procure.panels.selectors import conflicted_bid_ids
from coproduce.procure.tenders.selectors import access_tender_by_reference

router = Router(tags=["bids"])


class BidPriceOut(Schema):
    lot: int | None
    price_pence: int


class BidAnswerOut(Schema):
    criterion_id: int
    criterion: str
    text: str
    word_count: int


class OpenedBidOut(Schema):
    reference: str
    lead_organisation: str
    is_consortium: bool
    members: list[str]
    submitted_at: dt.datetime
    receipt_hash: str
    compliance: str
    compliance_notes: str
    needs_reconfirmation: bool
    prices: list[BidPriceOut]
    answers: list[BidAnswerOut]
    hidden: str = ""  # set when you declared a conflict of interest: content left out


@router.get(
    "/opportunities/{reference}/bids",
    response=list[OpenedBidOut],
    auth=django_auth,
    summary="Opened bids of a tender (council staff, after opening; 404 before)",
)
def list_opened_bids(request: HttpRequest, reference: str):
    tender = access_tender_by_reference(request.user, reference)
    bids = opened_bids(user=request.user, tender=tender).prefetch_related(
        "prices__lot", "answers__criterion"
    )
    conflicted = conflicted_bid_ids(request.user, tender)
    return [_hidden_bid(b) if b.pk in conflicted else _bid(b) for b in bids]


def _hidden_bid(b) -> dict:
    """A bid the caller declared a conflict of interest with: who, never what."""
    return {
        **_who(b),
        "receipt_hash": "",
        "compliance_notes": "",
        "needs_reconfirmation": False,
        "prices": [],
        "answers": [],
        "hidden": conflict_message(),
    }


def _who(b) -> dict:
    """What anyone who may list opened bids sees of a bid, conflicted or not."""
    return {
        "reference": b.reference,
        "lead_organisation": b.lead_organisation.name,
        "is_consortium": b.is_consortium,
        "members": [m.organisation.name for m in b.members.all()],
        "submitted_at": b.submitted_at,
        "compliance": b.compliance,
    }


def _bid(b) -> dict:
    return {
        **_who(b),
        "receipt_hash": b.receipt_hash,
        "compliance_notes": b.compliance_notes,
        "needs_reconfirmation": needs_reconfirmation(b),
        "prices": [
            {"lot": p.lot.number if p.lot else None, "price_pence": p.price_pence}
            for p in b.prices.all()
        ],
        "answers": [
            {
                "criterion_id": a.criterion_id,
                "criterion": a.criterion.title,
                "text": a.text,
                "word_count": a.word_count,
            }
            for a in b.answers.all()
        ],
    }
