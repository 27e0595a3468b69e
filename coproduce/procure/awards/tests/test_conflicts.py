"""Conflicts of interest in the award work: an officer who declared a conflict with a bid
sees none of its figures or letters, and cannot decide, confirm, resume, withdraw or
cancel an award touching it. The panel world (``world``) is the one the panels' conflict
tests build."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import services as award_services
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision, AwardStatus
from coproduce.procure.panels import selectors as sel
from coproduce.procure.panels.tests.test_conflicts import (
    HIDDEN,
    REFUSED,
    SECRET_JUSTIFICATION,
    _complete,
)


def test_award_pages_hide_figures_and_refuse_the_decision(client, world):
    _complete(world)
    ranked = sel.ranking(tender=world.p.tender)
    a_total = str(next(r.total for r in ranked if r.bid.pk == world.a.pk))
    decide = f"/manage/tenders/{world.p.tender.reference}/award/whole/decide/"
    client.force_login(world.cat_user)
    page = client.get(decide).content.decode()
    assert REFUSED in page and "There is a problem" in page
    assert f"({world.a.reference}), {a_total} points" not in page
    response = client.post(decide, {"bid": world.a.pk, "reasons": "Best"})
    assert response.status_code == 400 and REFUSED in response.content.decode()
    with pytest.raises(ServiceError):
        award_services.award_decide(
            actor=world.cat_user, tender=world.p.tender, lot=None, reasons="Best"
        )
    assert not AwardDecision.objects.exists()
    manage = client.get(f"/manage/tenders/{world.p.tender.reference}/award/").content.decode()
    assert HIDDEN in manage and "Decide the award</a>" not in manage
    client.force_login(world.olu_user)
    page = client.get(decide).content.decode()
    assert f"({world.a.reference}), {a_total} points" in page and REFUSED not in page


def _decision(w):
    _complete(w)
    decision = AwardDecision.objects.create(
        tender=w.p.tender,
        winning_bid=w.a,
        reasons="Best value",
        status=AwardStatus.STANDSTILL,
        decided_by=w.olu_user,
        decided_at=timezone.now(),
        standstill_ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    letters = [
        AssessmentLetter.objects.create(
            decision=decision,
            bid=b,
            html=f"<p>Letter secret {b.reference}: {SECRET_JUSTIFICATION}</p>",
            pdf=b"%PDF-1.4",
            generated_at=timezone.now(),
        )
        for b in (w.a, w.p.bids[1])
    ]
    return decision, letters


def test_confirming_the_award_is_refused_for_the_conflicted_officer(client, world):
    decision, _letters = _decision(world)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        award_services.award_confirm(
            actor=world.cat_user, decision=decision, starts_on=timezone.localdate()
        )
    assert exc.value.code == "conflict_of_interest"
    client.force_login(world.cat_user)
    url = f"/manage/awards/{decision.pk}/confirm/"
    assert REFUSED in client.get(url).content.decode()
    today = timezone.localdate()
    response = client.post(
        url, {"starts_on_0": today.day, "starts_on_1": today.month, "starts_on_2": today.year}
    )
    assert response.status_code == 400 and REFUSED in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == AwardStatus.STANDSTILL and AuditEvent.objects.count() == before


def test_resume_withdraw_and_cancel_are_refused_for_the_conflicted_officer(world):
    decision, _letters = _decision(world)
    decision.status = AwardStatus.PAUSED
    decision.paused_at = timezone.now()
    decision.save(update_fields=["status", "paused_at"])
    before = AuditEvent.objects.count()
    attempts = (
        lambda user: award_services.award_resume(actor=user, decision=decision, reason="Go on"),
        lambda user: award_services.award_withdraw(
            actor=user, decision=decision, reason="Complaint upheld"
        ),
        lambda user: award_services.tender_cancel(
            actor=user,
            tender=world.p.tender,
            lot=None,
            reason_code=award_services.CancellationReason.values[0],
            reason_text="No longer needed",
        ),
    )
    for attempt in attempts:
        with pytest.raises(ServiceError) as exc:
            attempt(world.cat_user)
        assert exc.value.code == "conflict_of_interest"
    decision.refresh_from_db()
    assert decision.status == AwardStatus.PAUSED and AuditEvent.objects.count() == before
    # an officer without a conflict may withdraw it
    award_services.award_withdraw(
        actor=world.olu_user, decision=decision, reason="Complaint upheld"
    )
    decision.refresh_from_db()
    assert decision.status == AwardStatus.WITHDRAWN


def test_letters_touching_a_conflicted_bid_are_hidden(client, world):
    _decision_made, letters = _decision(world)
    client.force_login(world.cat_user)
    for letter in letters:  # the winner's own letter, and a rival's (which shows the winner)
        page = client.get(f"/awards/letters/{letter.pk}/").content.decode()
        assert HIDDEN in page and SECRET_JUSTIFICATION not in page
        assert client.get(f"/awards/letters/{letter.pk}/pdf/").status_code == 404
        assert client.get(f"/api/letters/{letter.pk}").status_code == 404
    client.force_login(world.olu_user)
    page = client.get(f"/awards/letters/{letters[0].pk}/").content.decode()
    assert HIDDEN not in page
    assert client.get(f"/api/letters/{letters[0].pk}").status_code == 200
