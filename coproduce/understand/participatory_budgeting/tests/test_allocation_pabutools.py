"""Plain MES and greedy agree with the reference library pabutools on every
real file, given the same utilities and the same tie-breaking rule.

pabutools is a test dependency only.  Its parser reads the same files; we
hand it a TieBreakingRule equal to ours (lowest cost, then most votes, then
id as text) and satisfaction functions equal to our utilities:

* approval: ``Cost_Sat`` (cost utilities) -- its greedy density
  ``votes * cost / cost`` is the vote count, so greedy is greedy-by-votes;
* cumulative: ``Additive_Cardinal_Sat`` (the points);
* ordinal: positional points ``L - position`` (defined below);
* for greedy, satisfaction ``score * cost`` so that pabutools' density
  (satisfaction / cost) is the score (votes, or points).  pabutools' own
  satisfaction profiles evaluate every (ballot, project) pair in Python,
  which takes ~20 s on Kraków, so greedy is given :class:`ScoreTotals`: the
  same totals, summed in one pass over pabutools' own parsed profile.  One
  test checks this against pabutools' built-in ``Cost_Sat``.
"""

from __future__ import annotations

from functools import cache

import pytest
from pabutools.election import (
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from coproduce.understand.participatory_budgeting.allocation import allocate
from coproduce.understand.participatory_budgeting.tests import data_files, data_path, load_election


def _points(ballot) -> dict:
    if hasattr(ballot, "position"):  # ordinal: L - position
        return {p: len(ballot) - ballot.position(p) for p in ballot}
    return {p: ballot[p] for p in ballot}  # cumulative: the points


class OrdinalPointsSat(AdditiveSatisfaction):
    """Positional points ``L - position`` of a ranking of length L."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, lambda i, pr, b, p, pre: pre.get(p, 0))

    def preprocessing(self, instance, profile, ballot):
        return _points(ballot)


class PointsTimesCostSat(AdditiveSatisfaction):
    """Points times cost, so that pabutools' greedy density is the points."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, lambda i, pr, b, p, pre: pre.get(p, 0) * p.cost)

    def preprocessing(self, instance, profile, ballot):
        return _points(ballot)


class ScoreTotals:
    """Stand-in satisfaction profile exposing only what pabutools' additive
    greedy reads: ``total_satisfaction_project`` (score times cost)."""

    def __init__(self, multi, vote_type: str) -> None:
        self.totals: dict = {}
        for ballot, count in multi.items():
            if vote_type in ("approval", "choose-1"):
                points = dict.fromkeys(ballot, 1)
            else:
                points = _points(ballot)
            for project, value in points.items():
                self.totals[project] = self.totals.get(project, 0) + count * value

    def total_satisfaction_project(self, project):
        return self.totals.get(project, 0) * project.cost


@cache
def loaded(name: str):
    path = str(data_path(name))
    instance, profile = parse_pabulib(path)
    multi = profile.as_multiprofile()
    election = load_election(name)
    votes: dict[str, int] = {}
    for ballot in election.ballots:
        for pid in ballot.projects:
            votes[pid] = votes.get(pid, 0) + 1
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes.get(proj.name, 0), proj.name))
    return instance, profile, multi, election, tie


def _mes_sat(vote_type: str):
    if vote_type in ("approval", "choose-1"):
        return Cost_Sat
    if vote_type == "ordinal":
        return OrdinalPointsSat
    return Additive_Cardinal_Sat


@pytest.mark.parametrize("name", data_files())
def test_plain_mes_matches_pabutools(name: str) -> None:
    instance, _, multi, election, tie = loaded(name)
    theirs = method_of_equal_shares(
        instance, multi, sat_class=_mes_sat(election.vote_type), tie_breaking=tie
    )
    ours = allocate(election, "mes")
    assert list(ours.selected) == [p.name for p in theirs]


@pytest.mark.parametrize("name", data_files())
def test_greedy_matches_pabutools(name: str) -> None:
    instance, _, multi, election, tie = loaded(name)
    totals = ScoreTotals(multi, election.vote_type)
    theirs = greedy_utilitarian_welfare(
        instance, multi, sat_profile=totals, is_sat_additive=True, tie_breaking=tie
    )
    ours = allocate(election, "greedy")
    assert list(ours.selected) == [p.name for p in theirs]


@pytest.mark.parametrize(
    ("name", "sat"),
    [
        ("Netherlands_Assen_2024.pb", Cost_Sat),
        ("Netherlands_Amsterdam_588.pb", Cost_Sat),
        ("France_Toulouse_2019.pb", PointsTimesCostSat),
        ("US_Stanford_Dataset_PB_Chicago_39th_Ward_2021_vote_rankings.pb", PointsTimesCostSat),
    ],
)
def test_score_totals_equal_pabutools_own_satisfaction(name: str, sat) -> None:
    instance, _, multi, election, tie = loaded(name)
    theirs = greedy_utilitarian_welfare(instance, multi, sat_class=sat, tie_breaking=tie)
    ours = allocate(election, "greedy")
    assert list(ours.selected) == [p.name for p in theirs]


def test_pabutools_default_tie_breaking_differs_only_by_ties() -> None:
    """With pabutools' default (id as text) the Assen result is the same set:
    the three official Equal Shares files have no tie that matters."""
    instance, _, multi, election, _ = loaded("Netherlands_Assen_2024.pb")
    theirs = method_of_equal_shares(instance, multi, sat_class=Cost_Sat)
    assert {p.name for p in theirs} == set(allocate(election, "mes").selected)
