"""Budgeting services: rounds, ideas, codes, ballots, paper batches, results, pabulib."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.participatory_budgeting.allocation import parse_pabulib_text
from coproduce.understand.participatory_budgeting.engine import export_text
from coproduce.understand.participatory_budgeting.models import (
    Ballot,
    BallotChoice,
    Phase,
    Proposal,
    Result,
    Round,
    Voter,
    VotingCode,
)
from coproduce.understand.participatory_budgeting.selectors import receipt_status
from coproduce.understand.participatory_budgeting.services import (
    ProposalData,
    Verification,
    ballot_cast,
    batch_confirm,
    batch_enter,
    codes_issue,
    proposal_submit,
    result_override,
    results_compute,
    results_publish,
    round_change_phase,
    round_create,
)
from coproduce.understand.participatory_budgeting.services_import import round_import

from .factories import codes, make_round, png_bytes, refs, round_data

pytestmark = pytest.mark.django_db


def _close(actor, round_):
    return round_change_phase(actor=actor, round_=round_, to_phase=Phase.RESULTS)


def test_creating_a_round_with_areas_is_audited(commissioner):
    round_ = round_create(
        actor=commissioner, data=round_data(areas=[("North", 4000_00), ("South", 3000_00)])
    )
    assert round_.reference.startswith("PB-")
    assert round_.phase == Phase.PROPOSALS
    assert [a.name for a in round_.areas.all()] == ["North", "South"]
    assert AuditEvent.objects.filter(
        verb="budgeting.round.created", target_id=str(round_.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"budget_pence": 0}, "not_positive"),
        ({"voting_closes_on": dt.date(2027, 2, 1)}, "dates_out_of_order"),
        ({"areas": [("North", 9000_00), ("South", 3000_00)]}, "areas_over_budget"),
        ({"ballot_type": "cumulative", "points": None}, "points_required"),
        ({"ballot_type": "approval", "min_choices": 3, "max_choices": 2}, "max_below_min"),
        ({"allow_codes": False, "allow_residency": False}, "no_verification"),
        ({"allow_residency": True, "postcode_areas": ""}, "postcodes_required"),
    ],
)
def test_a_round_with_bad_settings_is_refused_and_nothing_saved(commissioner, overrides, code):
    with pytest.raises(ServiceError) as exc:
        round_create(actor=commissioner, data=round_data(**overrides))
    assert exc.value.code == code
    assert Round.objects.count() == 0


def test_residents_cannot_create_rounds(resident):
    with pytest.raises(NotFound):
        round_create(actor=resident, data=round_data())


def test_a_resident_proposes_an_idea_with_a_checked_photo(commissioner, resident):
    round_ = round_create(actor=commissioner, data=round_data())
    proposal = proposal_submit(
        actor=resident,
        round_=round_,
        data=ProposalData(
            title="Benches",
            description="By the river.",
            estimated_cost_pence=900_00,
            photo=png_bytes(),
            photo_alt="A bench",
        ),
    )
    assert proposal.photo_content_type == "image/png"
    assert AuditEvent.objects.filter(verb="budgeting.proposal.submitted").count() == 1


@pytest.mark.parametrize(
    ("photo", "alt", "code"),
    [
        (b"not an image at all", "x", "photo_not_image"),
        (b"GIF89a" + b"\x00" * 40, "x", "photo_not_image"),
        (png_bytes(), "", "required"),
    ],
)
def test_a_bad_photo_is_refused(commissioner, resident, photo, alt, code):
    round_ = round_create(actor=commissioner, data=round_data())
    with pytest.raises(ServiceError) as exc:
        proposal_submit(
            actor=resident,
            round_=round_,
            data=ProposalData(
                title="Benches",
                description="x",
                estimated_cost_pence=100,
                photo=photo,
                photo_alt=alt,
            ),
        )
    assert exc.value.code == code
    assert Proposal.objects.count() == 0


def test_voting_cannot_open_while_ideas_wait_for_a_check(commissioner):
    round_ = make_round(commissioner, phase=Phase.REVIEW)
    Proposal.objects.filter(round=round_).update(status="submitted", costed_pence=None)
    with pytest.raises(ServiceError) as exc:
        round_change_phase(actor=commissioner, round_=round_, to_phase=Phase.VOTING)
    assert exc.value.code == "no_projects"
    Proposal.objects.filter(round=round_, pk=round_.proposals.first().pk).update(
        status="feasible", costed_pence=100
    )
    with pytest.raises(ServiceError) as exc:
        round_change_phase(actor=commissioner, round_=round_, to_phase=Phase.VOTING)
    assert exc.value.code == "unchecked_ideas"
    assert Round.objects.get(pk=round_.pk).phase == Phase.REVIEW


def test_codes_are_stored_only_as_hashes_and_the_audit_keeps_the_count(commissioner):
    round_ = make_round(commissioner)
    issued = codes_issue(actor=commissioner, round_=round_, count=5)
    assert len(set(issued)) == 5
    stored = list(VotingCode.objects.values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in "".join(stored) for code in issued)
    event = AuditEvent.objects.get(verb="budgeting.codes.issued")
    assert event.changes == {"count": 5}


def test_a_code_votes_once_and_the_receipt_shows_it_was_received(commissioner):
    round_ = make_round(commissioner)
    [code] = codes(commissioner, round_, 1)
    a, b, _ = refs(round_)
    receipt = ballot_cast(
        round_=round_, choices={a: 1, b: 1}, verification=Verification(code=code.lower())
    )
    assert Ballot.objects.count() == 1
    status = receipt_status(receipt=receipt)
    assert status.found
    assert status.counted
    assert status.superseded_at is None
    with pytest.raises(ServiceError) as exc:
        ballot_cast(round_=round_, choices={a: 1}, verification=Verification(code=code))
    assert exc.value.code == "already_voted"
    assert Ballot.objects.count() == 1
    event = AuditEvent.objects.get(verb="budgeting.ballot.cast")
    assert set(event.changes) == {"channel", "replaced_earlier_ballot"}


def test_changing_a_vote_with_the_receipt_supersedes_the_old_ballot(commissioner):
    round_ = make_round(commissioner)
    [code] = codes(commissioner, round_, 1)
    a, b, _ = refs(round_)
    first = ballot_cast(round_=round_, choices={a: 1}, verification=Verification(code=code))
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_,
            choices={b: 1},
            verification=Verification(code=code, previous_receipt="WRONG-WRON-GWRO"),
        )
    assert exc.value.code == "wrong_receipt"
    second = ballot_cast(
        round_=round_, choices={b: 1}, verification=Verification(code=code, previous_receipt=first)
    )
    assert Ballot.objects.count() == 2
    assert Ballot.objects.filter(superseded_at__isnull=True).count() == 1
    assert receipt_status(receipt=first).superseded_at is not None
    assert receipt_status(receipt=second).counted


def test_residency_keeps_only_a_hash_of_postcode_and_birth_date(commissioner):
    round_ = make_round(commissioner)
    a = refs(round_)[0]
    ballot_cast(
        round_=round_,
        choices={a: 1},
        verification=Verification(postcode="rv1 3dp", date_of_birth=dt.date(1980, 5, 17)),
    )
    voter = Voter.objects.get()
    assert "RV1" not in voter.key
    assert "1980" not in voter.key
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_,
            choices={a: 1},
            verification=Verification(postcode="RV13DP", date_of_birth=dt.date(1980, 5, 17)),
        )
    assert exc.value.code == "already_voted"


@pytest.mark.parametrize(
    ("postcode", "dob", "code"),
    [
        ("ZZ9 9ZZ", dt.date(1980, 1, 1), "outside_area"),
        ("nonsense", dt.date(1980, 1, 1), "invalid_postcode"),
        ("RV1 3DP", dt.date(2015, 1, 1), "too_young"),
        ("RV1 3DP", None, "dob_required"),
    ],
)
def test_residency_check_refuses_ineligible_people(commissioner, postcode, dob, code):
    round_ = make_round(commissioner)
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_,
            choices={refs(round_)[0]: 1},
            verification=Verification(postcode=postcode, date_of_birth=dob),
        )
    assert exc.value.code == code
    assert Ballot.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "choices", "code"),
    [
        ("knapsack", {0: 1, 1: 1, 2: 1}, "over_budget"),
        ("knapsack", {}, "empty_ballot"),
        ("approval", {0: 1}, "too_few"),
        ("approval", {0: 1, 1: 1, 2: 1}, "too_many"),
        ("cumulative", {0: 6, 1: 5}, "too_many_points"),
    ],
)
def test_ballots_breaking_the_rules_are_refused_and_nothing_stored(
    commissioner, kind, choices, code
):
    round_ = make_round(commissioner, ballot_type=kind, min_choices=2, max_choices=2, points=10)
    [voting_code] = codes(commissioner, round_, 1)
    r = refs(round_)
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_,
            choices={r[i]: v for i, v in choices.items()},
            verification=Verification(code=voting_code),
        )
    assert exc.value.code == code
    assert Ballot.objects.count() == BallotChoice.objects.count() == 0
    assert VotingCode.objects.get().used_at is None


def test_unknown_project_unknown_code_and_closed_round_are_refused(commissioner):
    round_ = make_round(commissioner)
    [code] = codes(commissioner, round_, 1)
    with pytest.raises(ServiceError) as exc:
        ballot_cast(round_=round_, choices={"NOPE": 1}, verification=Verification(code=code))
    assert exc.value.code == "unknown_project"
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_,
            choices={refs(round_)[0]: 1},
            verification=Verification(code="AAAA-BBBB-CCCC"),
        )
    assert exc.value.code == "unknown_code"
    round_ = _close(commissioner, round_)
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_, choices={refs(round_)[0]: 1}, verification=Verification(code=code)
        )
    assert exc.value.code == "round_closed"
    assert Ballot.objects.count() == 0


def test_knapsack_limits_apply_per_area(commissioner):
    round_ = make_round(
        commissioner,
        costs=(3000_00, 3000_00, 3000_00, 3000_00),
        areas=[("North", 5000_00), ("South", 5000_00)],
    )
    [code] = codes(commissioner, round_, 1)
    north = list(round_.proposals.filter(area__name="North").values_list("pb_id", flat=True))
    with pytest.raises(ServiceError) as exc:
        ballot_cast(
            round_=round_, choices=dict.fromkeys(north, 1), verification=Verification(code=code)
        )
    assert exc.value.code == "over_budget"
    assert "North" in exc.value.message


def test_paper_batches_count_only_after_another_officer_confirms(commissioner):
    round_ = make_round(commissioner)
    a, b, c = refs(round_)
    batch = batch_enter(actor=commissioner, round_=round_, text=f"{a}, {b}\n{c}\n")
    assert batch.ballots.count() == 2
    with pytest.raises(ServiceError) as exc:
        batch_confirm(actor=commissioner, batch=batch)
    assert exc.value.code == "same_officer"
    round_ = _close(commissioner, round_)
    result = results_compute(actor=commissioner, round_=round_)
    assert result.ballots_counted == 0  # unconfirmed batches are not counted
    assert AuditEvent.objects.filter(verb="budgeting.batch.entered").count() == 1


def test_a_confirmed_batch_is_counted(commissioner):
    other = UserFactory(role="commissioner")
    round_ = make_round(commissioner)
    a, b, c = refs(round_)
    batch = batch_enter(actor=commissioner, round_=round_, text=f"{a}, {b}\n{c}\n")
    batch_confirm(actor=other, batch=batch)
    round_ = _close(commissioner, round_)
    assert results_compute(actor=commissioner, round_=round_).ballots_counted == 2
    assert AuditEvent.objects.filter(verb="budgeting.batch.confirmed").count() == 1


def test_a_paper_batch_with_a_bad_line_names_the_line_and_stores_nothing(commissioner):
    round_ = make_round(commissioner)
    a = refs(round_)[0]
    with pytest.raises(ServiceError) as exc:
        batch_enter(actor=commissioner, round_=round_, text=f"{a}\nNOPE\n")
    assert exc.value.message.startswith("Line 2:")
    assert Ballot.objects.count() == 0


def test_results_fund_projects_explain_each_and_overrides_need_a_reason(commissioner):
    round_ = make_round(commissioner)
    a, b, c = refs(round_)
    issued = codes(commissioner, round_, 4)
    for code, choice in zip(issued, [{a: 1, b: 1}, {a: 1}, {b: 1}, {c: 1}], strict=True):
        ballot_cast(round_=round_, choices=choice, verification=Verification(code=code))
    with pytest.raises(ServiceError):
        results_compute(actor=commissioner, round_=round_)  # voting still open
    round_ = _close(commissioner, round_)
    result = results_compute(actor=commissioner, round_=round_)
    lines = {ln.proposal.pb_id: ln for ln in result.lines.select_related("proposal")}
    assert lines[a].votes == 2
    assert lines[c].votes == 1
    assert sum(ln.cost_pence for ln in lines.values() if ln.funded) <= round_.budget_pence
    assert all(ln.explanation.endswith(".") for ln in lines.values())
    unfunded = next(ln for ln in lines.values() if not ln.funded)
    with pytest.raises(ServiceError) as exc:
        result_override(actor=commissioner, line=unfunded, funded=True, reason=" ")
    assert exc.value.code == "required"
    result_override(
        actor=commissioner, line=unfunded, funded=True, reason="Match funding from the parish."
    )
    results_publish(actor=commissioner, round_=round_)
    results_publish(actor=commissioner, round_=round_)
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="budgeting.results")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "budgeting.results.computed",
        "budgeting.results.overridden",
        "budgeting.results.published",
    ]
    with pytest.raises(ServiceError) as exc:
        results_compute(actor=commissioner, round_=round_)
    assert exc.value.code == "already_published"


def test_cumulative_ballots_are_counted_by_points(commissioner):
    round_ = make_round(commissioner, ballot_type="cumulative", points=10, rule="greedy")
    a, b, c = refs(round_)
    issued = codes(commissioner, round_, 2)
    ballot_cast(round_=round_, choices={a: 7, b: 3}, verification=Verification(code=issued[0]))
    ballot_cast(round_=round_, choices={c: 10}, verification=Verification(code=issued[1]))
    round_ = _close(commissioner, round_)
    result = results_compute(actor=commissioner, round_=round_)
    scores = {ln.proposal.pb_id: ln.score for ln in result.lines.select_related("proposal")}
    assert scores == {a: 7, b: 3, c: 10}


PB = """META
key;value
description;Test import
country;United Kingdom
unit;Riverside
instance;2026
num_projects;3
num_votes;4
budget;1000
vote_type;approval
PROJECTS
project_id;cost;name
1;600;Playground
2;400;Library books
3;500;Benches
VOTES
voter_id;vote
1;1,2
2;1
3;2,3
4;3
"""


def test_importing_a_pabulib_file_makes_a_finished_round_with_results(commissioner):
    round_ = round_import(actor=commissioner, text=PB)
    assert round_.phase == Phase.RESULTS
    assert round_.imported
    assert round_.budget_pence == 1000_00
    assert round_.proposals.count() == 3
    result = Result.objects.get(round=round_)
    assert result.ballots_counted == 4
    assert result.published_at is None
    assert AuditEvent.objects.filter(verb="budgeting.round.imported").exists()


def test_export_round_trips_through_the_engine_parser(commissioner):
    round_ = round_import(actor=commissioner, text=PB)
    election = parse_pabulib_text(export_text(round_))
    assert election.budget == 1000
    assert sorted(election.projects) == ["1", "2", "3"]
    assert sorted(b.projects for b in election.ballots) == sorted(
        [("1", "2"), ("1",), ("2", "3"), ("3",)]
    )


def test_a_malformed_file_reports_line_and_reason_and_creates_nothing(commissioner):
    bad = PB.replace("3;2,3", "3;2,9")
    with pytest.raises(ServiceError) as exc:
        round_import(actor=commissioner, text=bad)
    assert exc.value.message.startswith("Line 20:")
    assert "unknown project" in exc.value.message
    assert Round.objects.count() == 0
