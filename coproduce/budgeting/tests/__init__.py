"""Tests for the budgeting app.

Shared helpers for the allocation tests live here: where the real pabulib
elections are, and a deliberately simple reference implementation of the
rules (one voter at a time, exact fractions, no cleverness) that the fast
engine is checked against.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "pabulib"


def data_path(name: str) -> Path:
    """Path of a pabulib file; fails the test loudly (never skips) if absent."""
    if not DATA_DIR.is_dir():
        pytest.fail(f"pabulib data folder is missing: {DATA_DIR}", pytrace=False)
    path = DATA_DIR / name
    if not path.is_file():
        pytest.fail(f"pabulib file is missing: {path}", pytrace=False)
    return path


@cache
def load_election(name: str):
    """Parse a real file once per test session (the elections are immutable)."""
    from coproduce.budgeting.allocation import parse_pabulib

    return parse_pabulib(data_path(name))


def data_files() -> list[str]:
    """Names listed in SOURCES.tsv (read at collection time; fails loudly)."""
    sources = DATA_DIR / "SOURCES.tsv"
    if not sources.is_file():
        raise AssertionError(f"pabulib data folder or SOURCES.tsv is missing: {sources}")
    names = []
    for line in sources.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            names.append(line.split("\t")[0])
    return names


# -- reference implementation (slow and simple on purpose) ------------------


def ref_profile(election):
    """Per-voter utilities: list of dicts project id -> utility, plus costs.

    Approval: utility = cost (cost utilities).  Ordinal: L - position.
    Cumulative/scoring: the points given (zero points = no support).
    """
    costs = {pid: p.cost for pid, p in election.projects.items()}
    voters = []
    for ballot in election.ballots:
        if election.vote_type in ("approval", "choose-1"):
            voters.append({pid: costs[pid] for pid in ballot.projects})
        elif election.vote_type == "ordinal":
            n = len(ballot.projects)
            voters.append({pid: Fraction(n - i) for i, pid in enumerate(ballot.projects)})
        else:
            voters.append(
                {
                    pid: pts
                    for pid, pts in zip(ballot.projects, ballot.points, strict=True)
                    if pts > 0
                }
            )
    return costs, voters


def ref_votes_and_score(election):
    costs, voters = ref_profile(election)
    votes = dict.fromkeys(costs, 0)
    score = {pid: Fraction(0) for pid in costs}
    for utilities in voters:
        for pid, u in utilities.items():
            votes[pid] += 1
            score[pid] += 1 if election.vote_type in ("approval", "choose-1") else u
    return votes, score


def ref_eligible(election, pid, votes, score):
    threshold = election.meta.get("min_project_score_threshold")
    if threshold is not None and score[pid] < Fraction(threshold):
        return False
    min_votes = election.meta.get("min_votes")
    return not (min_votes is not None and votes[pid] < Fraction(min_votes))


def ref_mes(election, budget_per_voter):
    """Textbook MES, voter by voter, exact.  Returns project ids in order."""
    costs, voters = ref_profile(election)
    votes, score = ref_votes_and_score(election)
    money = [Fraction(budget_per_voter)] * len(voters)
    remaining = {
        pid for pid in costs if votes[pid] > 0 and ref_eligible(election, pid, votes, score)
    }
    selected = sorted(
        (pid for pid in remaining if costs[pid] == 0), key=lambda pid: (-votes[pid], pid)
    )
    remaining -= set(selected)
    while True:
        best = None
        for pid in sorted(remaining):
            supporters = [i for i, u in enumerate(voters) if pid in u]
            if sum(money[i] for i in supporters) < costs[pid]:
                continue
            # smallest q with sum(min(money, q * u)) >= cost, by trying each
            # supporter as the last one who pays in full
            candidates = sorted({money[i] / voters[i][pid] for i in supporters})
            q = None
            for level in [Fraction(0), *candidates]:
                paid = sum(min(money[i], level * voters[i][pid]) for i in supporters)
                if paid >= costs[pid]:
                    # q lies in (previous level, level]; solve linearly
                    rich = [i for i in supporters if money[i] >= level * voters[i][pid]]
                    poor_paid = sum(money[i] for i in supporters if i not in rich)
                    q = (costs[pid] - poor_paid) / sum(voters[i][pid] for i in rich)
                    break
            # q is the price per unit of utility: the value MES minimises
            key = (q, costs[pid], -votes[pid], pid)
            if best is None or key < best[0]:
                best = (key, pid, q)
        if best is None:
            return selected
        _, pid, q = best
        selected.append(pid)
        remaining.discard(pid)
        for i, u in enumerate(voters):
            if pid in u:
                money[i] -= min(money[i], q * u[pid])


def ref_add1(election):
    """Naive add1: floor(B/n), +1 unit each time, keep the last that fits."""
    n = len(election.ballots)
    costs = {pid: p.cost for pid, p in election.projects.items()}
    if n == 0:
        return []
    t = Fraction(int(election.budget // n))
    last = None
    cap = sum(costs.values()) + 1
    while True:
        outcome = ref_mes(election, t)
        if sum(costs[pid] for pid in outcome) > election.budget:
            return last
        last = outcome
        votes, score = ref_votes_and_score(election)
        eligible = [
            pid for pid in costs if votes[pid] > 0 and ref_eligible(election, pid, votes, score)
        ]
        if len(outcome) == len(eligible) or t > cap:
            return last
        t += 1


def ref_greedy(election):
    """Greedy by score (votes, or points), ties: lowest cost, most votes, id."""
    costs = {pid: p.cost for pid, p in election.projects.items()}
    votes, score = ref_votes_and_score(election)
    order = sorted(
        (pid for pid in costs if score[pid] > 0 and ref_eligible(election, pid, votes, score)),
        key=lambda pid: (-score[pid], costs[pid], -votes[pid], pid),
    )
    selected = []
    left = election.budget
    for pid in order:
        if costs[pid] <= left:
            selected.append(pid)
            left -= costs[pid]
    return selected
