"""Award services: decide, standstill, complaint pause, confirm, withdraw, cancel."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.letters import latin1
from coproduce.procure.awards.models import (
    AssessmentLetter,
    AwardDecision,
    AwardStatus,
    Cancellation,
)
from coproduce.procure.awards.selectors import effective_status
from coproduce.procure.complaints import services as complaints
from coproduce.procure.tenders.models import TenderStatus

from .helpers import build, committed, pdf_text

UK = zoneinfo.ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(monkeypatch, year, month, day, hour=12):
    moment = dt.datetime(year, month, day, hour, tzinfo=UK)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def decide(commissioner, built, **kw):
    """Decide, then commit: the letters are written after the decision commits."""
    kw.setdefault("reasons", "Highest score on quality and price.")
    with committed():
        return svc.award_decide(actor=commissioner, tender=built.tender, lot=built.lot, **kw)


def raise_complaint(tender):
    return complaints.complaint_raise(
        actor=None,
        tender=tender,
        data=complaints.ComplaintData(
            subject="award",
            details="The scoring was unfair.",
            contact_name="A Bidder",
            contact_email="bidder@example.org",
        ),
    )


def decide_complaint(commissioner, complaint, *, upheld):
    complaints.complaint_start_review(actor=commissioner, complaint=complaint, note="Looking")
    return complaints.complaint_decide(
        actor=commissioner,
        complaint=complaint,
        upheld=upheld,
        response="We looked again.",
        published_outcome="Reviewed the scoring.",
    )


def test_decide_picks_the_top_ranked_bid_writes_letters_and_emails_each_bidder(
    commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    built = build(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(commissioner, built)
    assert decision.winning_bid == built.bids[0]
    assert decision.status == AwardStatus.STANDSTILL
    assert decision.standstill_ends_on is not None
    assert AssessmentLetter.objects.filter(decision=decision).count() == 3
    assert AuditEvent.objects.filter(verb="awards.award.decided").count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in built.users)
    assert all("95.00" not in m.body and "points" not in m.body for m in mailoutbox)


def test_letter_shows_bidder_and_winner_scores_with_moderated_reasons(commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[2])
    html = letter.html
    assert "Bid 3 on How you involve people: evidence scored 2." in html
    assert "Bid 1 on How you involve people: evidence scored 4." in html  # the winner's
    assert "62.27" in html and "95.00" in html
    assert "3rd of 3" in html
    assert f"/complaints/new/{built.tender.reference}/" in html


def test_pdf_letter_contains_the_bidders_total_and_reasons(commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert bytes(letter.pdf).startswith(b"%PDF")
    text = pdf_text(letter.pdf)
    assert "Total 81.07" in text
    assert "Total 95.00" in text
    assert "Bid 2 on Local jobs: evidence scored 3." in text


def test_latin1_replaces_characters_the_core_font_cannot_draw():
    assert latin1("“Quotes” – dash … £5 ✓") == '"Quotes" - dash ... £5 ?'


def test_decide_is_refused_while_moderation_is_not_complete(commissioner):
    built = build(commissioner, complete=False)
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built)
    assert info.value.code == "award_blocked"
    assert not AwardDecision.objects.exists()
    assert not AssessmentLetter.objects.exists()


def test_double_decide_keeps_one_decision(commissioner):
    built = build(commissioner)
    decide(commissioner, built)
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built)
    assert info.value.code == "already_decided"
    assert AwardDecision.objects.count() == 1
    assert AssessmentLetter.objects.count() == 3


def test_choosing_a_lower_ranked_bid_needs_a_reason_that_says_why(commissioner):
    built = build(commissioner)
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built, bid=built.bids[1], override_reason="because")
    assert info.value.code == "override_reason_required"
    assert info.value.field == "override_reason"
    assert not AwardDecision.objects.exists()
    decision = decide(
        commissioner,
        built,
        bid=built.bids[1],
        override_reason="The top-ranked bidder withdrew from the market last week.",
    )
    assert decision.winning_rank == 2
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[0])
    assert "withdrew from the market" in letter.html


def test_blank_reasons_are_refused_and_nothing_is_stored(commissioner):
    built = build(commissioner)
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built, reasons="   ")
    assert info.value.code == "reasons_required"
    assert not AwardDecision.objects.exists()


def test_only_commissioners_and_admins_may_decide(provider, finance):
    from coproduce.foundation.accounts.tests.factories import UserFactory

    commissioner = UserFactory(role="commissioner")
    built = build(commissioner)
    for actor in (provider, finance):
        with pytest.raises(NotFound):
            decide(actor, built)


def test_standstill_runs_across_easter_and_confirming_one_day_early_is_refused(
    commissioner, monkeypatch
):
    built = build(commissioner)
    at(monkeypatch, 2026, 4, 1)  # Wednesday; Good Friday 3 and Easter Monday 6 April
    decision = decide(commissioner, built)
    assert decision.standstill_ends_on == dt.date(2026, 4, 14)
    at(monkeypatch, 2026, 4, 14, hour=23)
    with pytest.raises(ServiceError) as info:
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    assert info.value.code == "standstill_running"
    assert "15 April 2026" in info.value.message
    assert not Contract.objects.exists()
    at(monkeypatch, 2026, 4, 15, hour=0)
    contract = svc.award_confirm(
        actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1)
    )
    assert contract.reference == "K-2026-0001"
    assert contract.provider == built.bids[0].lead_organisation
    assert contract.value_pence == 100_000_00
    assert contract.ends_on == dt.date(2029, 4, 30)  # the specification's 3 years
    decision.refresh_from_db()
    assert decision.status == AwardStatus.CONFIRMED
    assert AuditEvent.objects.filter(verb="awards.award.confirmed").count() == 1
    assert AuditEvent.objects.filter(verb="contracts.contract.created").count() == 1
    # A repeated confirmation returns the same contract.
    again = svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 6, 1))
    assert again == contract
    assert Contract.objects.count() == 1


def test_light_touch_confirmed_without_a_standstill_can_be_confirmed_at_once(commissioner):
    built = build(commissioner, area="adult-social-care")
    decision = decide(
        commissioner,
        built,
        standstill="none",
        no_standstill_reason="The current provider stops on Friday; care must continue.",
    )
    assert decision.standstill_ends_on is None
    contract = svc.award_confirm(
        actor=commissioner, decision=decision, starts_on=timezone.localdate()
    )
    assert contract.award == decision


def test_complaint_pauses_the_award_and_the_officer_resumes_when_not_upheld(
    commissioner, monkeypatch
):
    built = build(commissioner)
    at(monkeypatch, 2026, 4, 1)
    decision = decide(commissioner, built)
    at(monkeypatch, 2026, 4, 8)
    complaint = raise_complaint(built.tender)
    # Raising the complaint records the pause in the same transaction.
    assert effective_status(decision) == AwardStatus.PAUSED
    decision.refresh_from_db()
    assert decision.status == AwardStatus.PAUSED
    assert AuditEvent.objects.filter(verb="awards.award.paused").count() == 1
    at(monkeypatch, 2026, 4, 20)  # standstill over, but the complaint is still open
    with pytest.raises(ServiceError) as info:
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    assert info.value.code == "award_paused"
    with pytest.raises(ServiceError) as info:
        svc.award_resume(actor=commissioner, decision=decision)
    assert info.value.code == "complaint_open"
    decide_complaint(commissioner, complaint, upheld=False)
    with pytest.raises(ServiceError) as info:  # still paused until the officer resumes
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    assert info.value.code == "award_paused"
    svc.award_resume(actor=commissioner, decision=decision, reason="Complaint not upheld")
    decision.refresh_from_db()
    assert decision.status == AwardStatus.STANDSTILL
    contract = svc.award_confirm(
        actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1)
    )
    assert contract.award_id == decision.pk


def test_an_upheld_complaint_leads_to_withdrawal_and_a_new_decision(commissioner, monkeypatch):
    built = build(commissioner)
    decision = decide(commissioner, built)
    complaint = raise_complaint(built.tender)
    svc.award_pause_for_complaint(actor=None, tender=built.tender, complaint=complaint)
    decide_complaint(commissioner, complaint, upheld=True)
    with pytest.raises(ServiceError) as info:
        svc.award_withdraw(actor=commissioner, decision=decision, reason="")
    assert info.value.code == "reason_required"
    svc.award_withdraw(
        actor=commissioner, decision=decision, reason="Complaint upheld: scoring error."
    )
    decision.refresh_from_db()
    assert decision.status == AwardStatus.WITHDRAWN
    assert AuditEvent.objects.filter(verb="awards.award.withdrawn").count() == 1
    with pytest.raises(ServiceError):
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    again = decide(commissioner, built, reasons="Decided again after re-scoring.")
    assert again.pk != decision.pk


def test_cancel_a_lot_is_published_notifies_bidders_and_blocks_the_award(
    commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    built = build(commissioner, with_lot=True)
    with pytest.raises(ServiceError) as info:
        svc.tender_cancel(
            actor=commissioner,
            tender=built.tender,
            lot=built.lot,
            reason_code="funding",
            reason_text=" ",
        )
    assert info.value.code == "reason_required"
    assert not Cancellation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        c = svc.tender_cancel(
            actor=commissioner,
            tender=built.tender,
            lot=built.lot,
            reason_code="funding",
            reason_text="The grant funding this lot ended.",
        )
    assert len(mailoutbox) == 3
    assert "The grant funding this lot ended." in mailoutbox[0].body
    again = svc.tender_cancel(
        actor=commissioner,
        tender=built.tender,
        lot=built.lot,
        reason_code="funding",
        reason_text="Twice",
    )
    assert again == c and Cancellation.objects.count() == 1
    assert AuditEvent.objects.filter(verb="awards.tender.cancelled").count() == 1
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built)
    assert info.value.code == "cancelled"


def test_cancel_whole_tender_withdraws_an_unconfirmed_award(commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    svc.tender_cancel(
        actor=commissioner,
        tender=built.tender,
        lot=None,
        reason_code="need_changed",
        reason_text="The service is no longer needed.",
    )
    decision.refresh_from_db()
    built.tender.refresh_from_db()
    assert decision.status == AwardStatus.WITHDRAWN
    assert built.tender.status == TenderStatus.CANCELLED


def test_cancel_refuses_an_unknown_reason_code(commissioner):
    built = build(commissioner)
    with pytest.raises(ServiceError) as info:
        svc.tender_cancel(
            actor=commissioner,
            tender=built.tender,
            lot=None,
            reason_code="bored",
            reason_text="x",
        )
    assert info.value.code == "invalid_choice"
