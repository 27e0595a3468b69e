"""Bids for tests in this app and the apps above it (panels, awards, complaints).

``make_submitted_bid`` writes the rows ``bid_submit`` and ``bids_open`` would leave, so
panel and award tests do not depend on sealing and opening, which are tested here
through the services.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind
from coproduce.procure.bids.models import Bid, BidAnswer, BidPrice, BidStatus

_numbers = itertools.count(1)


def make_submitted_bid(
    tender,
    *,
    price_pence: int,
    lots=None,
    org=None,
    user=None,
    submitted_at: dt.datetime | None = None,
    opened: bool = True,
    answers: bool = True,
    compliance: str = "",
) -> Bid:
    """A submitted bid (opened unless ``opened`` is false) with a price per lot, or one
    price for the whole tender, and, when ``answers``, an answer to each question.

    ``user`` submits it for ``org`` (a new provider and organisation, with the provider
    as its admin, when not given). Unless ``submitted_at`` is given, each bid made is
    submitted an hour earlier than the one before, so their order is fixed.
    """
    n = next(_numbers)
    user = user or UserFactory(role="provider")
    org = org or OrganisationFactory(admin=user)
    bid = Bid.objects.create(
        reference=f"B-2026-{n:05d}",
        tender=tender,
        lead_organisation=org,
        created_by=user,
        status=BidStatus.SUBMITTED,
        submitted_at=submitted_at or tender.deadline - dt.timedelta(hours=n),
        submitted_by=user,
        receipt_hash="a" * 64,
        submission_count=1,
        opened_at=timezone.now() if opened else None,
        compliance=compliance,
    )
    if answers:
        questions = Criterion.objects.filter(
            model=tender.evaluation_model, parent__isnull=False
        ).exclude(kind=CriterionKind.PRICE)
        for c in questions:
            BidAnswer.objects.create(
                bid=bid, criterion=c, text=f"Our answer to {c.title} from {org.name}.", word_count=7
            )
    if lots:
        bid.lots.set(lots)
        for lot in lots:
            BidPrice.objects.create(bid=bid, lot=lot, price_pence=price_pence)
    else:
        BidPrice.objects.create(bid=bid, lot=None, price_pence=price_pence)
    return bid
