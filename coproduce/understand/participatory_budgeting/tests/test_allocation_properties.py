"""Property tests: invariants of the rules, and equality with the simple
reference implementation in ``coproduce.understand.participatory_budgeting.tests``."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.understand.participatory_budgeting.allocation import (
    Ballot,
    Election,
    Project,
    allocate,
    build_profile,
    fastmes,
)
from coproduce.understand.participatory_budgeting.allocation.fastmes import FastEngine
from coproduce.understand.participatory_budgeting.allocation.mes import MesEngine, _Ambiguous
from coproduce.understand.participatory_budgeting.tests import (
    load_election,
    ref_add1,
    ref_greedy,
    ref_mes,
)

VOTE_TYPES = ("approval", "cumulative", "ordinal")


@st.composite
def elections(draw, max_projects: int = 6, max_voters: int = 9) -> Election:
    vote_type = draw(st.sampled_from(VOTE_TYPES))
    n_projects = draw(st.integers(1, max_projects))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = [draw(st.integers(0, 40)) for _ in ids]
    budget = draw(st.integers(0, 120))
    ballots = []
    for v in range(draw(st.integers(0, max_voters))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n_projects))
        points = None
        if vote_type == "cumulative":
            points = tuple(Fraction(draw(st.integers(1, 5))) for _ in chosen)
        ballots.append(Ballot(f"v{v}", tuple(chosen), points))
    projects = {pid: Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)}
    columns = ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote")
    return Election(
        {"budget": str(budget), "vote_type": vote_type},
        Fraction(budget),
        vote_type,
        ("project_id", "cost"),
        projects,
        columns,
        tuple(ballots),
    )


def shuffled(election: Election, seed: int) -> Election:
    rng = random.Random(seed)
    items = list(election.projects.items())
    rng.shuffle(items)
    ballots = list(election.ballots)
    rng.shuffle(ballots)
    return Election(
        election.meta,
        election.budget,
        election.vote_type,
        election.project_columns,
        dict(items),
        election.vote_columns,
        tuple(ballots),
    )


RULES = ("greedy", "mes", "mes-add1")


@settings(max_examples=80, deadline=None)
@given(elections())
def test_never_over_budget(election: Election) -> None:
    for rule in RULES:
        outcome = allocate(election, rule)
        assert outcome.spent <= election.budget
        assert outcome.spent == sum(election.projects[p].cost for p in outcome.selected)
        assert len(set(outcome.selected)) == len(outcome.selected)


@settings(max_examples=80, deadline=None)
@given(elections())
def test_equal_shares_never_buys_a_project_nobody_voted_for(election: Election) -> None:
    voted = {pid for ballot in election.ballots for pid in ballot.projects}
    for rule in ("mes", "mes-add1"):
        assert set(allocate(election, rule).selected) <= voted


@settings(max_examples=100, deadline=None)
@given(elections(), st.integers(0, 10**6))
def test_result_does_not_depend_on_order_of_ballots_or_projects(election, seed) -> None:
    other = shuffled(election, seed)
    for rule in RULES:
        assert allocate(election, rule).selected == allocate(other, rule).selected


@settings(max_examples=100, deadline=None)
@given(elections())
def test_add1_equals_naive_reference(election: Election) -> None:
    assert list(allocate(election, "mes-add1").selected) == ref_add1(election)


@settings(max_examples=100, deadline=None)
@given(elections())
def test_plain_mes_and_greedy_equal_reference(election: Election) -> None:
    n = len(election.ballots)
    per_voter = election.budget / n if n else Fraction(0)
    expected = ref_mes(election, per_voter) if n else []
    assert list(allocate(election, "mes").selected) == expected
    assert list(allocate(election, "greedy").selected) == ref_greedy(election)


@settings(max_examples=80, deadline=None)
@given(elections(max_projects=7, max_voters=12), st.integers(0, 60))
def test_fast_path_equals_exact_arithmetic(election: Election, t: int) -> None:
    """The float-interval run either agrees with the all-Fraction run or
    defers to it; it never returns a different outcome."""
    engine = MesEngine(build_profile(election))
    assert engine.run(t).selected == engine._exact_run(t).selected


@settings(max_examples=100, deadline=None)
@given(elections(max_projects=5, max_voters=8), st.integers(0, 40), st.integers(1, 30))
def test_certificate_is_sound(election: Election, t1: int, extra: int) -> None:
    """If add1's proof says [t1, t2] gives the same choices, it does."""
    engine = MesEngine(build_profile(election))
    run = engine.run(t1)
    t2 = t1 + extra
    if engine.certify(t2, run):
        for t in range(t1, t2 + 1):
            assert engine._exact_run(t).selected == run.selected


def naive_add1(election: Election) -> list[str]:
    """The add1 definition, literally: one exact MES run per whole unit."""
    profile = build_profile(election)
    engine = MesEngine(profile)
    k = profile.budget // (profile.scale * profile.n_voters)
    last = None
    while True:
        run = engine._exact_run(k * profile.scale)
        if engine.cost_of(run) > profile.budget:
            return [profile.ids[j] for j in last.selected]
        last = run
        if len(run.steps) == len(engine.candidates):
            return [profile.ids[j] for j in last.selected]
        k += 1


SMALL_FILES = [
    "Netherlands_Assen_2024.pb",
    "Netherlands_Amsterdam_588.pb",
    "Switzerland_Zurich_D10.pb",
]


@pytest.mark.parametrize("name", SMALL_FILES)
def test_add1_equals_naive_loop_on_small_real_files(name: str) -> None:
    election = load_election(name)
    outcome = allocate(election, "mes-add1")
    assert list(outcome.selected) == naive_add1(election)
    # and the exact run there is the textbook one
    assert list(outcome.selected) == ref_mes(election, outcome.per_voter_budget)


# -- the vectorised engine and its breakpoints (coproduce.understand.participatory_budgeting.allocation.fastmes) --


@st.composite
def bigger_elections(draw) -> Election:
    """Elections with more voters and larger amounts, so that add1 spans many
    budgets and the breakpoint proofs have work to do."""
    vote_type = draw(st.sampled_from(VOTE_TYPES))
    n_projects = draw(st.integers(2, 9))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = [draw(st.integers(0, 3000)) for _ in ids]
    budget = draw(st.integers(100, 6000))
    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    ballots = []
    for v in range(draw(st.integers(1, 60))):
        chosen = rng.sample(ids, rng.randint(1, n_projects))
        points = None
        if vote_type == "cumulative":
            points = tuple(Fraction(rng.randint(1, 4)) for _ in chosen)
        ballots.append(Ballot(f"v{v}", tuple(chosen), points))
    projects = {pid: Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)}
    columns = ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote")
    return Election(
        {"budget": str(budget), "vote_type": vote_type},
        Fraction(budget),
        vote_type,
        ("project_id", "cost"),
        projects,
        columns,
        tuple(ballots),
    )


@settings(max_examples=60, deadline=None)
@given(bigger_elections(), st.integers(0, 200))
def test_breakpoint_bounds_are_sound(election: Election, extra: int) -> None:
    """Every round's bound ``until`` is proved: at every whole budget below it,
    the exact run buys the same first projects."""
    profile = build_profile(election)
    engine = MesEngine(profile)
    fast = FastEngine(profile)
    t = profile.budget // max(profile.n_voters, 1) + extra
    try:
        result = fast.run(t, horizon=40.0)
    except _Ambiguous:
        return
    chosen = [s.project for s in result.run.steps]
    assert chosen == [s.project for s in engine._exact_run(t).steps]
    for t2 in range(t + 1, t + 41):
        if t2 >= result.rounds[0].until:
            break
        exact = [s.project for s in engine._exact_run(t2).steps]
        for r, rnd in enumerate(result.rounds):
            if t2 >= rnd.until:
                break
            if rnd.project >= 0:
                assert exact[: r + 1] == chosen[: r + 1], (t, t2, r)
            else:
                assert exact == chosen, (t, t2)


@settings(max_examples=60, deadline=None)
@given(bigger_elections())
def test_add1_equals_one_unit_at_a_time_on_bigger_elections(election: Election) -> None:
    assert list(allocate(election, "mes-add1").selected) == naive_add1(election)


@settings(max_examples=60, deadline=None)
@given(bigger_elections(), st.integers(0, 300))
def test_vectorised_run_equals_exact_run(election: Election, extra: int) -> None:
    profile = build_profile(election)
    engine = MesEngine(profile)
    t = Fraction(profile.budget, max(profile.n_voters, 1)) + extra
    try:
        fast = FastEngine(profile).run(t, bounds=False).run
    except _Ambiguous:
        return
    assert fast.selected == engine._exact_run(t).selected


@pytest.mark.parametrize("grouping", ["dense", "scratch", "unique"])
def test_one_engine_reused_across_budgets_equals_exact_runs(grouping: str, monkeypatch) -> None:
    """One engine run at budgets in any order (up, down, repeated) reuses the
    class structure of the previous run's purchases where they agree; every
    run must still equal the exact one.  Compression is forced on, through
    each of its three ways of grouping supporters, so that small elections
    exercise it too."""
    monkeypatch.setattr(fastmes, "COMPRESS", 1)
    monkeypatch.setattr(fastmes, "DENSE", 10**9 if grouping == "dense" else -(10**9))
    checked = 0
    for seed in range(120):
        rng = random.Random(seed)
        ids = [f"p{i}" for i in range(rng.randint(3, 8))]
        projects = {pid: Project(pid, Fraction(rng.randint(100, 3000))) for pid in ids}
        ballots = tuple(
            Ballot(f"v{v}", tuple(rng.sample(ids, rng.randint(1, len(ids) - 1))))
            for v in range(rng.randint(10, 60))
        )
        budget = Fraction(rng.randint(2000, 8000))
        election = Election(
            {"budget": str(budget), "vote_type": "approval"},
            budget,
            "approval",
            ("project_id", "cost"),
            projects,
            ("voter_id", "vote"),
            ballots,
        )
        profile = build_profile(election)
        exact = MesEngine(profile)
        fast = fastmes.FastEngine(profile)
        if grouping == "unique":
            fast.scratch = None
        base = profile.budget // profile.n_voters
        for extra in (0, 200, 5, 150, 0, 40):
            try:
                got = fast.run(base + extra, bounds=False).run
            except _Ambiguous:
                continue
            checked += 1
            assert got.selected == exact._exact_run(base + extra).selected, (seed, extra)
    assert checked > 500
