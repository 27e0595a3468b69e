"""A complaint pauses the award (complaints may import awards; awards never imports complaints)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import (
    AwardDecision,
    AwardStatus,
)
from coproduce.procure.awards.selectors import effective_status
from coproduce.procure.awards.tests.helpers import build
from coproduce.procure.awards.tests.test_services import at, decide
from coproduce.procure.awards.tests.test_views import decided, login
from coproduce.procure.complaints import services as complaints

pytestmark = pytest.mark.django_db


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


def test_paused_award_shows_paused_and_resume_after_complaint_not_upheld(client, commissioner):
    built, decision = decided(commissioner)
    complaint = complaints.complaint_raise(
        actor=None,
        tender=built.tender,
        data=complaints.ComplaintData(
            subject="award", details="Unfair.", contact_name="A", contact_email="a@example.org"
        ),
    )
    login(client, commissioner)
    page = client.get(reverse("awards:manage", args=[built.tender.reference]))
    assert "Paused" in page.content.decode()
    complaints.complaint_start_review(actor=commissioner, complaint=complaint, note="Looking")
    complaints.complaint_decide(
        actor=commissioner,
        complaint=complaint,
        upheld=False,
        response="No.",
        published_outcome="Not upheld.",
    )
    # Still paused until the officer resumes, even though no pause was recorded.
    AwardDecision.objects.filter(pk=decision.pk).update(
        standstill_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    confirm = reverse("awards:action", args=[decision.pk, "confirm"])
    data = {"starts_on_0": "1", "starts_on_1": "6", "starts_on_2": "2027"}
    page = client.post(confirm, data)
    assert page.status_code == 400
    assert "paused while a complaint is decided" in page.content.decode()
    assert (
        client.post(reverse("awards:action", args=[decision.pk, "resume"]), {}).status_code == 302
    )
    assert client.post(confirm, data).status_code == 302
    decision.refresh_from_db()
    assert decision.status == AwardStatus.CONFIRMED
