"""REST endpoints for bidders: their own organisations' bids only (a Router added in api.py).

Before and after the closing date, a bid is visible here only to members of its lead or
partner organisations; everybody else (council staff and administrators included) gets
404, exactly as for a bid that does not exist. Documents are named by their random public
id, never by a sequential row id.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from coproduce.procure.bids.selectors import bid_files_readable
from coproduce.procure.bids.selectors_bidder import access_bid_as_member, bidder_bids
from coproduce.procure.bids.services_draft import bid_draft_load

from .schemas import ErrorOut

router = Router(tags=["bids"])


class MyBidOut(Schema):
    reference: str
    tender: str
    tender_title: str
    lead_organisation: str
    status: str
    submitted_at: dt.datetime | None
    receipt_hash: str
    deadline: dt.datetime | None

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.tender.reference

    @staticmethod
    def resolve_tender_title(obj) -> str:
        return obj.tender.title

    @staticmethod
    def resolve_lead_organisation(obj) -> str:
        return obj.lead_organisation.slug

    @staticmethod
    def resolve_submitted_at(obj) -> dt.datetime | None:
        return obj.submitted_at if obj.status == "submitted" else None

    @staticmethod
    def resolve_receipt_hash(obj) -> str:
        return obj.receipt_hash if obj.status == "submitted" else ""

    @staticmethod
    def resolve_deadline(obj) -> dt.datetime | None:
        return obj.tender.deadline


class MemberOut(Schema):
    organisation: str
    name: str
    role: str
    share_percent: str
    is_lead: bool
    confirmed: bool


class FileOut(Schema):
    id: str  # the document's public id (random), not a row number
    title: str
    requirement: str
    content_type: str
    size_bytes: int
    sha256: str  # of the file's bytes, decrypted for you (stored encrypted)

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.public_id)


class DraftOut(Schema):
    answers: dict[str, str]
    prices: dict[str, int]
    lots: list[int]


class MyBidDetailOut(MyBidOut):
    members: list[MemberOut]
    files: list[FileOut]
    draft: DraftOut
    submission_count: int

    @staticmethod
    def resolve_members(obj) -> list[dict]:
        return [
            {
                "organisation": m.organisation.slug,
                "name": m.organisation.name,
                "role": m.role,
                "share_percent": str(m.share_percent),
                "is_lead": m.is_lead,
                "confirmed": m.confirmed_at is not None,
            }
            for m in obj.members.select_related("organisation").order_by("-is_lead", "pk")
        ]

    @staticmethod
    def resolve_files(obj) -> list:
        return obj.readable_files

    @staticmethod
    def resolve_draft(obj) -> dict:
        return obj.decrypted_draft


@router.get("/my-bids", response=list[MyBidOut], auth=django_auth, summary="Your bids")
def my_bids(request: HttpRequest):
    """Bids of the organisations you belong to (as lead or partner). Nobody else's."""
    return list(bidder_bids(request.user))


@router.get(
    "/my-bids/{reference}",
    response={200: MyBidDetailOut, 404: ErrorOut},
    auth=django_auth,
    summary="One of your bids, with its working content",
)
def my_bid(request: HttpRequest, reference: str):
    """One bid of your organisations, with its answers and prices decrypted for you."""
    bid = access_bid_as_member(request.user, reference)
    content = bid_draft_load(user=request.user, bid=bid)
    bid.decrypted_draft = {
        "answers": content["answers"],
        "prices": content["prices"],
        "lots": content["lots"],
    }
    bid.readable_files = bid_files_readable(user=request.user, bid=bid)
    return bid
