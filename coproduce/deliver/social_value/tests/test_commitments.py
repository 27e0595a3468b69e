"""Promises on a contract, delivery with evidence, and the officer's check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.deliver.social_value import selectors as sel
from coproduce.deliver.social_value import services as svc
from coproduce.deliver.social_value.models import (
    Commitment,
    CommitmentStatus,
    Delivery,
    DeliveryStatus,
)
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import services as award_svc
from coproduce.procure.awards.tests.helpers import build
from coproduce.procure.bids.models import BidAnswer

from .factories import import_table, make_commitment, make_contract, pdf, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commissioner):
    import_table(commissioner)
    member, org = make_member(role="admin")
    contract = make_contract(commissioner, provider_org=org)
    return contract, member


def test_a_commissioner_records_an_agreed_promise_valued_with_the_current_table(
    commissioner, world
):
    contract, _member = world
    promise = make_commitment(commissioner, contract, code="VOL", quantity="120.5")
    assert promise.status == CommitmentStatus.AGREED
    assert (promise.code, promise.unit, promise.proxy_pence) == ("VOL", "hour", 1550)
    assert promise.proxy_source == "Example: test value" and promise.price_year == 2024
    assert sel.value_pence(promise.quantity, promise.proxy_pence) == 186_775
    event = AuditEvent.objects.get(verb="social_value.commitment.added")
    assert event.changes["quantity"] == "120.50"


def test_a_provider_proposes_and_the_commissioner_agrees_or_declines_with_a_reason(
    commissioner, world
):
    contract, member = world
    proposal = make_commitment(member, contract, code="PLACE", quantity="10")
    assert proposal.status == CommitmentStatus.PROPOSED
    other = make_commitment(member, contract, code="VOL", quantity="50")
    with pytest.raises(NotFound):
        svc.commitment_decide(actor=member, commitment=proposal, agree=True)
    with pytest.raises(ServiceError) as info:
        svc.commitment_decide(actor=commissioner, commitment=other, agree=False, reason=" ")
    assert info.value.code == "reason_required"
    agreed = svc.commitment_decide(actor=commissioner, commitment=proposal, agree=True)
    assert agreed.status == CommitmentStatus.AGREED and agreed.decided_by == commissioner
    assert svc.commitment_decide(actor=commissioner, commitment=proposal, agree=True) == agreed
    declined = svc.commitment_decide(
        actor=commissioner, commitment=other, agree=False, reason="Not additional to the contract."
    )
    assert declined.decline_reason == "Not additional to the contract."
    with pytest.raises(ServiceError) as info:
        svc.commitment_decide(actor=commissioner, commitment=other, agree=True)
    assert info.value.code == "already_decided"
    assert AuditEvent.objects.filter(verb="social_value.commitment.agreed").count() == 1


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"measure_code": "NOPE"}, "unknown_measure", "measure_code"),
        ({"quantity": "0"}, "not_positive", "quantity"),
        ({"quantity": "-3"}, "not_positive", "quantity"),
        ({"quantity": "abc"}, "invalid_number", "quantity"),
        ({"quantity": "NaN"}, "invalid_number", "quantity"),
        ({"quantity": "Infinity"}, "invalid_number", "quantity"),
        ({"quantity": "1e309"}, "too_large", "quantity"),
        ({"quantity": "1.234"}, "too_precise", "quantity"),
        ({"due_by": None}, "invalid_date", "due_by"),
        ({"due_by": dt.date(1999, 1, 1)}, "due_outside_contract", "due_by"),
        ({"details": "x" * 5001}, "too_long", "details"),
        ({"bid_answer_id": 123}, "unknown_answer", "bid_answer"),
    ],
)
def test_a_bad_promise_is_refused_naming_the_rule_and_nothing_is_saved(
    commissioner, world, change, code, field
):
    contract, _ = world
    values = {"measure_code": "JOBS", "quantity": "2", "due_by": contract.ends_on, "details": ""}
    values.update(change)
    with pytest.raises(ServiceError) as info:
        svc.commitment_add(actor=commissioner, contract=contract, data=svc.CommitmentData(**values))
    assert (info.value.code, info.value.field) == (code, field)
    assert not Commitment.objects.exists()


def test_no_promise_before_there_is_a_measure_table(commissioner):
    contract = make_contract(commissioner)
    with pytest.raises(ServiceError) as info:
        make_commitment(commissioner, contract)
    assert info.value.code == "no_measure_table"


def test_someone_else_cannot_add_promises(commissioner, world, resident, finance):
    contract, _ = world
    stranger, _org = make_member()
    for person in (resident, finance, stranger):
        with pytest.raises(NotFound):
            make_commitment(person, contract)
    assert not Commitment.objects.exists()


def test_delivery_counts_only_once_verified_and_only_verified_is_valued(commissioner, world):
    contract, member = world
    promise = make_commitment(commissioner, contract, code="JOBS", quantity="4")
    first = report(member, promise, quantity="1")
    second = report(member, promise, quantity="1.5")
    assert first.status == DeliveryStatus.SUBMITTED
    assert first.evidence_content_type == "application/pdf"
    summary = sel.summarise(sel.contract_commitments(contract))
    line = summary.measures[0]
    assert (line.committed, line.verified, line.waiting) == (4, 0, Decimal("2.5"))
    assert (summary.committed_pence, summary.delivered_pence) == (8_000_000, 0)
    svc.delivery_verify(actor=commissioner, delivery=first, note="Payroll summary seen.")
    svc.delivery_reject(
        actor=commissioner, delivery=second, reason="The payslip is for March only."
    )
    summary = sel.summarise(sel.contract_commitments(contract))
    assert summary.lines[0].verified == 1 and summary.lines[0].waiting == 0
    assert summary.delivered_pence == 2_000_000
    assert summary.lines[0].percent == 25


def test_rejecting_needs_a_reason_and_a_decided_report_cannot_be_decided_the_other_way(
    commissioner, world
):
    contract, member = world
    delivery = report(member, make_commitment(commissioner, contract))
    with pytest.raises(ServiceError) as info:
        svc.delivery_reject(actor=commissioner, delivery=delivery, reason="")
    assert (info.value.code, info.value.field) == ("reason_required", "note")
    svc.delivery_verify(actor=commissioner, delivery=delivery)
    with pytest.raises(ServiceError) as info:
        svc.delivery_reject(actor=commissioner, delivery=delivery, reason="Changed my mind.")
    assert info.value.code == "already_decided"
    with pytest.raises(NotFound):
        svc.delivery_verify(actor=member, delivery=delivery)


def _delivery_values(contract, **change):
    values = {
        "quantity": "1",
        "period_start": contract.starts_on,
        "period_end": contract.starts_on + dt.timedelta(days=30),
        "description": "Two jobs filled.",
    }
    values.update(change)
    return values


@pytest.mark.parametrize(
    ("change", "upload", "code", "field"),
    [
        ({"quantity": "0"}, None, "not_positive", "quantity"),
        ({"quantity": "kg"}, None, "invalid_number", "quantity"),
        ({"period_start": "later"}, None, "invalid_date", "period_start"),
        ({"description": ""}, None, "required", "description"),
        ({}, False, "evidence_missing", "evidence"),
        ({}, SimpleUploadedFile("e.pdf", b"MZ\x90\x00"), "file_type_not_allowed", "evidence"),
        ({}, SimpleUploadedFile("e.pdf", b"<html><script>"), "file_type_not_allowed", "evidence"),
        ({}, SimpleUploadedFile("e.docx", b"%PDF-1.4 x"), "file_name_mismatch", "evidence"),
        ({}, SimpleUploadedFile("e.pdf", b""), "file_empty", "evidence"),
    ],
)
def test_a_bad_delivery_report_is_refused_naming_the_rule(
    commissioner, world, change, upload, code, field
):
    contract, member = world
    promise = make_commitment(commissioner, contract)
    values = _delivery_values(contract, **change)
    with pytest.raises(ServiceError) as info:
        svc.delivery_report(
            actor=member,
            commitment=promise,
            data=svc.DeliveryData(**values),
            upload=None if upload is False else (upload or pdf()),
        )
    assert (info.value.code, info.value.field) == (code, field)
    assert not Delivery.objects.exists()


def test_a_period_not_yet_started_or_outside_the_contract_is_refused(commissioner, world):
    contract, member = world
    promise = make_commitment(commissioner, contract)
    today = timezone.localdate()
    cases = [
        (today + dt.timedelta(days=1), today + dt.timedelta(days=30), "period_not_started"),
        (contract.starts_on - dt.timedelta(days=10), contract.starts_on, "period_outside_contract"),
        (contract.starts_on + dt.timedelta(days=9), contract.starts_on, "period_out_of_order"),
        (contract.starts_on, contract.ends_on + dt.timedelta(days=1), "period_outside_contract"),
    ]
    for start, end, code in cases:
        with pytest.raises(ServiceError) as info:
            report(member, promise, start=start, end=end)
        assert info.value.code == code, (start, end)
    assert not Delivery.objects.exists()


def test_delivery_only_on_agreed_promises_and_only_by_the_provider(commissioner, world):
    contract, member = world
    proposal = make_commitment(member, contract)
    with pytest.raises(ServiceError) as info:
        report(member, proposal)
    assert info.value.code == "commitment_not_agreed"
    promise = make_commitment(commissioner, contract)
    stranger, _ = make_member()
    for person in (commissioner, stranger):
        with pytest.raises(NotFound):
            report(person, promise)


def test_a_double_submitted_report_keeps_one(commissioner, world):
    contract, member = world
    promise = make_commitment(commissioner, contract)
    values = svc.DeliveryData(**_delivery_values(contract))
    key = "k" * 32
    first = svc.delivery_report(
        actor=member, commitment=promise, data=values, upload=pdf(), submission_key=key
    )
    again = svc.delivery_report(
        actor=member, commitment=promise, data=values, upload=pdf(), submission_key=key
    )
    assert first == again and Delivery.objects.count() == 1


def test_verifying_again_keeps_one_verification(commissioner, world):
    contract, member = world
    delivery = report(member, make_commitment(commissioner, contract))
    first = svc.delivery_verify(actor=commissioner, delivery=delivery, note="Seen.")
    again = svc.delivery_verify(actor=commissioner, delivery=delivery, note="Seen again.")
    assert again.pk == first.pk and again.decision_note == "Seen."
    assert AuditEvent.objects.filter(verb="social_value.delivery.verified").count() == 1


def test_linking_a_promise_to_the_winning_bids_social_value_answer(commissioner):
    built = build(commissioner, area="adult-social-care")
    decision = award_svc.award_decide(
        actor=commissioner,
        tender=built.tender,
        lot=None,
        reasons="Best value overall.",
        standstill="none",
        no_standstill_reason="The current provider stops this week.",
    )
    contract = award_svc.award_confirm(
        actor=commissioner, decision=decision, starts_on=timezone.localdate()
    )
    winner = built.bids[0]
    quality, social = built.criteria[0], built.criteria[1]
    BidAnswer.objects.create(bid=winner, criterion=quality, text="We involve people.", word_count=3)
    answer = BidAnswer.objects.create(
        bid=winner, criterion=social, text="Four paid jobs for disabled residents.", word_count=6
    )
    BidAnswer.objects.create(bid=built.bids[1], criterion=social, text="Rival.", word_count=1)
    import_table(commissioner)
    answers = sel.bid_social_value_answers(contract)
    assert answers == [answer]
    promise = svc.commitment_add(
        actor=commissioner,
        contract=contract,
        data=svc.CommitmentData(
            measure_code="JOBS", quantity="2", due_by=contract.ends_on, bid_answer_id=answers[0].pk
        ),
    )
    assert promise.bid_answer == answers[0]
