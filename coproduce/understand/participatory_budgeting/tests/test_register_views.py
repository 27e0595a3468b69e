"""Register and ballot pages: officers only, line-numbered problems, throttled guessing,
and a plain statement when eligibility is self-declared."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from coproduce.understand.participatory_budgeting.models import Ballot, Phase, RegisterEntry
from coproduce.understand.participatory_budgeting.services import round_change_phase
from coproduce.understand.participatory_budgeting.services_register import register_upload
from coproduce.understand.participatory_budgeting.views import (
    TOO_MANY_FROM_YOU,
    TOO_MANY_IN_ROUND,
)

from .factories import codes, make_round, refs
from .test_register import REGISTER

pytestmark = pytest.mark.django_db

SELF_DECLARED = b"Eligibility is self-declared in this round"


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def voting_round(commissioner):
    return make_round(commissioner)


@pytest.mark.parametrize("who", ["anonymous", "resident", "provider"])
def test_only_officers_reach_the_register_page(client, request, voting_round, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = reverse("budgeting:manage_register", args=[voting_round.reference])
    expected = 302 if who == "anonymous" else 404
    assert client.get(url).status_code == expected
    assert client.post(url, {"file": _file(REGISTER)}).status_code == expected
    assert RegisterEntry.objects.count() == 0


def test_an_officer_uploads_a_register_and_sees_its_size_but_not_who_voted(
    client, commissioner, voting_round
):
    client.force_login(commissioner)
    url = reverse("budgeting:manage_register", args=[voting_round.reference])
    assert SELF_DECLARED not in client.get(url).content
    response = client.post(url, {"file": _file(REGISTER)}, follow=True)
    assert response.status_code == 200
    assert b"Register saved: 3 people" in response.content
    assert b"Shown once voting has closed" in response.content
    round_change_phase(actor=commissioner, round_=voting_round, to_phase=Phase.RESULTS)
    closed = client.get(url)
    assert b"Shown once voting has closed" not in closed.content
    assert b"Upload the register" not in closed.content


def test_a_register_with_problems_is_shown_with_line_numbers_in_the_error_summary(
    client, commissioner, voting_round
):
    client.force_login(commissioner)
    url = reverse("budgeting:manage_register", args=[voting_round.reference])
    response = client.post(
        url, {"file": _file("Reference,Postcode,Date of birth\nEL-1,RV1 3DP,1/2/80\n")}
    )
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert "Line 2: “1/2/80” needs the year in full".encode() in response.content
    assert RegisterEntry.objects.count() == 0


def test_uploading_with_codes_downloads_one_code_per_person_once(
    client, commissioner, voting_round
):
    client.force_login(commissioner)
    url = reverse("budgeting:manage_register", args=[voting_round.reference])
    response = client.post(url, {"file": _file(REGISTER), "make_codes": "on"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = response.content.decode().splitlines()
    assert rows[0] == "round,reference,postcode,voting_code"
    assert [r.split(",")[1:3] for r in rows[1:]] == [
        ["EL-0001", "RV1 3DP"],
        ["EL-0002", "RV2 4AB"],
        ["EL-0003", "RV1 9ZZ"],
    ]


def test_sixty_wrong_voting_codes_are_stopped_with_429(client, voting_round):
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    a = refs(voting_round)[0]
    statuses = [
        client.post(
            url, {"project": [a], "action": "cast", "code": f"AAAA-BBBB-{i:04d}"}
        ).status_code
        for i in range(60)
    ]
    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}
    response = client.post(url, {"project": [a], "action": "cast", "code": "AAAA-BBBB-CCCC"})
    assert TOO_MANY_FROM_YOU.encode() in response.content
    # Another address is not held up by this one.
    other = client.post(
        url, {"project": [a], "action": "cast", "code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 400


def test_a_right_code_after_the_limit_still_waits_and_the_ballot_is_not_stored(
    client, commissioner, voting_round
):
    [code] = codes(commissioner, voting_round, 1)
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    a = refs(voting_round)[0]
    for i in range(10):
        client.post(url, {"project": [a], "action": "cast", "code": f"AAAA-BBBB-{i:04d}"})
    assert client.post(url, {"project": [a], "action": "cast", "code": code}).status_code == 429
    assert Ballot.objects.count() == 0


def _residency(dob_year: int, a: str) -> dict:
    return {
        "project": [a],
        "action": "cast",
        "postcode": "RV1 3DP",
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": str(dob_year),
    }


def test_guessing_birth_dates_against_a_register_is_stopped_with_429(
    client, commissioner, voting_round
):
    register_upload(actor=commissioner, round_=voting_round, data=REGISTER.encode())
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    a = refs(voting_round)[0]
    statuses = [client.post(url, _residency(1940 + i, a)).status_code for i in range(12)]
    assert statuses == [400] * 10 + [429] * 2
    assert Ballot.objects.count() == 0


def test_self_declared_residency_votes_from_one_address_are_limited(client, voting_round):
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    a = refs(voting_round)[0]
    statuses = [client.post(url, _residency(1940 + i, a)).status_code for i in range(12)]
    assert statuses == [302] * 10 + [429] * 2
    assert Ballot.objects.count() == 10


@override_settings(BUDGETING_ROUND_GUESS_RATE="15/h")
def test_guesses_spread_over_many_addresses_are_limited_per_round(client, voting_round):
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    a = refs(voting_round)[0]
    data = {"project": [a], "action": "cast", "code": "AAAA-BBBB-CCCC"}
    statuses = [client.post(url, data, REMOTE_ADDR=f"10.0.{i}.1").status_code for i in range(16)]
    assert statuses == [400] * 15 + [429]
    response = client.post(url, data, REMOTE_ADDR="10.9.9.9")
    assert TOO_MANY_IN_ROUND.encode() in response.content


def test_pages_say_plainly_when_eligibility_is_self_declared(client, commissioner, voting_round):
    ballot = reverse("budgeting:ballot", args=[voting_round.reference])
    detail = reverse("budgeting:round_detail", args=[voting_round.reference])
    assert SELF_DECLARED in client.get(ballot).content
    assert SELF_DECLARED in client.get(detail).content
    register_upload(actor=commissioner, round_=voting_round, data=REGISTER.encode())
    for url in (ballot, detail):
        content = client.get(url).content
        assert SELF_DECLARED not in content
        assert b"checked against the council" in content
