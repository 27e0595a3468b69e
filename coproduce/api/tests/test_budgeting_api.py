"""Budgeting API: the same visibility as the pages; no tally or count before voting closes."""

from __future__ import annotations

import pytest

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.understand.participatory_budgeting.models import Phase
from coproduce.understand.participatory_budgeting.services import (
    Verification,
    ballot_cast,
    results_compute,
    results_publish,
    round_change_phase,
)
from coproduce.understand.participatory_budgeting.tests.factories import codes, make_round, refs

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting_round(commissioner):
    round_ = make_round(commissioner)
    a, b, c = refs(round_)
    receipts = [
        ballot_cast(round_=round_, choices=choice, verification=Verification(code=code))
        for code, choice in zip(
            codes(commissioner, round_, 3), [{a: 1}, {a: 1, b: 1}, {c: 1}], strict=True
        )
    ]
    round_.receipts = receipts
    return round_


def _close(round_, actor):
    round_change_phase(actor=actor, round_=round_, to_phase=Phase.RESULTS)
    round_.refresh_from_db()
    return round_


def test_round_list_and_detail_are_public(client, voting_round):
    listed = client.get("/api/budgeting/rounds").json()
    assert voting_round.reference in [r["reference"] for r in listed]
    detail = client.get(f"/api/budgeting/rounds/{voting_round.reference}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["phase"] == "voting"
    # Nothing that counts ballots is part of the round's shape.
    assert not {"ballots", "turnout", "votes", "ballots_counted"} & set(body)


def test_unknown_round_is_not_found(client):
    assert client.get("/api/budgeting/rounds/PB-1999-0001").status_code == 404
    assert client.get("/api/budgeting/rounds/PB-1999-0001/proposals").status_code == 404


def test_proposals_show_feasibility_decisions(client, voting_round):
    rows = client.get(f"/api/budgeting/rounds/{voting_round.reference}/proposals").json()
    assert {r["reference"] for r in rows} >= set(refs(voting_round))
    assert all("votes" not in r for r in rows)


@pytest.mark.parametrize("who", ["anonymous", "resident", "commissioner", "superuser"])
def test_no_results_or_export_for_anyone_while_voting_is_open(
    client, voting_round, resident, commissioner, who
):
    user = {
        "anonymous": None,
        "resident": resident,
        "commissioner": commissioner,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }[who]
    if user is not None:
        client.force_login(user)
    ref = voting_round.reference
    assert client.get(f"/api/budgeting/rounds/{ref}/results").status_code == 404
    assert client.get(f"/api/budgeting/rounds/{ref}/export.pb").status_code == 404


def test_officer_sees_computed_result_before_publication_resident_does_not(
    client, voting_round, commissioner, resident
):
    round_ = _close(voting_round, commissioner)
    results_compute(actor=commissioner, round_=round_)
    url = f"/api/budgeting/rounds/{round_.reference}/results"
    client.force_login(resident)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/budgeting/rounds/{round_.reference}/export.pb").status_code == 404
    client.force_login(commissioner)
    body = client.get(url).json()
    assert body["published_at"] is None
    assert body["ballots_counted"] == 3
    export = client.get(f"/api/budgeting/rounds/{round_.reference}/export.pb")
    assert export.status_code == 200
    assert export.content.decode().startswith("META")


def test_published_result_is_public_with_explanations(client, voting_round, commissioner):
    round_ = _close(voting_round, commissioner)
    results_compute(actor=commissioner, round_=round_)
    results_publish(actor=commissioner, round_=round_)
    body = client.get(f"/api/budgeting/rounds/{round_.reference}/results").json()
    assert body["ballots_counted"] == 3
    assert body["spent_pence"] + body["left_pence"] == round_.budget_pence
    assert all(line["explanation"] for line in body["lines"])
    funded = [line for line in body["lines"] if line["funded"]]
    assert sum(line["cost_pence"] for line in funded) == body["spent_pence"]


def test_closed_round_without_result_is_not_found(client, voting_round, commissioner):
    round_ = _close(voting_round, commissioner)
    client.force_login(commissioner)
    assert client.get(f"/api/budgeting/rounds/{round_.reference}/results").status_code == 404


def test_receipt_check_says_counted_without_choices(client, voting_round):
    response = client.post(
        "/api/budgeting/receipts/check",
        {"receipt": voting_round.receipts[1]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True and body["counted"] is True
    assert not {"choices", "projects", "proposals"} & set(body)
    missing = client.post(
        "/api/budgeting/receipts/check", {"receipt": "NOPE-NOPE"}, content_type="application/json"
    ).json()
    assert missing["found"] is False and missing["counted"] is False
