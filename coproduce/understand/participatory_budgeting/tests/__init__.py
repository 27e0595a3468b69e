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

from coproduce.foundation.core.testing import (
    require_shared_data,
    shared_data_dir,
    shared_data_missing,
)
from coproduce.understand.participatory_budgeting.allocation import parse_pabulib

REPO_ROOT = Path(__file__).resolve().parents[4]
DATA_DIR = shared_data_dir() / "pabulib"
#: Stands for "every file" when the data folder is absent, so that parametrised tests are
#: collected and then skipped (or failed in CI) with a reason instead of breaking collection.
MISSING = "(pabulib data absent)"


def data_path(name: str) -> Path:
    """Path of a pabulib file: skipped when the shared data is absent, failed under CI."""
    if name == MISSING:
        shared_data_missing(DATA_DIR)
    return require_shared_data("pabulib", name)


@cache
def load_election(name: str):
    """Parse a real file once per test session (the elections are immutable)."""
    return parse_pabulib(data_path(name))


def data_files() -> list[str]:
    """Names listed in SOURCES.tsv (read at collection time).

    Without the shared data this is ``[MISSING]``: tests parametrised over it are skipped
    with a reason on a public clone, and fail under CI (see ``data_path``)."""
    sources = DATA_DIR / "SOURCES.tsv"
    if not sources.is_file():
        return [MISSING]
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


def _ref_setup(election):
    costs, voters = ref_profile(election)
    votes, score = ref_votes_and_score(election)
    supporters = {pid: [i for i, u in enumerate(voters) if pid in u] for pid in costs}
    eligible = {
        pid for pid in costs if votes[pid] > 0 and ref_eligible(election, pid, votes, score)
    }
    return costs, voters, votes, supporters, eligible


def ref_mes(election, budget_per_voter, setup=None):
    """Textbook MES, voter by voter, exact.  Returns project ids in order."""
    costs, voters, votes, supporters, eligible = setup or _ref_setup(election)
    money = [Fraction(budget_per_voter)] * len(voters)
    remaining = set(eligible)
    selected = sorted(
        (pid for pid in remaining if costs[pid] == 0), key=lambda pid: (-votes[pid], pid)
    )
    remaining -= set(selected)
    while True:
        best = None
        for pid in sorted(remaining):
            cost = costs[pid]
            if sum(money[i] for i in supporters[pid]) < cost:
                continue
            # Walk supporters from the poorest (per unit of utility): while the
            # current one cannot pay the equal price, they pay all they have.
            order = sorted(supporters[pid], key=lambda i: money[i] / voters[i][pid])
            still_to_pay = Fraction(cost)
            utility_left = sum(voters[i][pid] for i in order)
            for i in order:
                q = still_to_pay / utility_left
                if money[i] >= q * voters[i][pid]:
                    break
                still_to_pay -= money[i]
                utility_left -= voters[i][pid]
            # q is the price per unit of utility: the value MES minimises
            key = (q, cost, -votes[pid], pid)
            if best is None or key < best[0]:
                best = (key, pid, q)
        if best is None:
            return selected
        _, pid, q = best
        selected.append(pid)
        remaining.discard(pid)
        for i in supporters[pid]:
            money[i] -= min(money[i], q * voters[i][pid])


def ref_add1(election):
    """Naive add1: floor(B/n), +1 unit each time, keep the last that fits."""
    n = len(election.ballots)
    costs = {pid: p.cost for pid, p in election.projects.items()}
    if n == 0:
        return []
    votes, score = ref_votes_and_score(election)
    eligible = [
        pid for pid in costs if votes[pid] > 0 and ref_eligible(election, pid, votes, score)
    ]
    t = Fraction(int(election.budget // n))
    last = None
    cap = sum(costs.values()) + 1
    while True:
        outcome = ref_mes(election, t)
        if sum(costs[pid] for pid in outcome) > election.budget:
            return last
        last = outcome
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
