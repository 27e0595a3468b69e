"""The procurement rules API: public rules, staff-only advice."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.selectors import rulebook_on

pytestmark = pytest.mark.django_db


def _post(client, data):
    return client.post(
        "/api/procurement-rules/advice", json.dumps(data), content_type="application/json"
    )


@pytest.mark.parametrize("who", [None, "resident", "provider", "commissioner"])
def test_anyone_can_read_the_rules_in_force(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    data = client.get("/api/procurement-rules").json()
    by_key = {r["key"]: r for r in data["rules"]}
    assert keys.TENDER_PERIOD_MINIMUM_DAYS in by_key
    assert by_key[keys.THRESHOLD_GOODS_SERVICES]["source_url"].startswith("https://")


def test_rules_on_a_past_day_show_the_version_then_in_force(client):
    data = client.get("/api/procurement-rules?on=2025-06-01").json()
    by_key = {r["key"]: r for r in data["rules"]}
    expected = rulebook_on(dt.date(2025, 6, 1)).value(keys.THRESHOLD_GOODS_SERVICES)
    assert by_key[keys.THRESHOLD_GOODS_SERVICES]["value"] == expected
    assert by_key[keys.THRESHOLD_GOODS_SERVICES]["effective_from"] == "2024-01-01"


def test_a_bad_date_is_a_coded_400(client):
    response = client.get("/api/procurement-rules?on=not-a-date")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_anonymous_advice_requests_must_sign_in(client):
    assert _post(client, {"value_pence": 100}).status_code == 401


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_advice_is_not_found_for_people_outside_the_council(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = _post(client, {"value_pence": 100})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_get_route_advice(client, request, who):
    client.force_login(request.getfixturevalue(who))
    day = dt.date(2026, 6, 1)
    threshold = rulebook_on(day).value(keys.THRESHOLD_GOODS_SERVICES)
    response = _post(
        client,
        {
            "value_pence": threshold,
            "reserved_for": "sme_vcse",
            "publish_on": day.isoformat(),
            "deadline_on": "2026-06-05",
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["above_threshold"] is True
    options = {o["route"]: o for o in data["options"]}
    assert options["sme_vcse"]["allowed"] is False
    assert options["open"]["allowed"] is True
    codes = {b["code"] for b in data["breaches"]}
    assert codes == {"reserved_over_threshold", "deadline_too_soon"}
    minimum = rulebook_on(day).value(keys.TENDER_PERIOD_MINIMUM_DAYS)
    assert data["earliest_closing_on"] == (day + dt.timedelta(days=minimum)).isoformat()
    assert data["standstill_required"] is True
    assert {r["key"] for r in data["rules_applied"]} >= {
        keys.THRESHOLD_GOODS_SERVICES,
        keys.TENDER_PERIOD_MINIMUM_DAYS,
        keys.STANDSTILL_WORKING_DAYS,
    }
