"""Confirming an award creates its contract in the same transaction (the awards hook that the contracts app registers); refused before the standstill ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import (
    AssessmentLetter,
    AwardStatus,
)
from coproduce.procure.awards.selectors import effective_status, standstill_basis
from coproduce.procure.awards.tests.helpers import build
from coproduce.procure.awards.tests.test_light_touch_standstill import LIGHT_TOUCH
from coproduce.procure.awards.tests.test_services import at, decide
from coproduce.procure.awards.tests.test_views import decided, login
from coproduce.procure.complaints.tests.test_award_pause import raise_complaint

pytestmark = pytest.mark.django_db


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
    assert contract.status == "mobilising"  # starts on 1 May: contracts_go_live moves it
    decision.refresh_from_db()
    assert decision.status == AwardStatus.CONFIRMED
    assert AuditEvent.objects.filter(verb="awards.award.confirmed").count() == 1
    assert AuditEvent.objects.filter(verb="contracts.contract.created").count() == 1
    # A repeated confirmation returns the same contract.
    again = svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 6, 1))
    assert again == contract
    assert Contract.objects.count() == 1


def test_confirm_early_is_refused_with_a_clear_message(client, commissioner, provider):
    _built, decision = decided(commissioner)
    url = reverse("awards:action", args=[decision.pk, "confirm"])
    data = {"starts_on_0": "1", "starts_on_1": "6", "starts_on_2": "2027"}
    assert login(client, provider).post(url, data).status_code == 404
    page = login(client, commissioner).post(url, data)
    assert page.status_code == 400
    assert "standstill period has not ended" in page.content.decode()
    assert not Contract.objects.exists()


def test_light_touch_waits_a_voluntary_standstill_by_default_last_day_refused_next_allowed(
    commissioner, monkeypatch
):
    built = build(commissioner, area=LIGHT_TOUCH)
    at(monkeypatch, 2026, 4, 1)  # Wednesday; Good Friday 3 and Easter Monday 6 April
    decision = decide(commissioner, built)
    assert decision.standstill_ends_on == dt.date(2026, 4, 14)
    assert standstill_basis(decision).kind == "voluntary"
    event = AuditEvent.objects.get(verb="awards.award.decided")
    assert event.changes["standstill"] == "voluntary"
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert "voluntary standstill period" in letter.html
    at(monkeypatch, 2026, 4, 14, hour=23)  # the last day of the voluntary standstill
    with pytest.raises(ServiceError) as info:
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    assert info.value.code == "standstill_running"
    assert not Contract.objects.exists()
    at(monkeypatch, 2026, 4, 15, hour=0)  # the day after
    contract = svc.award_confirm(
        actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1)
    )
    assert contract.award == decision


def test_a_complaint_during_a_voluntary_standstill_pauses_the_award(commissioner, monkeypatch):
    built = build(commissioner, area=LIGHT_TOUCH)
    at(monkeypatch, 2026, 4, 1)
    decision = decide(commissioner, built)
    at(monkeypatch, 2026, 4, 8)
    raise_complaint(built.tender)
    decision.refresh_from_db()
    assert decision.status == AwardStatus.PAUSED
    assert effective_status(decision) == AwardStatus.PAUSED
    at(monkeypatch, 2026, 4, 20)  # the voluntary standstill is over, the complaint is open
    with pytest.raises(ServiceError) as info:
        svc.award_confirm(actor=commissioner, decision=decision, starts_on=dt.date(2026, 5, 1))
    assert info.value.code == "award_paused"
    assert not Contract.objects.exists()
