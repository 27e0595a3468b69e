"""Light-touch contracts: a voluntary standstill by default, or none with a recorded reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules.models import ProcurementRule
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision
from coproduce.procure.awards.selectors import standstill_basis

from .helpers import build
from .test_services import at, decide

pytestmark = pytest.mark.django_db

LIGHT_TOUCH = "adult-social-care"
REASON = "The current provider stops on Friday and people must keep their care."


def nothing_stored():
    assert not AwardDecision.objects.exists()
    assert not AssessmentLetter.objects.exists()
    assert not AuditEvent.objects.filter(verb="awards.award.decided").exists()


def test_the_voluntary_standstill_rule_is_seeded_with_its_source():
    rule = ProcurementRule.objects.get(key="standstill.voluntary_light_touch_working_days")
    assert (rule.value, rule.unit, rule.route) == (8, "working_days", "")
    assert "Council policy" in rule.source_title and rule.source_url.startswith("https://")


def test_the_voluntary_standstill_length_comes_from_the_rules_table(commissioner, monkeypatch):
    ProcurementRule.objects.create(
        key="standstill.voluntary_light_touch_working_days",
        value=3,
        unit="working_days",
        effective_from=dt.date(2026, 3, 1),
        label="Voluntary standstill",
        source_title="Council policy",
    )
    built = build(commissioner, area=LIGHT_TOUCH)
    at(monkeypatch, 2026, 4, 1)
    decision = decide(commissioner, built)
    assert decision.standstill_ends_on == dt.date(2026, 4, 7)  # Wed 1, Thu 2, Tue 7


def test_confirming_without_a_standstill_needs_a_reason_and_blank_changes_nothing(
    commissioner,
):
    built = build(commissioner, area=LIGHT_TOUCH)
    for blank in ("", "   "):
        with pytest.raises(ServiceError) as info:
            decide(commissioner, built, standstill="none", no_standstill_reason=blank)
        assert info.value.code == "no_standstill_reason_required"
        assert info.value.field == "no_standstill_reason"
    nothing_stored()
    decision = decide(commissioner, built, standstill="none", no_standstill_reason=REASON)
    assert decision.standstill_ends_on is None
    basis = standstill_basis(decision)
    assert (basis.kind, basis.reason) == ("waived", REASON)
    event = AuditEvent.objects.get(verb="awards.award.decided")
    assert event.changes["no_standstill_reason"] == REASON
    assert f"Confirmed without a standstill because: {REASON}" in event.reason
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert "No standstill period applies" in letter.html
    assert REASON not in letter.html  # the reason is for the award page, not the letters


def test_an_unknown_standstill_choice_changes_nothing(commissioner):
    built = build(commissioner, area=LIGHT_TOUCH)
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built, standstill="maybe")
    assert (info.value.code, info.value.field) == ("invalid_choice", "standstill")
    nothing_stored()


def test_a_required_standstill_cannot_be_waived(commissioner):
    built = build(commissioner)  # employment and skills: not light touch, above threshold
    with pytest.raises(ServiceError) as info:
        decide(commissioner, built, standstill="none", no_standstill_reason=REASON)
    assert info.value.code == "standstill_required"
    nothing_stored()
    decision = decide(commissioner, built)
    assert standstill_basis(decision).kind == "required"


# --- pages ---------------------------------------------------------------------------------


def test_decide_page_offers_the_voluntary_standstill_only_for_light_touch(client, commissioner):
    light = build(commissioner, area=LIGHT_TOUCH)
    client.force_login(commissioner)
    page = client.get(reverse("awards:decide", args=[light.tender.reference, "whole"]))
    body = page.content.decode()
    assert "Wait for a voluntary standstill period of 8 working days" in body
    assert 'name="standstill" type="radio" value="voluntary" checked>' in body
    assert 'name="standstill" type="radio" value="none">' in body
    other = build(commissioner)
    page = client.get(reverse("awards:decide", args=[other.tender.reference, "whole"]))
    assert "voluntary standstill" not in page.content.decode()


def test_decide_without_standstill_and_no_reason_answers_400_then_shows_reason_on_award_page(
    client, commissioner
):
    built = build(commissioner, area=LIGHT_TOUCH)
    client.force_login(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    data = {"bid": built.bids[0].pk, "reasons": "Best value.", "standstill": "none"}
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "Say why the award can be confirmed without a standstill period" in bad.content.decode()
    nothing_stored()
    assert client.post(url, {**data, "standstill": "later"}).status_code == 400
    nothing_stored()
    ok = client.post(url, {**data, "no_standstill_reason": REASON})
    assert ok.status_code == 302
    decision = AwardDecision.objects.get()
    assert decision.standstill_ends_on is None
    page = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert REASON in page
    assert "the officer chose to confirm without one" in page
    assert "Confirm the award" in page


def test_award_page_shows_a_voluntary_standstill(client, commissioner):
    built = build(commissioner, area=LIGHT_TOUCH)
    client.force_login(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    data = {"bid": built.bids[0].pk, "reasons": "Best value.", "standstill": "voluntary"}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert "Voluntary standstill (light-touch contract)" in page
    assert "Confirm the award" not in page


def test_the_choice_is_stored_on_the_decision(commissioner):
    built = build(commissioner, area=LIGHT_TOUCH)
    decision = decide(commissioner, built, standstill="none", no_standstill_reason=REASON)
    decision = AwardDecision.objects.get(pk=decision.pk)
    assert (decision.standstill_kind, decision.no_standstill_reason) == ("waived", REASON)


def test_the_api_takes_the_light_touch_choice(client, commissioner):
    built = build(commissioner, area=LIGHT_TOUCH)
    client.force_login(commissioner)
    url = f"/api/tenders/{built.tender.reference}/awards"
    response = client.post(
        url,
        {"reasons": "Best value", "standstill": "none"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "no_standstill_reason_required"
    nothing_stored()
    response = client.post(
        url,
        {"reasons": "Best value", "standstill": "none", "no_standstill_reason": REASON},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["standstill_kind"], body["no_standstill_reason"]) == ("waived", REASON)
    assert body["standstill_ends_on"] is None
    letters = client.get("/api/letters")
    assert letters.status_code == 200
