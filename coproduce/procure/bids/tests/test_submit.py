"""Submitting, withdrawing and re-confirming bids: receipts, checks, lateness, amendments."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids import services_submit
from coproduce.procure.bids.models import (
    Bid,
    BidStatus,
    BidSubmission,
    ConsortiumMember,
    LateAttempt,
)
from coproduce.procure.bids.selectors import draft_content, needs_reconfirmation
from coproduce.procure.bids.services_submit import bid_reconfirm, bid_submit, bid_withdraw
from coproduce.procure.tenders.models import Amendment

from .test_sealing_support import (
    ANSWER,
    PRICE,
    add_file,
    make_bid,
    make_tender,
    questions,
    require,
    write_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner):
    return make_tender(commissioner)


def test_submit_gives_a_receipt_seals_the_content_and_emails_it(
    tender, django_capture_on_commit_callbacks
):
    bid = make_bid(tender)
    user = bid.created_by
    with django_capture_on_commit_callbacks(execute=True):
        sub = bid_submit(actor=user, bid=bid)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED and sub.number == 1
    assert len(sub.receipt_hash) == 64 and bid.receipt_hash == sub.receipt_hash
    assert ANSWER.encode() not in bytes(bid.sealed)
    assert mail.outbox[-1].to == [user.email]
    assert bid.reference in mail.outbox[-1].body and sub.receipt_hash in mail.outbox[-1].body
    event = AuditEvent.objects.get(verb="bids.bid.submitted")
    dumped = json.dumps(event.changes)
    assert sub.receipt_hash in dumped and ANSWER not in dumped and str(PRICE) not in dumped


def test_receipt_hash_is_sha256_of_the_canonical_content(tender):
    bid = make_bid(tender)
    sub = bid_submit(actor=bid.created_by, bid=bid)
    content = services_submit.canonical_content(bid, draft_content(bid))
    assert hashlib.sha256(content).hexdigest() == sub.receipt_hash
    assert json.loads(content)["draft"]["answers"]


def test_double_submit_returns_the_same_receipt(tender):
    bid = make_bid(tender)
    first = bid_submit(actor=bid.created_by, bid=bid)
    again = bid_submit(actor=bid.created_by, bid=bid)
    assert again.pk == first.pk and BidSubmission.objects.filter(bid=bid).count() == 1


def test_someone_outside_the_organisation_gets_not_found(tender, commissioner, platform_admin):
    bid = make_bid(tender)
    other, _ = make_member(role="admin")
    for who in (other, commissioner, platform_admin):
        with pytest.raises(NotFound):
            bid_submit(actor=who, bid=bid)
    assert not BidSubmission.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("over_limit", "answer_too_long"),
        ("no_answer", "answer_missing"),
        ("no_price", "price_missing"),
    ],
)
def test_bad_content_is_refused_and_nothing_stored(tender, change, code):
    bid = make_bid(tender)
    q = questions(tender)
    answers = {str(q[0].pk): ANSWER, str(q[1].pk): "Jobs."}
    prices = {"whole": PRICE}
    if change == "over_limit":
        answers[str(q[0].pk)] = "word " * 11
    elif change == "no_answer":
        answers[str(q[1].pk)] = "  "
    else:
        prices = {}
    write_draft(bid, bid.created_by, {"answers": answers, "prices": prices, "lots": []})
    with pytest.raises(ServiceError) as err:
        bid_submit(actor=bid.created_by, bid=bid)
    assert err.value.code == code
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT and not bid.sealed
    assert (
        not BidSubmission.objects.exists()
        and not AuditEvent.objects.filter(verb="bids.bid.submitted").exists()
    )


def test_a_missing_mandatory_document_is_refused(tender):
    require(tender)
    bid = make_bid(tender)
    with pytest.raises(ServiceError) as err:
        bid_submit(actor=bid.created_by, bid=bid)
    assert err.value.code == "document_missing" and "Insurance certificate" in err.value.message
    add_file(bid, bid.created_by, requirement="Insurance certificate")
    assert bid_submit(actor=bid.created_by, bid=bid).number == 1


def test_lots_must_be_chosen_and_priced(commissioner):
    tender = make_tender(commissioner, lots=2)
    bid = make_bid(tender, lots=[])
    with pytest.raises(ServiceError) as err:
        bid_submit(actor=bid.created_by, bid=bid)
    assert err.value.code == "lots_missing"
    lot = tender.lots.first()
    bid2 = make_bid(tender, lots=[lot])
    bid_submit(actor=bid2.created_by, bid=bid2)
    assert list(bid2.lots.all()) == [lot]


def test_consortium_partners_must_confirm(tender):
    bid = make_bid(tender)
    _, partner = make_member(role="admin", name="Partner CIC")
    lead = bid.members.get(is_lead=True)
    lead.share_percent = Decimal(60)
    lead.save()
    member = ConsortiumMember.objects.create(
        bid=bid, organisation=partner, role="Delivery", share_percent=Decimal(40)
    )
    Bid.objects.filter(pk=bid.pk).update(is_consortium=True)
    bid.refresh_from_db()
    with pytest.raises(ServiceError) as err:
        bid_submit(actor=bid.created_by, bid=bid)
    assert err.value.code == "members_unconfirmed" and "Partner CIC" in err.value.message
    member.confirmed_at = timezone.now()
    member.save()
    assert bid_submit(actor=bid.created_by, bid=bid).number == 1


def test_a_late_bid_is_refused_and_the_refusal_is_recorded(tender, monkeypatch):
    bid = make_bid(tender)
    late = tender.deadline + dt.timedelta(seconds=1)
    monkeypatch.setattr(services_submit, "_now", lambda: late)
    with pytest.raises(ServiceError) as err:
        bid_submit(actor=bid.created_by, bid=bid)
    assert err.value.code == "late" and "closing time" in err.value.message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT and not BidSubmission.objects.exists()
    attempt = LateAttempt.objects.get()
    assert attempt.organisation == bid.lead_organisation and attempt.attempted_at == late
    assert AuditEvent.objects.filter(verb="bids.bid.late_refused").exists()


def test_a_request_started_before_the_deadline_is_accepted_within_the_grace(tender, monkeypatch):
    bid = make_bid(tender)
    monkeypatch.setattr(services_submit, "_now", lambda: tender.deadline + dt.timedelta(seconds=3))
    sub = bid_submit(
        actor=bid.created_by, bid=bid, started_at=tender.deadline - dt.timedelta(seconds=1)
    )
    assert sub.number == 1 and sub.started_at < tender.deadline < sub.submitted_at


def test_a_request_started_before_but_processed_after_the_grace_is_late(tender, monkeypatch):
    bid = make_bid(tender)
    monkeypatch.setattr(services_submit, "_now", lambda: tender.deadline + dt.timedelta(seconds=6))
    with pytest.raises(ServiceError) as err:
        bid_submit(
            actor=bid.created_by, bid=bid, started_at=tender.deadline - dt.timedelta(seconds=1)
        )
    assert err.value.code == "late"
    assert LateAttempt.objects.count() == 1


def test_withdraw_and_resubmit_before_the_deadline_numbers_submissions(tender):
    bid = make_bid(tender)
    user = bid.created_by
    bid_submit(actor=user, bid=bid)
    bid = bid_withdraw(actor=user, bid=bid)
    assert bid.status == BidStatus.WITHDRAWN and bid.sealed is None
    assert bid_withdraw(actor=user, bid=bid).status == BidStatus.WITHDRAWN  # idempotent
    second = bid_submit(actor=user, bid=bid)
    assert second.number == 2
    assert list(bid.submissions.values_list("number", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(verb="bids.bid.withdrawn").count() == 1


def test_withdrawing_after_the_deadline_is_refused(tender, monkeypatch):
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    monkeypatch.setattr(services_submit, "_now", lambda: tender.deadline)
    with pytest.raises(ServiceError) as err:
        bid_withdraw(actor=bid.created_by, bid=bid)
    assert err.value.code == "late"


def _amend(tender, commissioner):
    return Amendment.objects.create(
        tender=tender,
        number=1,
        summary="Lot 2 changed.",
        reason="Feedback.",
        previous_deadline=tender.deadline,
        new_deadline=tender.deadline,
        reconfirm_required=True,
        made_by=commissioner,
        made_at=timezone.now(),
    )


def test_after_an_amendment_the_bid_needs_confirming_again(tender, commissioner):
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    bid.refresh_from_db()
    assert needs_reconfirmation(bid) is False
    _amend(tender, commissioner)
    assert needs_reconfirmation(bid) is True
    sub = bid_reconfirm(actor=bid.created_by, bid=bid)
    assert sub.number == 2 and sub.reconfirms_amendment == 1
    assert sub.receipt_hash == bid.receipt_hash
    assert needs_reconfirmation(bid) is False
    assert bid_reconfirm(actor=bid.created_by, bid=bid).pk == sub.pk  # idempotent
    assert AuditEvent.objects.filter(verb="bids.bid.reconfirmed").count() == 1


def test_resubmitting_unchanged_content_after_an_amendment_confirms_it(tender, commissioner):
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    _amend(tender, commissioner)
    sub = bid_submit(actor=bid.created_by, bid=bid)
    assert sub.number == 2 and sub.reconfirms_amendment == 1
