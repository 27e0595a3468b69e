"""Award API: permissions (404 for the forbidden) and the same rules as the pages."""

from __future__ import annotations

import pytest

from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision, Cancellation

from .helpers import build, committed

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_decide_via_api_is_for_commissioners(client, commissioner, provider, finance):
    built = build(commissioner)
    url = f"/api/tenders/{built.tender.reference}/awards"
    assert post(client, url, {"reasons": "Best"}).status_code == 401
    for user in (provider, finance):
        client.force_login(user)
        assert post(client, url, {"reasons": "Best"}).status_code == 404
    client.force_login(commissioner)
    bad = post(client, url, {"reasons": " "})
    assert bad.status_code == 400 and bad.json()["code"] == "reasons_required"
    ok = post(client, url, {"reasons": "Best"})
    assert ok.status_code == 201
    assert ok.json()["winning_bid"] == built.bids[0].reference
    again = post(client, url, {"reasons": "Best"})
    assert again.status_code == 400 and again.json()["code"] == "already_decided"
    assert AwardDecision.objects.count() == 1
    listing = client.get(url)
    assert listing.status_code == 200 and len(listing.json()) == 1
    client.force_login(provider)
    assert client.get(url).status_code == 404


def test_confirm_early_via_api_is_refused(client, commissioner, provider):
    built = build(commissioner)
    decision = svc.award_decide(actor=commissioner, tender=built.tender, lot=None, reasons="B")
    url = f"/api/awards/{decision.pk}/confirm"
    client.force_login(provider)
    assert post(client, url, {"starts_on": "2027-06-01"}).status_code == 404
    client.force_login(commissioner)
    response = post(client, url, {"starts_on": "2027-06-01"})
    assert response.status_code == 400 and response.json()["code"] == "standstill_running"
    withdraw = f"/api/awards/{decision.pk}/withdraw"
    client.force_login(provider)
    assert post(client, withdraw, {"reason": "x"}).status_code == 404
    client.force_login(commissioner)
    assert post(client, withdraw, {"reason": "Error found"}).json()["status"] == "withdrawn"
    client.force_login(provider)
    assert post(client, f"/api/awards/{decision.pk}/resume", {}).status_code == 404


def test_letters_via_api_only_for_the_bidder_and_staff(client, commissioner):
    built = build(commissioner)
    with committed():
        decision = svc.award_decide(actor=commissioner, tender=built.tender, lot=None, reasons="B")
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[2])
    url = f"/api/letters/{letter.pk}"
    assert client.get(url).status_code == 401
    client.force_login(built.users[0])
    assert client.get(url).status_code == 404
    client.force_login(built.users[2])
    assert client.get(url).json()["bid"] == built.bids[2].reference
    assert [x["id"] for x in client.get("/api/letters").json()] == [letter.pk]
    client.force_login(commissioner)
    assert client.get(url).status_code == 200


def test_cancel_and_contracts_via_api(client, commissioner, provider):
    built = build(commissioner)
    url = f"/api/tenders/{built.tender.reference}/cancel"
    client.force_login(provider)
    assert post(client, url, {"reason_code": "funding", "reason_text": "x"}).status_code == 404
    assert client.get("/api/contracts").status_code == 404
    client.force_login(commissioner)
    bad = post(client, url, {"reason_code": "nope", "reason_text": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_choice"
    assert not Cancellation.objects.exists()
    ok = post(client, url, {"reason_code": "funding", "reason_text": "Funding ended."})
    assert ok.status_code == 201 and ok.json()["lot"] is None
    assert client.get("/api/contracts").json() == []
