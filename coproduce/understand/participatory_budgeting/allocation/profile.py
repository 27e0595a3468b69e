"""Turn an :class:`Election` into the integer data the rules work on.

* Money is scaled to integers: every cost and the budget are multiplied by the
  smallest ``scale`` that makes them whole (1 for every real file seen so far).
* Identical ballots are grouped: a group has a weight (how many voters cast
  it) and a tuple of ``(project index, utility weight)`` pairs.
* Projects are indexed in the order of their ids as strings, and groups are
  sorted, so nothing depends on the order of projects or ballots in the file.

Utilities (see docs/allocation.md):

* approval and choose-1 ballots -- *cost utilities*: a voter who approves a
  project values it at its cost.  Internally the utility weight is 1 and the
  Equal Shares rule compares price per unit of cost (mode ``"cost"``).
* cumulative and scoring ballots -- the points the voter gave.
* ordinal ballots -- positional points: in a ranking of L projects the first
  gets L points, the second L - 1, ..., the last 1.  This reproduces the
  ``score`` column of both ordinal files in the test data (Kraków 2024 and
  Chicago 2021).

The *score* used by the greedy rule is the number of votes for approval
ballots and the total of these points otherwise.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from .model import APPROVAL_TYPES, Election
from .pabulib import parse_number

THRESHOLD_KEYS = ("min_project_score_threshold",)
MIN_VOTES_KEYS = ("min_votes",)


class AllocationError(ValueError):
    """An election that the rules cannot allocate (e.g. negative scores)."""


@dataclass(frozen=True)
class NumericProfile:
    """Integer view of an election.

    Invariants: ``costs`` and ``budget`` are non-negative integers in units of
    ``1/scale`` of the currency; every utility weight in ``groups`` is a
    positive integer; group weights sum to ``n_voters``.
    """

    ids: tuple[str, ...]
    costs: tuple[int, ...]
    scale: int
    budget: int
    n_voters: int
    mode: str
    groups: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]
    votes: tuple[int, ...]
    score: tuple[Fraction, ...]
    eligible: tuple[bool, ...]
    threshold: Fraction | None
    min_votes: int | None
    utility_scale: int = 1

    def tie_key(self, j: int) -> tuple[int, int, str]:
        """Tie-breaking key: lowest cost first, then most votes, then id (as text)."""
        return (self.costs[j], -self.votes[j], self.ids[j])

    def to_money(self, scaled: int | Fraction) -> Fraction:
        """Convert a scaled amount back to currency units."""
        return Fraction(scaled) / self.scale


def _lcm_of_denominators(values: list[Fraction]) -> int:
    result = 1
    for value in values:
        result = math.lcm(result, value.denominator)
    return result


def _ballot_utilities(
    election: Election, ballot_index: int, index: dict[str, int]
) -> tuple[tuple[int, int | Fraction], ...]:
    ballot = election.ballots[ballot_index]
    vote_type = election.vote_type
    if vote_type in APPROVAL_TYPES:
        return tuple((index[pid], 1) for pid in ballot.projects)
    if vote_type == "ordinal":
        length = len(ballot.projects)
        return tuple((index[pid], length - i) for i, pid in enumerate(ballot.projects))
    points = ballot.points or ()
    pairs: list[tuple[int, int | Fraction]] = []
    for pid, value in zip(ballot.projects, points, strict=True):
        if value < 0:
            raise AllocationError(
                f"voter {ballot.voter_id!r} gave negative points; the rules need points of 0 or more"
            )
        if value > 0:
            pairs.append((index[pid], value.numerator if value.denominator == 1 else value))
    return tuple(pairs)


def build_profile(election: Election) -> NumericProfile:
    """Build the :class:`NumericProfile` of an election.

    Invariant: the result depends only on the multiset of ballots and the set
    of projects, not on their order in the file.
    """
    ids = tuple(sorted(election.projects))
    index = {pid: j for j, pid in enumerate(ids)}
    money = [election.budget] + [election.projects[pid].cost for pid in ids]
    scale = _lcm_of_denominators(money)
    costs = tuple(int(election.projects[pid].cost * scale) for pid in ids)
    budget = int(election.budget * scale)

    raw_groups: Counter[tuple[tuple[int, int | Fraction], ...]] = Counter()
    for b in range(len(election.ballots)):
        raw_groups[tuple(sorted(_ballot_utilities(election, b, index)))] += 1
    utility_scale = 1
    for pairs in raw_groups:
        for _, u in pairs:
            if isinstance(u, Fraction):
                utility_scale = math.lcm(utility_scale, u.denominator)
    if utility_scale == 1:
        groups = tuple(sorted((weight, pairs) for pairs, weight in raw_groups.items()))
    else:
        groups = tuple(
            sorted(
                (weight, tuple((j, int(u * utility_scale)) for j, u in pairs))
                for pairs, weight in raw_groups.items()
            )
        )
    votes = [0] * len(ids)
    points = [0] * len(ids)
    for weight, pairs in groups:
        for j, a in pairs:
            votes[j] += weight
            points[j] += weight * a
    score = [Fraction(v, utility_scale) for v in points]

    threshold = None
    for key in THRESHOLD_KEYS:
        if key in election.meta:
            threshold = parse_number(election.meta[key], 0, key)
    min_votes = None
    for key in MIN_VOTES_KEYS:
        if key in election.meta:
            min_votes = math.ceil(parse_number(election.meta[key], 0, key))
    eligible = tuple(
        (threshold is None or score[j] >= threshold)
        and (min_votes is None or votes[j] >= min_votes)
        for j in range(len(ids))
    )
    return NumericProfile(
        ids=ids,
        costs=costs,
        scale=scale,
        budget=budget,
        n_voters=len(election.ballots),
        mode="cost" if election.vote_type in APPROVAL_TYPES else "points",
        groups=groups,
        votes=tuple(votes),
        score=tuple(score),
        eligible=eligible,
        threshold=threshold,
        min_votes=min_votes,
        utility_scale=utility_scale,
    )
