"""The rules reproduce the official outcomes recorded in the real elections."""

from __future__ import annotations

import pytest

from coproduce.understand.participatory_budgeting.allocation import (
    Election,
    allocate,
    build_profile,
)
from coproduce.understand.participatory_budgeting.tests import data_files, load_election

EQUAL_SHARES_FILES = [
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
]


def election(name: str) -> Election:
    return load_election(name)


def official(e: Election) -> set[str]:
    return {pid for pid, p in e.projects.items() if p.fields.get("selected") == "1"}


@pytest.mark.parametrize("name", EQUAL_SHARES_FILES)
def test_mes_add1_reproduces_official_equal_shares_outcomes(name: str) -> None:
    e = election(name)
    assert e.meta["rule"].startswith("equalshares/add1")
    outcome = allocate(e, "mes-add1")
    assert set(outcome.selected) == official(e)
    assert outcome.spent <= e.budget


def test_greedy_completion_would_break_assen() -> None:
    """Evidence for leaving greedy completion off by default: in Assen it
    would add project 7 (RuBox), which was not funded."""
    e = election("Netherlands_Assen_2024.pb")
    completed = allocate(e, "mes-add1", greedy_completion=True)
    assert set(completed.selected) == official(e) | {"7"}


@pytest.mark.parametrize("name", EQUAL_SHARES_FILES[1:])
def test_greedy_completion_changes_nothing_in_swiecie_and_wieliczka(name: str) -> None:
    e = election(name)
    assert set(allocate(e, "mes-add1", greedy_completion=True).selected) == official(e)


def greedy_files_with_selected() -> list[str]:
    names = []
    for name in data_files():
        e = election(name)
        has_selected = any("selected" in p.fields for p in e.projects.values())
        if e.meta.get("rule") == "greedy" and has_selected:
            names.append(name)
    return names


def test_there_are_greedy_files_with_official_outcomes() -> None:
    assert greedy_files_with_selected() == [
        "Poland_Krakow_2024.pb",
        "Poland_Warszawa_2023_Mokotow.pb",
    ]


@pytest.mark.parametrize("name", ["Poland_Krakow_2024.pb", "Poland_Warszawa_2023_Mokotow.pb"])
def test_greedy_reproduces_official_greedy_outcomes(name: str) -> None:
    e = election(name)
    outcome = allocate(e, "greedy")
    assert set(outcome.selected) == official(e)


@pytest.mark.parametrize("name", data_files())
def test_votes_and_points_match_the_files_own_columns(name: str) -> None:
    """Our votes, and our points for cumulative and ordinal ballots, equal the
    ``votes`` and ``score`` columns of every file that has them."""
    e = election(name)
    profile = build_profile(e)
    for j, pid in enumerate(profile.ids):
        fields = e.projects[pid].fields
        if "votes" in fields:
            assert profile.votes[j] == int(fields["votes"]), pid
        if "score" in fields:
            assert profile.score[j] == int(fields["score"]), pid


def test_threshold_is_honoured() -> None:
    e = election("Poland_Warszawa_2023_Mokotow.pb")
    meta = dict(e.meta, min_project_score_threshold="2000")
    strict = Election(
        meta, e.budget, e.vote_type, e.project_columns, e.projects, e.vote_columns, e.ballots
    )
    profile = build_profile(strict)
    outcome = allocate(strict, "greedy", explain=True)
    for pid in outcome.selected:
        assert profile.votes[profile.ids.index(pid)] >= 2000
    assert outcome.explanations is not None
    below = [i for i in outcome.explanations.values() if i.reason == "below-threshold"]
    assert below
    assert all(i.votes < 2000 for i in below)
