"""Test helpers: a tender past its deadline with opened, moderated bids, made with the ORM.

The bid, panel and tender services belong to other parts; these helpers write the rows
those services would have written, so the award services can be tested on their own.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

from django.utils import timezone

from coproduce.accounts.models import Organisation
from coproduce.bids.models import Bid, BidPrice, BidStatus, ConsortiumMember, Opening
from coproduce.complaints.tests.helpers import make_tender
from coproduce.evaluation.models import Criterion, CriterionKind, ScaleLevel
from coproduce.panels.models import ModeratedScore, Moderation, ModerationStatus
from coproduce.tenders.models import Lot, Tender
from coproduce.tests.factories import OrganisationFactory, UserFactory, service_area

_n = {"i": 0}

#: (quality score, social value score, price in pence) per bidder, best first.
DEFAULT_BIDS = ((4, 3, 100_000_00), (3, 3, 105_000_00), (2, 2, 110_000_00))


@dataclass
class Built:
    tender: Tender
    lot: Lot | None
    bids: list[Bid]
    users: list  # one member user per bid's lead organisation
    moderation: Moderation
    criteria: list[Criterion] = field(default_factory=list)


def org(**kw) -> Organisation:
    _n["i"] += 1
    kw.setdefault("name", f"Organisation {_n['i']}")
    kw.setdefault("slug", f"organisation-{_n['i']}")
    return OrganisationFactory(**kw)


def make_bid(
    *, tender: Tender, lead: Organisation, user, lot: Lot | None, price: int, opened=True
) -> Bid:
    _n["i"] += 1
    now = timezone.now()
    bid = Bid.objects.create(
        reference=f"B-{_n['i']:05d}",
        tender=tender,
        lead_organisation=lead,
        created_by=user,
        status=BidStatus.SUBMITTED,
        submitted_at=tender.deadline - dt.timedelta(hours=1),
        submitted_by=user,
        receipt_hash="a" * 64,
        submission_count=1,
        opened_at=now if opened else None,
    )
    if lot is not None:
        bid.lots.add(lot)
    BidPrice.objects.create(bid=bid, lot=lot, price_pence=price)
    return bid


def past_tender(commissioner, *, area="employment-skills", value_pence=500_000_00, opened=True):
    """A published tender whose deadline passed 10 days ago (bids opened when ``opened``)."""
    now = timezone.now()
    tender = make_tender(
        actor=commissioner,
        published=True,
        status="closed",
        published_at=now - dt.timedelta(days=60),
        deadline=now - dt.timedelta(days=10),
        service_area=service_area(area),
        value_pence=value_pence,
    )
    if opened:
        Opening.objects.create(tender=tender, opened_by=commissioner, opened_at=now, bids_opened=0)
    return tender


def build(
    commissioner,
    *,
    bids=DEFAULT_BIDS,
    with_lot: bool = False,
    area: str = "employment-skills",
    value_pence: int = 500_000_00,
    complete: bool = True,
) -> Built:
    """A tender ready to award: scale 0–4, one quality (50%), one social value (20%) and
    price (30%) question, bids opened and moderation complete (unless ``complete`` is
    False)."""
    tender = past_tender(commissioner, area=area, value_pence=value_pence)
    model = tender.evaluation_model
    for s in range(5):
        ScaleLevel.objects.create(model=model, score=s, label=str(s), descriptor=f"Level {s}")
    groups = {}
    criteria = []
    for pos, (kind, title, weight) in enumerate(
        [
            (CriterionKind.QUALITY, "How you involve people", 50),
            (CriterionKind.SOCIAL_VALUE, "Local jobs", 20),
            (CriterionKind.PRICE, "Price", 30),
        ],
        start=1,
    ):
        groups[kind] = Criterion.objects.create(
            model=model, kind=kind, position=pos, title=kind.label, weight_percent=weight
        )
        criteria.append(
            Criterion.objects.create(
                model=model,
                parent=groups[kind],
                kind=kind,
                position=1,
                title=title,
                question=f"{title}?",
                weight_percent=weight,
            )
        )
    lot = (
        Lot.objects.create(tender=tender, number=1, title="North", value_pence=value_pence)
        if with_lot
        else None
    )
    moderation = Moderation.objects.create(
        tender=tender,
        lot=lot,
        status=ModerationStatus.COMPLETE if complete else ModerationStatus.MODERATING,
        started_at=timezone.now(),
        completed_at=timezone.now() if complete else None,
    )
    made, users = [], []
    for i, (q, sv, price) in enumerate(bids):
        user = UserFactory(role="provider")
        lead = org(admin=user)
        bid = make_bid(tender=tender, lead=lead, user=user, lot=lot, price=price)
        for crit, score in ((criteria[0], q), (criteria[1], sv)):
            ModeratedScore.objects.create(
                moderation=moderation,
                bid=bid,
                criterion=crit,
                score=score,
                reason=f"Bid {i + 1} on {crit.title}: evidence scored {score}.",
                agreed_by=commissioner,
                agreed_at=timezone.now(),
            )
        made.append(bid)
        users.append(user)
    return Built(
        tender=tender, lot=lot, bids=made, users=users, moderation=moderation, criteria=criteria
    )


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2 with a core font (streams inflated)."""
    out = []
    raw = bytes(data)
    start = 0
    while True:
        i = raw.find(b"stream", start)
        if i < 0:
            break
        body_start = raw.find(b"\n", i) + 1
        end = raw.find(b"endstream", body_start)
        chunk = raw[body_start:end].rstrip(b"\r\n")
        try:
            out.append(zlib.decompress(chunk).decode("latin-1"))
        except zlib.error:
            out.append(chunk.decode("latin-1"))
        start = end + 9
    return "\n".join(out)


def add_member(bid: Bid, organisation: Organisation, share: str, *, lead=False) -> None:
    bid.is_consortium = True
    bid.save(update_fields=["is_consortium"])
    ConsortiumMember.objects.create(
        bid=bid,
        organisation=organisation,
        role="Delivery" if not lead else "Lead",
        share_percent=share,
        is_lead=lead,
        confirmed_at=timezone.now(),
    )
