"""Preparing a bid: start, encrypted drafts, word limits, partners and documents."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.validation import word_count

from ..models import Bid, BidDraft, BidFile, ConsortiumMember
from ..services_draft import (
    bid_draft_load,
    bid_draft_save,
    bid_file_add,
    bid_file_plaintext,
    bid_file_remove,
    bid_start,
    consortium_member_add,
    consortium_member_confirm,
    consortium_member_decline,
    consortium_member_remove,
    consortium_member_update,
    consortium_shares_set,
)
from .test_bidder_support import (
    PDF_BYTES,
    WORD_LIMIT,
    make_open_tender,
    pdf_upload,
    questions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner):
    return make_open_tender(actor=commissioner, lots=2)


@pytest.fixture
def lead():
    return make_member(name="Riverside Self Advocacy", slug="riverside-self-advocacy")


@pytest.fixture
def bid(tender, lead):
    user, org = lead
    return bid_start(actor=user, tender=tender, organisation=org)


def test_start_gives_reference_lead_member_and_audit(bid, lead):
    _user, org = lead
    # Random, so that it says nothing about how many other bids exist.
    assert re.fullmatch(r"B-[2-9A-Z]{4}-[2-9A-Z]{4}", bid.reference)
    member = ConsortiumMember.objects.get(bid=bid)
    assert member.is_lead and member.organisation == org and member.share_percent == 100
    assert member.confirmed_at is not None
    assert AuditEvent.objects.filter(verb="bids.bid.started", target_id=str(bid.pk)).exists()


def test_starting_again_opens_the_same_bid(bid, tender, lead):
    user, org = lead
    again = bid_start(actor=user, tender=tender, organisation=org)
    assert again.pk == bid.pk
    assert Bid.objects.filter(tender=tender).count() == 1


def test_start_refused_for_someone_outside_the_organisation(tender, lead, provider):
    with pytest.raises(NotFound):
        bid_start(actor=provider, tender=tender, organisation=lead[1])
    assert not Bid.objects.exists()


def test_start_refused_after_the_deadline(commissioner, lead):
    tender = make_open_tender(actor=commissioner)
    tender.deadline = timezone.now() - dt.timedelta(seconds=1)
    tender.save()
    with pytest.raises(ServiceError) as exc:
        bid_start(actor=lead[0], tender=tender, organisation=lead[1])
    assert exc.value.code == "tender_closed"
    assert not Bid.objects.exists()


def test_draft_is_stored_only_encrypted(bid, lead, tender):
    secret = "Our unmistakable plaintext answer"
    q = questions(tender)[1]
    bid_draft_save(actor=lead[0], bid=bid, answers={q.pk: secret})
    row = BidDraft.objects.get(bid=bid)
    stored = bytes(row.wrapped_data_key) + bytes(row.ciphertext)
    assert secret.encode() not in stored
    assert b"unmistakable" not in stored
    assert bid_draft_load(user=lead[0], bid=bid)["answers"][str(q.pk)] == secret
    event = AuditEvent.objects.get(verb="bids.draft.saved")
    assert secret not in str(event.changes)


def test_word_limit_exactly_at_the_limit_is_saved(bid, lead, tender):
    q = questions(tender)[0]
    text = " ".join(["word"] * WORD_LIMIT)
    assert word_count(text) == WORD_LIMIT
    bid_draft_save(actor=lead[0], bid=bid, answers={q.pk: text})
    assert bid_draft_load(user=lead[0], bid=bid)["answers"][str(q.pk)] == text


def test_word_limit_one_over_is_refused_and_nothing_saved(bid, lead, tender):
    q = questions(tender)[0]
    before = bytes(BidDraft.objects.get(bid=bid).ciphertext)
    with pytest.raises(ServiceError) as exc:
        bid_draft_save(actor=lead[0], bid=bid, answers={q.pk: " ".join(["word"] * 6)})
    assert exc.value.code == "over_word_limit"
    assert "5 words or fewer" in exc.value.message
    assert bytes(BidDraft.objects.get(bid=bid).ciphertext) == before
    assert bid_draft_load(user=lead[0], bid=bid)["answers"] == {}


def test_prices_need_a_chosen_lot_and_a_positive_amount(bid, lead, tender):
    lot1, lot2 = tender.lots.order_by("number")
    with pytest.raises(ServiceError) as exc:
        bid_draft_save(actor=lead[0], bid=bid, prices={lot1.pk: 100})
    assert exc.value.code == "lot_not_chosen"
    bid_draft_save(actor=lead[0], bid=bid, lots=[lot1.pk, lot2.pk])
    with pytest.raises(ServiceError) as exc:
        bid_draft_save(actor=lead[0], bid=bid, prices={lot1.pk: 0})
    assert exc.value.code == "price_not_positive"
    bid_draft_save(actor=lead[0], bid=bid, prices={lot1.pk: 123_45, lot2.pk: 200_00})
    bid_draft_save(actor=lead[0], bid=bid, lots=[lot2.pk])
    content = bid_draft_load(user=lead[0], bid=bid)
    assert content["lots"] == [lot2.pk]
    assert content["prices"] == {str(lot2.pk): 200_00}
    assert list(bid.lots.all()) == [lot2]


def test_no_lots_chosen_is_refused(bid, lead):
    with pytest.raises(ServiceError) as exc:
        bid_draft_save(actor=lead[0], bid=bid, lots=[])
    assert exc.value.code == "lots_required"


def test_draft_refused_for_other_organisation_and_staff(bid, tender, commissioner, platform_admin):
    other, _ = make_member()
    q = questions(tender)[1]
    for user in (other, commissioner, platform_admin):
        with pytest.raises(NotFound):
            bid_draft_save(actor=user, bid=bid, answers={q.pk: "x"})
        with pytest.raises(NotFound):
            bid_draft_load(user=user, bid=bid)


def test_draft_refused_after_the_deadline(bid, lead, tender):
    tender.deadline = timezone.now() - dt.timedelta(minutes=1)
    tender.save()
    with pytest.raises(ServiceError) as exc:
        bid_draft_save(actor=lead[0], bid=bid, answers={questions(tender)[1].pk: "late"})
    assert exc.value.code == "tender_closed"


# --- partners ---


def test_adding_a_partner_takes_its_share_from_the_lead(bid, lead):
    _partner_user, partner = make_member(name="Local Carers Charity")
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Delivers lot 2", share_percent="40"
    )
    bid.refresh_from_db()
    assert bid.is_consortium
    lead_row = ConsortiumMember.objects.get(bid=bid, is_lead=True)
    assert lead_row.share_percent == Decimal("60.00")
    assert member.confirmed_at is None
    members = bid_draft_load(user=lead[0], bid=bid)["members"]
    assert [m["organisation"] for m in members] == [lead[1].slug, partner.slug]


def test_shares_not_adding_up_to_100_are_refused(bid, lead):
    _, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    lead_row = ConsortiumMember.objects.get(bid=bid, is_lead=True)
    with pytest.raises(ServiceError) as exc:
        consortium_shares_set(
            actor=lead[0], bid=bid, shares={lead_row.public_id: 60, member.public_id: 30}
        )
    assert exc.value.code == "shares_not_100"
    assert "90%" in exc.value.message
    member.refresh_from_db()
    assert member.share_percent == 30
    consortium_shares_set(
        actor=lead[0], bid=bid, shares={lead_row.public_id: 55, member.public_id: 45}
    )
    member.refresh_from_db()
    assert member.share_percent == 45


def test_partner_share_cannot_leave_the_lead_with_nothing(bid, lead):
    _, partner = make_member()
    with pytest.raises(ServiceError) as exc:
        consortium_member_add(
            actor=lead[0], bid=bid, organisation=partner, role="All of it", share_percent=100
        )
    assert exc.value.code == "share_range"
    assert ConsortiumMember.objects.filter(bid=bid).count() == 1


def test_partner_confirms_from_its_own_account_only(bid, lead, commissioner):
    partner_user, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=20
    )
    for user in (lead[0], commissioner, make_member()[0]):
        with pytest.raises(NotFound):
            consortium_member_confirm(actor=user, member=member)
    member.refresh_from_db()
    assert member.confirmed_at is None
    consortium_member_confirm(actor=partner_user, member=member)
    member.refresh_from_db()
    assert member.confirmed_by == partner_user
    assert AuditEvent.objects.filter(verb="bids.member.confirmed").exists()


def test_changing_a_partner_clears_its_confirmation(bid, lead):
    partner_user, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=20
    )
    consortium_member_confirm(actor=partner_user, member=member)
    consortium_member_update(actor=lead[0], member=member, role="Transport", share_percent=25)
    member.refresh_from_db()
    assert member.confirmed_at is None
    assert ConsortiumMember.objects.get(bid=bid, is_lead=True).share_percent == 75


def test_decline_and_remove_give_the_share_back(bid, lead):
    partner_user, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=20
    )
    consortium_member_decline(actor=partner_user, member=member)
    assert ConsortiumMember.objects.get(bid=bid, is_lead=True).share_percent == 100
    bid.refresh_from_db()
    assert not bid.is_consortium
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=20
    )
    consortium_member_remove(actor=lead[0], member=member)
    assert ConsortiumMember.objects.filter(bid=bid).count() == 1


def test_partner_member_can_read_the_draft(bid, lead):
    partner_user, partner = make_member()
    consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=20
    )
    assert bid_draft_load(user=partner_user, bid=bid)["members"][1]["role"] == "Transport"
    with pytest.raises(NotFound):
        bid_draft_save(actor=partner_user, bid=bid, lots=[])


# --- documents ---


def test_pdf_is_stored_encrypted_and_readable(bid, lead):
    bid_file = bid_file_add(
        actor=lead[0],
        bid=bid,
        upload=pdf_upload(),
        title="Insurance",
        requirement="Insurance certificate",
    )
    assert bid_file.content_type == "application/pdf"
    assert PDF_BYTES not in bytes(bid_file.ciphertext)
    assert bid_file_plaintext(bid_file) == PDF_BYTES
    again = bid_file_add(
        actor=lead[0], bid=bid, upload=pdf_upload(), title="Insurance", requirement=""
    )
    assert again.pk == bid_file.pk
    bid_file_remove(actor=lead[0], bid_file=bid_file)
    assert not BidFile.objects.exists()


def test_a_pdf_that_is_really_a_web_page_is_refused(bid, lead):
    fake = pdf_upload("policy.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    with pytest.raises(ServiceError) as exc:
        bid_file_add(actor=lead[0], bid=bid, upload=fake, title="Policy", requirement="")
    assert exc.value.code == "file_type_not_allowed"
    assert not BidFile.objects.exists()


def test_file_refused_for_other_organisation(bid):
    other, _ = make_member()
    with pytest.raises(NotFound):
        bid_file_add(actor=other, bid=bid, upload=pdf_upload(), title="x", requirement="")


def test_file_over_the_size_rule_is_refused(bid, lead, monkeypatch):
    monkeypatch.setattr(
        "coproduce.procure.bids.services_draft.upload_limit_bytes", lambda on=None: (10, "10 bytes")
    )
    with pytest.raises(ServiceError) as exc:
        bid_file_add(actor=lead[0], bid=bid, upload=pdf_upload(), title="x", requirement="")
    assert exc.value.code == "file_too_large"
