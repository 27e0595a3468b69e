"""The feedback API: give feedback (public, once-only), the summary, the responses."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from coproduce.deliver.feedback.models import FeedbackResponse
from coproduce.foundation.accounts.tests.factories import make_member

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contract(commissioner):
    return f.make_contract(commissioner)


def _post(client, contract, payload, **headers):
    return client.post(
        f"/api/feedback/{contract.reference}",
        json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def test_give_feedback_anonymously(client, contract):
    response = _post(client, contract, {"rating": "very_good", "what_good": "Kind"})
    assert response.status_code == 201
    body = response.json()
    assert body["contract"] == contract.reference
    assert set(body) == {"contract", "received_on", "message"}  # no id comes back
    assert FeedbackResponse.objects.get().answers.get().text == "Kind"


def test_a_retry_with_the_same_idempotency_key_keeps_one(client, contract):
    key = "3f1c2a9e-6a43-4d1c-9a1e-1b5f0b7d2c11"
    for _ in range(3):
        assert (
            _post(client, contract, {"rating": "good"}, **{"Idempotency-Key": key}).status_code
            == 201
        )
    assert FeedbackResponse.objects.count() == 1
    # The form's key in the body works the same way.
    body = {"rating": "good", "submission_key": "form-key-" + "a" * 20}
    _post(client, contract, body)
    _post(client, contract, body)
    assert FeedbackResponse.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"rating": ""}, "rating_required"),
        ({"rating": "excellent"}, "invalid_rating"),
        ({"rating": "good", "what_better": "x" * 2001}, "too_long"),
        ({"rating": "good", "uses_service": "cat"}, "invalid_choice"),
    ],
)
def test_bad_input_is_400_with_the_rule(client, contract, payload, code):
    response = _post(client, contract, payload)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert FeedbackResponse.objects.count() == 0


def test_malformed_key_and_body_are_400_not_500(client, contract):
    assert (
        _post(client, contract, {"rating": "good"}, **{"Idempotency-Key": "short"}).status_code
        == 400
    )
    response = client.post(
        f"/api/feedback/{contract.reference}", "not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert FeedbackResponse.objects.count() == 0


def test_rate_limited_per_address(client, contract, settings):
    settings.FEEDBACK_RATE = "1/h"
    assert _post(client, contract, {"rating": "good"}).status_code == 201
    blocked = _post(client, contract, {"rating": "good"})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"


def test_summary_is_public_and_has_no_text_or_names(client, contract):
    for rating in ["very_good", "good", "good", "poor", "dont_know"]:
        f.give(contract, rating, what_good="Secret words")
    body = client.get(f"/api/feedback/{contract.reference}/summary").json()
    assert body["score_shown"]
    assert body["score"]["percent"] == 60
    assert [c["count"] for c in body["score"]["counts"]] == [1, 2, 0, 1, 0, 1]
    assert "Secret words" not in json.dumps(body)


def test_summary_hides_the_score_below_five(client, contract):
    f.give(contract, "good")
    body = client.get(f"/api/feedback/{contract.reference}/summary").json()
    assert body["score_shown"] is False and body["score"] is None


def test_responses_for_staff_and_provider_only(client, contract, commissioner, resident):
    f.give(contract, "poor", what_better="email me at a@b.org")
    url = f"/api/feedback/{contract.reference}/responses"
    assert client.get(url).status_code == 401
    client.force_login(resident)
    assert client.get(url).status_code == 404
    member, _ = make_member(contract.provider)
    client.force_login(member)
    rows = client.get(url).json()
    assert rows[0]["answers"][0]["text"] == "email me at [removed]"
    client.force_login(commissioner)
    rows = client.get(url, {"rating": "poor"}).json()
    assert rows[0]["answers"][0]["text"] == "email me at a@b.org"
    assert rows[0]["number"] is not None
    assert client.get(url, {"rating": "good"}).json() == []
