"""Builders for the sealing, submission, opening and leak tests (no tests here).

Tenders are made straight in the database in the state a test needs; drafts are written
encrypted exactly as ``services_draft`` stores them (``sealing.encrypt_for_bid`` of the
draft JSON), so these tests do not depend on the bidder pages.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind, EvaluationModel
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus
from coproduce.procure.tenders.tests import factories

from .. import sealing
from ..models import Bid, BidDraft, BidFile, ConsortiumMember, RequiredDocument

_n = itertools.count(1)

ANSWER = "Our unmistakable zebracorn answer about choice"
PRICE = 987_654_32  # £987,654.32 (shown as "987,654.32")
PRICE_TEXT = "987,654.32"


def make_tender(
    actor,
    *,
    deadline: dt.datetime | None = None,
    lots: int = 0,
    reserved_for: str = "",
    lot_reserved_for: str = "",
    status: str = TenderStatus.OPEN,
    word_limit: int = 10,
) -> Tender:
    """A published open tender with two questions (Q1 has ``word_limit``) and a price criterion."""
    project = make_project(actor=actor, published=True)
    model = EvaluationModel.objects.create(project=project, title="Scoring", created_by=actor)
    Criterion.objects.create(
        model=model,
        kind=CriterionKind.QUALITY,
        position=1,
        title="Choice",
        question="How will people choose?",
        word_limit=word_limit,
        weight_percent=Decimal(40),
    )
    Criterion.objects.create(
        model=model,
        kind=CriterionKind.SOCIAL_VALUE,
        position=2,
        title="Local jobs",
        question="What jobs will you create?",
        weight_percent=Decimal(20),
    )
    Criterion.objects.create(
        model=model, kind=CriterionKind.PRICE, position=3, title="Price", weight_percent=Decimal(40)
    )
    now = timezone.now()
    published = status != TenderStatus.DRAFT
    tender = factories.make_tender(
        actor=actor,
        status=status,
        project=project,
        evaluation_model=model,
        reserved_for=reserved_for,
        published_at=now - dt.timedelta(days=30) if published else None,
        deadline=deadline or (now + dt.timedelta(days=10) if published else None),
        lots=lots,
    )
    if lot_reserved_for:
        tender.lots.filter(number=1).update(reserved_for=lot_reserved_for)
    return tender


def questions(tender: Tender) -> list[Criterion]:
    return list(
        Criterion.objects.filter(model_id=tender.evaluation_model_id)
        .exclude(kind=CriterionKind.PRICE)
        .order_by("position")
    )


def write_draft(bid: Bid, user, content: dict) -> None:
    wrapped, ciphertext = sealing.encrypt_for_bid(json.dumps(content).encode())
    BidDraft.objects.update_or_create(
        bid=bid,
        defaults={"wrapped_data_key": wrapped, "ciphertext": ciphertext, "updated_by": user},
    )


def make_bid(
    tender: Tender,
    *,
    user=None,
    org=None,
    answer: str = ANSWER,
    price: int = PRICE,
    lots: list[Lot] | None = None,
) -> Bid:
    """A complete, submittable draft bid by a single organisation."""
    if user is None:
        user, org = make_member(org, role="admin")
    bid = Bid.objects.create(
        reference=f"B-{next(_n):06d}",
        tender=tender,
        lead_organisation=org,
        created_by=user,
    )
    ConsortiumMember.objects.create(
        bid=bid,
        organisation=org,
        role="Lead",
        share_percent=Decimal(100),
        is_lead=True,
        confirmed_at=timezone.now(),
        confirmed_by=user,
    )
    q = questions(tender)
    if lots is None:
        lots = list(tender.lots.all())
    prices = {str(lot.pk): price for lot in lots} if lots else {"whole": price}
    write_draft(
        bid,
        user,
        {
            "answers": {
                str(q[0].pk): answer,
                str(q[1].pk): "Ten apprenticeships for local people.",
            },
            "prices": prices,
            "lots": [lot.pk for lot in lots],
            "members": [],
        },
    )
    return bid


def add_file(
    bid: Bid, user, *, requirement: str = "", data: bytes = b"%PDF-1.4 insurance"
) -> BidFile:
    return BidFile.objects.create(
        bid=bid,
        requirement=requirement,
        content_type="application/pdf",
        size_bytes=len(data),
        uploaded_by=user,
        **sealing.file_fields(bid_id=bid.pk, title=requirement or "Extra", data=data),
    )


def require(tender: Tender, name: str = "Insurance certificate") -> RequiredDocument:
    return RequiredDocument.objects.create(tender=tender, name=name, mandatory=True)


def pass_deadline(tender: Tender, seconds: int = 60) -> Tender:
    """Move the deadline into the past (as time passing would)."""
    tender.deadline = timezone.now() - dt.timedelta(seconds=seconds)
    tender.save(update_fields=["deadline"])
    return tender
