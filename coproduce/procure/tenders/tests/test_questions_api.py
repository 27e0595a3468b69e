"""The questions and changes API: same rules as the pages, pseudonyms only, coded errors."""

from __future__ import annotations

import json

import pytest

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.procure.tenders.models import Clarification, TenderStatus
from coproduce.procure.tenders.services_clarifications import (
    clarification_answer,
    clarification_ask,
    clarification_decline,
    tender_amend,
)
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db

SECRET = "Kingfisher Lane Collective"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_published_questions_show_pseudonyms_only(client, commissioner):
    tender = make_tender(actor=commissioner, lots=1)
    user, org = make_member(name=SECRET)
    q = clarification_ask(
        actor=user, tender=tender, organisation=org, question="Q?", lot=tender.lots.get()
    )
    clarification_answer(
        actor=commissioner, clarification=q, question="Q?", answer="A.", publish=True
    )
    clarification_ask(actor=user, tender=tender, organisation=org, question="Unanswered?")
    response = client.get(f"/api/opportunities/{tender.reference}/questions")
    assert response.status_code == 200
    data = response.json()
    assert data == [
        {
            "number": 1,
            "lot_number": 1,
            "asked_by": "Organisation A",
            "question": "Q?",
            "answer": "A.",
            "published_at": data[0]["published_at"],
        }
    ]
    assert SECRET not in response.content.decode()
    assert org.slug not in response.content.decode()


def test_questions_of_a_draft_are_404(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    response = client.get(f"/api/opportunities/{tender.reference}/questions")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_member_asks_through_the_api(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name=SECRET)
    client.force_login(user)
    url = f"/api/opportunities/{tender.reference}/questions"
    response = post(client, url, {"organisation": org.slug, "question": "By API?"})
    assert response.status_code == 201
    assert response.json()["asked_by"] == "Organisation A"
    assert response.json()["status"] == "awaiting"
    again = post(client, url, {"organisation": org.slug, "question": "By API?"})
    assert again.json()["number"] == 1
    assert Clarification.objects.count() == 1


def test_asking_again_after_a_decline_shows_the_reason_to_the_asker(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = f"/api/opportunities/{tender.reference}/questions"
    first = post(client, url, {"organisation": org.slug, "question": "Rival prices?"})
    assert first.json()["decline_reason"] == ""
    clarification_decline(
        actor=commissioner,
        clarification=Clarification.objects.get(),
        reason="Commercially sensitive.",
    )
    again = post(client, url, {"organisation": org.slug, "question": "Rival prices?"})
    assert again.json()["status"] == "declined"
    assert again.json()["decline_reason"] == "Commercially sensitive."
    # The public list never shows it.
    assert "Commercially sensitive." not in client.get(url).content.decode()


def test_asking_needs_sign_in(client, commissioner):
    tender = make_tender(actor=commissioner)
    response = post(
        client,
        f"/api/opportunities/{tender.reference}/questions",
        {"organisation": "x", "question": "?"},
    )
    assert response.status_code == 401
    assert not Clarification.objects.exists()


def test_asking_for_an_organisation_you_do_not_belong_to_is_404(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, _org = make_member()
    _other, other_org = make_member()
    client.force_login(user)
    response = post(
        client,
        f"/api/opportunities/{tender.reference}/questions",
        {"organisation": other_org.slug, "question": "?"},
    )
    assert response.status_code == 404
    assert not Clarification.objects.exists()


def test_asking_on_a_closed_tender_is_400_with_the_rule(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.CLOSED)
    user, org = make_member()
    client.force_login(user)
    response = post(
        client,
        f"/api/opportunities/{tender.reference}/questions",
        {"organisation": org.slug, "question": "Late?"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "tender_closed"
    assert "open for bids" in response.json()["message"]
    assert not Clarification.objects.exists()


@pytest.mark.parametrize(
    ("payload", "code"),
    [({"question": ""}, "required"), ({"question": "?", "lot_number": 7}, "invalid_lot")],
)
def test_bad_questions_are_400(client, commissioner, payload, code):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    response = post(
        client,
        f"/api/opportunities/{tender.reference}/questions",
        {"organisation": org.slug, **payload},
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Clarification.objects.exists()


def test_amendments_are_public_for_published_tenders_only(client, commissioner):
    tender = make_tender(actor=commissioner)
    tender_amend(actor=commissioner, tender=tender, summary="S.", reason="Why.", changes={})
    data = client.get(f"/api/opportunities/{tender.reference}/amendments").json()
    assert [(a["number"], a["reason"], a["reconfirm_required"]) for a in data] == [
        (1, "Why.", True)
    ]
    draft = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    assert client.get(f"/api/opportunities/{draft.reference}/amendments").status_code == 404
