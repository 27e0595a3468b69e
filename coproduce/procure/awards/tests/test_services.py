"""Award services: decide, standstill, complaint pause, confirm, withdraw, cancel."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import UserFactory
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
    commissioner = UserFactory(role="commissioner")
    built = build(commissioner)
    for actor in (provider, finance):
        with pytest.raises(NotFound):
            decide(actor, built)


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
