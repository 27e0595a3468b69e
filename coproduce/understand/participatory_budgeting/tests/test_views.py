"""Budgeting pages: who may see what (denied = 404), bad input (400, nothing saved), no leaks."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.understand.participatory_budgeting.models import (
    Ballot,
    Phase,
    Proposal,
    Round,
    VotingCode,
)
from coproduce.understand.participatory_budgeting.services import (
    Verification,
    ballot_cast,
    results_compute,
    results_publish,
    round_change_phase,
)

from .factories import codes, make_round, png_bytes, refs
from .test_services import PB

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting_round(commissioner):
    return make_round(commissioner)


@pytest.fixture
def voted_round(commissioner):
    """A round with three ballots, closed but with results not yet published."""
    round_ = make_round(commissioner)
    a, b, c = refs(round_)
    for code, choice in zip(
        codes(commissioner, round_, 3), [{a: 1}, {a: 1, b: 1}, {c: 1}], strict=True
    ):
        ballot_cast(round_=round_, choices=choice, verification=Verification(code=code))
    return round_


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


PUBLIC_PAGES = ["budgeting:round_list", "budgeting:receipt_check"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_open_to_anyone(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_round_and_ballot_pages_open_to_anyone(client, voting_round):
    assert (
        client.get(reverse("budgeting:round_detail", args=[voting_round.reference])).status_code
        == 200
    )
    response = client.get(reverse("budgeting:ballot", args=[voting_round.reference]))
    assert response.status_code == 200
    assert b"Cast your vote" in response.content


def test_unknown_round_is_404(client):
    assert client.get(reverse("budgeting:round_detail", args=["PB-1999-0001"])).status_code == 404


def test_round_list_query_count_does_not_grow(client, commissioner):
    make_round(commissioner, phase=Phase.PROPOSALS, costs=())
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("budgeting:round_list"))
    for _ in range(3):
        make_round(commissioner, phase=Phase.PROPOSALS, costs=())
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("budgeting:round_list"))
    assert len(four) == len(one)


MANAGE_GETS = ["manage_round", "manage_batch"]


@pytest.mark.parametrize("who", [None, "resident", "provider", "finance"])
def test_officer_pages_are_404_for_everyone_else(client, voting_round, who):
    user = None if who is None else UserFactory(role=who)
    _login(client, user)
    ref = voting_round.reference
    pid = refs(voting_round)[0]
    proposal_ref = Proposal.objects.get(pb_id=pid).reference
    expected = 302 if user is None else 404  # anonymous people are sent to sign in
    for url in [
        reverse("budgeting:manage_list"),
        reverse("budgeting:manage_create"),
        reverse("budgeting:manage_import"),
        reverse("budgeting:manage_round", args=[ref]),
        reverse("budgeting:manage_batch", args=[ref]),
        reverse("budgeting:manage_register", args=[ref]),
        reverse("budgeting:manage_review", args=[ref, proposal_ref]),
    ]:
        assert client.get(url).status_code == expected, url
    for url in [
        reverse("budgeting:manage_phase", args=[ref]),
        reverse("budgeting:manage_codes", args=[ref]),
        reverse("budgeting:manage_register", args=[ref]),
        reverse("budgeting:manage_compute", args=[ref]),
        reverse("budgeting:manage_publish", args=[ref]),
        reverse("budgeting:manage_batch_confirm", args=[ref, 1]),
        reverse("budgeting:manage_override", args=[ref, proposal_ref]),
    ]:
        assert client.post(url, {"phase": "results", "count": 5}).status_code == expected, url
    assert Round.objects.get(pk=voting_round.pk).phase == Phase.VOTING
    assert VotingCode.objects.count() == 0


def test_officer_pages_open_to_commissioners(client, commissioner, voting_round):
    _login(client, commissioner)
    ref = voting_round.reference
    for url in [
        reverse("budgeting:manage_list"),
        reverse("budgeting:manage_create"),
        reverse("budgeting:manage_import"),
        reverse("budgeting:manage_round", args=[ref]),
        reverse("budgeting:manage_batch", args=[ref]),
        reverse("budgeting:manage_register", args=[ref]),
    ]:
        assert client.get(url).status_code == 200, url


def test_officer_creates_a_round_through_the_form(client, commissioner):
    _login(client, commissioner)
    data = {
        "title": "Ward fund",
        "description": "For the ward.",
        "budget": "20,000",
        "areas": "North: 5,000\nSouth: 5000",
        "ballot_type": "knapsack",
        "rule": "mes",
        "min_age": "16",
        "allow_codes": "on",
        "postcode_areas": "",
    }
    for i, name in enumerate(
        [
            "proposals_open_on",
            "review_starts_on",
            "voting_opens_on",
            "voting_closes_on",
            "results_on",
        ]
    ):
        data.update({f"{name}_0": "1", f"{name}_1": str(i + 2), f"{name}_2": "2027"})
    response = client.post(reverse("budgeting:manage_create"), data)
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.budget_pence == 20_000_00
    assert round_.areas.count() == 2


def test_round_form_errors_answer_400_and_save_nothing(client, commissioner):
    _login(client, commissioner)
    response = client.post(reverse("budgeting:manage_create"), {"title": "", "areas": "North five"})
    assert response.status_code == 400
    assert "Enter a name for the round" in response.content.decode()
    assert "Line 1: write each area" in response.content.decode()
    assert Round.objects.count() == 0


def test_a_resident_proposes_an_idea_with_a_photo_and_sees_it(client, commissioner, resident):
    round_ = make_round(commissioner, phase=Phase.PROPOSALS, costs=())
    _login(client, resident)
    photo = SimpleUploadedFile("bench.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("budgeting:propose", args=[round_.reference]),
        {
            "title": "Benches",
            "description": "By the river",
            "estimated_cost": "1,200",
            "photo": photo,
            "photo_alt": "A bench",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    page = client.get(response["Location"])
    assert b'alt="A bench"' in page.content
    image = client.get(
        reverse("budgeting:proposal_photo", args=[round_.reference, proposal.reference])
    )
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"


def test_a_fake_image_is_refused_with_400(client, commissioner, resident):
    round_ = make_round(commissioner, phase=Phase.PROPOSALS, costs=())
    _login(client, resident)
    fake = SimpleUploadedFile("bench.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        reverse("budgeting:propose", args=[round_.reference]),
        {
            "title": "Benches",
            "description": "x",
            "estimated_cost": "100",
            "photo": fake,
            "photo_alt": "A bench",
        },
    )
    assert response.status_code == 400
    assert "The photo must be a JPG, PNG or WebP image" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_proposing_needs_sign_in_and_an_open_round(client, commissioner, resident, voting_round):
    url = reverse("budgeting:propose", args=[voting_round.reference])
    assert client.get(url).status_code == 302
    _login(client, resident)
    assert client.get(url).status_code == 404


def test_feasibility_review_through_the_form(client, commissioner, resident):
    round_ = make_round(commissioner, phase=Phase.PROPOSALS, costs=(500_00,))
    proposal = round_.proposals.get()
    _login(client, commissioner)
    url = reverse("budgeting:manage_review", args=[round_.reference, proposal.reference])
    response = client.post(url, {"decision": "feasible", "costed": "", "reason": "Fine"})
    assert response.status_code == 400
    assert "Enter the costed amount" in response.content.decode()
    response = client.post(
        url, {"decision": "not_feasible", "reason": "The land is not council land."}
    )
    assert response.status_code == 302
    public = client.get(
        reverse("budgeting:proposal_detail", args=[round_.reference, proposal.reference])
    )
    assert "The land is not council land." in public.content.decode()


def test_recalculate_shows_the_running_total_without_storing_anything(client, voting_round):
    a, b, _ = refs(voting_round)
    response = client.post(
        reverse("budgeting:ballot", args=[voting_round.reference]),
        {"project": [a, b], "action": "recalculate"},
    )
    assert response.status_code == 200
    assert "£7,000 of £10,000 chosen" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_htmx_recalculate_answers_with_the_total_only(client, voting_round):
    a = refs(voting_round)[0]
    response = client.post(
        reverse("budgeting:ballot", args=[voting_round.reference]),
        {"project": [a], "action": "recalculate"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="ballot-total"' in body
    assert "<html" not in body


def test_casting_through_the_page_shows_a_receipt_once(client, commissioner, voting_round):
    [code] = codes(commissioner, voting_round, 1)
    a = refs(voting_round)[0]
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    response = client.post(url, {"project": [a], "action": "cast", "code": code})
    assert response.status_code == 302
    done = client.get(response["Location"])
    receipt = done.context["receipt"]
    assert receipt in done.content.decode()
    again = client.get(response["Location"])
    assert again.status_code == 302  # shown once
    check = client.post(reverse("budgeting:receipt_check"), {"receipt": receipt})
    body = check.content.decode()
    assert "was received on" in body
    assert "will be counted" in body
    assert "Project 1" not in body


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"project": ["P1", "P2", "P3"]}, "more than the £10,000 available"),
        ({"project": ["NOPE"]}, "is not a project on this ballot"),
        ({"project": ["P1"], "code": "AAAA-AAAA-AAAA"}, "We do not recognise this voting code"),
        ({"project": []}, "Choose at least one project"),
    ],
)
def test_bad_ballots_answer_400_with_a_message_and_store_nothing(
    client, commissioner, voting_round, posted, message
):
    [code] = codes(commissioner, voting_round, 1)
    names = dict(zip(["P1", "P2", "P3"], refs(voting_round), strict=True))
    data = {"action": "cast", "code": code, **posted}
    data["project"] = [names.get(p, p) for p in posted["project"]]
    response = client.post(reverse("budgeting:ballot", args=[voting_round.reference]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Ballot.objects.count() == 0


def test_a_used_code_answers_400(client, commissioner, voting_round):
    [code] = codes(commissioner, voting_round, 1)
    a = refs(voting_round)[0]
    url = reverse("budgeting:ballot", args=[voting_round.reference])
    assert client.post(url, {"project": [a], "action": "cast", "code": code}).status_code == 302
    response = client.post(url, {"project": [a], "action": "cast", "code": code})
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_a_closed_round_refuses_ballots_with_400(client, commissioner, voting_round):
    [code] = codes(commissioner, voting_round, 1)
    round_change_phase(actor=commissioner, round_=voting_round, to_phase=Phase.RESULTS)
    response = client.post(
        reverse("budgeting:ballot", args=[voting_round.reference]),
        {"project": [refs(voting_round)[0]], "action": "cast", "code": code},
    )
    assert response.status_code == 400
    assert "Voting is not open" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_codes_download_once_as_csv(client, commissioner, voting_round):
    _login(client, commissioner)
    response = client.post(
        reverse("budgeting:manage_codes", args=[voting_round.reference]), {"count": "4"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert len(rows) == 5
    assert VotingCode.objects.count() == 4
    bad = client.post(
        reverse("budgeting:manage_codes", args=[voting_round.reference]), {"count": "0"}
    )
    assert bad.status_code == 400
    assert VotingCode.objects.count() == 4


def test_paper_batch_same_officer_cannot_confirm_through_the_page(
    client, commissioner, voting_round
):
    _login(client, commissioner)
    a = refs(voting_round)[0]
    assert (
        client.post(
            reverse("budgeting:manage_batch", args=[voting_round.reference]), {"ballots": f"{a}\n"}
        ).status_code
        == 302
    )
    client.post(reverse("budgeting:manage_batch_confirm", args=[voting_round.reference, 1]))
    assert voting_round.batches.get().confirmed_at is None
    other = UserFactory(role="commissioner")
    _login(client, other)
    client.post(reverse("budgeting:manage_batch_confirm", args=[voting_round.reference, 1]))
    assert voting_round.batches.get().confirmed_by == other
    bad = client.post(
        reverse("budgeting:manage_batch", args=[voting_round.reference]), {"ballots": "NOPE\n"}
    )
    assert bad.status_code == 400
    assert "Line 1:" in bad.content.decode()


# --- Nothing leaks before voting closes -------------------------------------------------


def test_no_tally_leaks_while_voting_is_open(client, commissioner, platform_admin, voted_round):
    ref = voted_round.reference
    for user in [None, commissioner, platform_admin]:
        client.logout()
        _login(client, user)
        assert client.get(reverse("budgeting:results", args=[ref])).status_code == 404
        assert client.get(reverse("budgeting:export", args=[ref])).status_code == 404
        detail = client.get(reverse("budgeting:round_detail", args=[ref])).content.decode()
        assert "votes" not in detail.lower()
    _login(client, commissioner)
    manage = client.get(reverse("budgeting:manage_round", args=[ref])).content.decode()
    assert "Votes" not in manage
    assert "ballots counted" not in manage.lower()


def test_django_admin_shows_no_ballots(client, platform_admin, voted_round):
    _login(client, platform_admin)
    assert client.get("/django-admin/budgeting/round/").status_code == 200
    assert client.get("/django-admin/budgeting/ballot/").status_code == 404
    assert client.get("/django-admin/budgeting/ballotchoice/").status_code == 404
    assert client.get("/django-admin/budgeting/votingcode/").status_code == 404
    page = client.get(f"/django-admin/budgeting/round/{voted_round.pk}/change/").content.decode()
    assert voted_round.secret not in page


def test_results_visible_to_officers_after_close_and_to_everyone_after_publication(
    client, commissioner, voted_round
):
    round_ = round_change_phase(actor=commissioner, round_=voted_round, to_phase=Phase.RESULTS)
    results_compute(actor=commissioner, round_=round_)
    url = reverse("budgeting:results", args=[round_.reference])
    assert client.get(url).status_code == 404
    assert client.get(reverse("budgeting:export", args=[round_.reference])).status_code == 404
    _login(client, commissioner)
    page = client.get(url)
    assert page.status_code == 200
    assert "Not published" in page.content.decode()
    assert client.get(reverse("budgeting:export", args=[round_.reference])).status_code == 200
    results_publish(actor=commissioner, round_=round_)
    client.logout()
    page = client.get(url).content.decode()
    assert "Why each project was or was not funded" in page
    assert "Not published" not in page
    export = client.get(reverse("budgeting:export", args=[round_.reference]))
    assert export.status_code == 200
    assert export.content.startswith(b"META")


def test_override_shows_its_public_reason(client, commissioner, voted_round):
    round_ = round_change_phase(actor=commissioner, round_=voted_round, to_phase=Phase.RESULTS)
    result = results_compute(actor=commissioner, round_=round_)
    line = (
        result.lines.filter(funded=False).select_related("proposal").first()
        or result.lines.select_related("proposal").first()
    )
    _login(client, commissioner)
    url = reverse("budgeting:manage_override", args=[round_.reference, line.proposal.reference])
    flip = "no" if line.funded else "yes"
    bad = client.post(url, {"funded": flip, "reason": ""})
    assert bad.status_code == 400
    assert client.post(url, {"funded": flip, "reason": "Parish match funding."}).status_code == 302
    results_publish(actor=commissioner, round_=round_)
    client.logout()
    assert (
        "Parish match funding."
        in client.get(reverse("budgeting:results", args=[round_.reference])).content.decode()
    )


def test_import_page_reports_line_and_reason(client, commissioner):
    _login(client, commissioner)
    bad = SimpleUploadedFile("x.pb", PB.replace("4;3\n", "4;3;extra\n").encode())
    response = client.post(reverse("budgeting:manage_import"), {"file": bad})
    assert response.status_code == 400
    assert "Line 21:" in response.content.decode()
    assert Round.objects.count() == 0
    good = SimpleUploadedFile("x.pb", PB.encode())
    response = client.post(reverse("budgeting:manage_import"), {"file": good, "title": "Imported"})
    assert response.status_code == 302
    assert Round.objects.get().phase == Phase.RESULTS


def test_missing_ideas_photos_and_rounds_are_404(client, commissioner, voting_round):
    ref = voting_round.reference
    proposal = voting_round.proposals.first()
    assert (
        client.get(reverse("budgeting:proposal_detail", args=[ref, "PBP-1999-0001"])).status_code
        == 404
    )
    assert (
        client.get(reverse("budgeting:proposal_photo", args=[ref, proposal.reference])).status_code
        == 404
    )
    assert client.get(reverse("budgeting:ballot", args=["PB-1999-0001"])).status_code == 404
    assert client.get(reverse("budgeting:results", args=["PB-1999-0001"])).status_code == 404
    _login(client, commissioner)
    assert client.get(reverse("budgeting:manage_round", args=["PB-1999-0001"])).status_code == 404
    assert client.post(reverse("budgeting:manage_batch_confirm", args=[ref, 99])).status_code == 404
    assert (
        client.get(reverse("budgeting:manage_override", args=[ref, proposal.reference])).status_code
        == 404
    )


def test_the_receipt_page_without_a_fresh_vote_sends_people_to_the_check(client, voting_round):
    response = client.get(reverse("budgeting:ballot_done", args=[voting_round.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("budgeting:receipt_check")


def test_an_unknown_receipt_is_a_form_error(client):
    response = client.post(reverse("budgeting:receipt_check"), {"receipt": "AAAA-BBBB-CCCC"})
    assert response.status_code == 400
    assert "We could not find a vote with this receipt code" in response.content.decode()


def test_import_with_a_budget_of_1e309_is_a_line_error_not_a_server_error(client, commissioner):
    """Issue 12: a ``.pb`` file with ``budget;1e309`` was a server error."""
    _login(client, commissioner)
    huge = re.sub(r"(?m)^budget;.*$", "budget;1e309", PB)
    response = client.post(
        reverse("budgeting:manage_import"), {"file": SimpleUploadedFile("x.pb", huge.encode())}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert Round.objects.count() == 0
