"""Benchmark of the participatory-budgeting allocation engine.

Run from the repository root::

    python bench/bench_pb.py            # everything (a few minutes on 2 cores)
    python bench/bench_pb.py --quick    # skip Warszawa's add1 and pabutools

What it measures, on Kraków 2024 (65,101 voters, 119 projects) and Warszawa
Mokotów 2023 (11,067 voters, 81 projects) from ../shared/data/pabulib, and on a
seeded synthetic election of 100,000 voters:

* ours: greedy, plain MES and MES with add1, each timed from the parsed file;
* pabutools on the same file in the same run: its greedy and ONE plain MES
  run.  pabutools has no add1 of this exact kind that finishes in reasonable
  time at this size (its own ``exhaustion_by_budget_increase`` re-runs MES for
  every increment), so its add1 time is *extrapolated*: the naive add1
  definition needs one MES run per whole-unit increment plus the overspending
  one, i.e. ``increments + 2`` runs, and we multiply the measured time of one
  run (at budget/voters) by that.  Runs at higher budgets buy more projects
  and are slower, so the extrapolation is a lower bound for pabutools.

Both wall-clock and CPU (process) times are shown; on a shared machine the CPU
time is the steadier figure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coproduce.budgeting.allocation import (  # noqa: E402
    Ballot,
    Election,
    Project,
    allocate,
    build_profile,
    parse_pabulib,
)
from coproduce.budgeting.allocation.mes import equal_shares_add1  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "pabulib"
FILES = ("Poland_Krakow_2024.pb", "Poland_Warszawa_2023_Mokotow.pb")


class Timer:
    """Context manager recording wall and CPU seconds."""

    def __enter__(self) -> Timer:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU"


def line(label: str, timer: Timer, extra: str = "") -> None:
    print(f"  {label:<34} {timer}  {extra}", flush=True)


def synthetic(n_voters: int = 100_000, n_projects: int = 80, seed: int = 2024) -> Election:
    """Seeded approval election: 1-5 approvals per voter, skewed popularity,
    costs 20k-1.5M, budget 30% of the total cost."""
    rng = random.Random(seed)
    ids = [str(i) for i in range(1, n_projects + 1)]
    costs = {pid: rng.randrange(20, 1500) * 1000 for pid in ids}
    popularity = [1.0 / (i + 1) ** 0.7 for i in range(n_projects)]
    rng.shuffle(popularity)
    cumulative = []
    total = 0.0
    for weight in popularity:
        total += weight
        cumulative.append(total)
    ballots = []
    for v in range(n_voters):
        size = rng.choice((1, 2, 3, 3, 4, 5))
        chosen: set[str] = set()
        while len(chosen) < size:
            chosen.add(rng.choices(ids, cum_weights=cumulative)[0])
        ballots.append(Ballot(str(v), tuple(sorted(chosen, key=int))))
    budget = Fraction(sum(costs.values()) * 3 // 10)
    projects = {pid: Project(pid, Fraction(costs[pid])) for pid in ids}
    return Election(
        {"budget": str(budget), "vote_type": "approval", "description": "synthetic"},
        budget,
        "approval",
        ("project_id", "cost"),
        projects,
        ("voter_id", "vote"),
        tuple(ballots),
    )


def add1_in_child(name: str) -> tuple[float, float, int, int, int, int, tuple[str, ...]]:
    """Parse a file and time MES add1 in a separate process (the second core)."""
    election = parse_pabulib(DATA / name)
    profile = build_profile(election)
    wall, cpu = time.perf_counter(), time.process_time()
    result = equal_shares_add1(profile)
    selected = tuple(profile.ids[j] for j in result.run.selected)
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        result.increments,
        result.runs,
        result.exact_runs,
        len(selected),
        selected,
    )


class _Done:
    """A finished timing, shaped like :class:`Timer` and the add1 result."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU"


class _Increments:
    def __init__(self, increments: int) -> None:
        self.increments = increments


def bench_ours(election: Election, add1: bool = True) -> dict:
    results: dict = {}
    for rule in ("greedy", "mes"):
        with Timer() as t:
            outcome = allocate(election, rule)
        line(f"ours {rule}", t, f"{len(outcome.selected)} projects")
        results[rule] = (t, outcome)
    if add1:
        profile = build_profile(election)
        with Timer() as t:
            result = equal_shares_add1(profile)
        line(
            "ours mes-add1",
            t,
            f"{len(result.run.selected)} projects, {result.increments} increments, "
            f"{result.runs} runs ({result.exact_runs} exact)",
        )
        results["mes-add1"] = (t, result)
    return results


def bench_pabutools(path: Path, election: Election, ours: dict) -> float | None:
    try:
        from pabutools.election import (
            Additive_Cardinal_Sat,
            AdditiveSatisfaction,
            Cost_Sat,
        )
        from pabutools.election import parse_pabulib as pabu_parse
        from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
        from pabutools.tiebreaking import TieBreakingRule
    except ImportError:
        print("  pabutools is not installed: skipped (pip install pabutools)")
        return None

    def points(ballot) -> dict:
        if hasattr(ballot, "position"):
            return {p: len(ballot) - ballot.position(p) for p in ballot}
        return {p: ballot[p] for p in ballot}

    class OrdinalPoints(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, lambda i, pr, b, p, pre: pre.get(p, 0))

        def preprocessing(self, instance, profile, ballot):
            return points(ballot)

    class PointsTimesCost(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(
                instance, profile, ballot, lambda i, pr, b, p, pre: pre.get(p, 0) * p.cost
            )

        def preprocessing(self, instance, profile, ballot):
            return points(ballot)

    with Timer() as t:
        instance, profile = pabu_parse(str(path))
        multi = profile.as_multiprofile()
    line("pabutools parse", t)
    votes: dict[str, int] = {}
    for ballot in election.ballots:
        for pid in ballot.projects:
            votes[pid] = votes.get(pid, 0) + 1
    tie = TieBreakingRule(lambda i, p, proj: (proj.cost, -votes.get(proj.name, 0), proj.name))
    approval = election.vote_type in ("approval", "choose-1")
    greedy_sat = Cost_Sat if approval else PointsTimesCost
    if approval:
        mes_sat = Cost_Sat
    elif election.vote_type == "ordinal":
        mes_sat = OrdinalPoints
    else:
        mes_sat = Additive_Cardinal_Sat
    with Timer() as t:
        greedy = greedy_utilitarian_welfare(instance, multi, sat_class=greedy_sat, tie_breaking=tie)
    same = [p.name for p in greedy] == list(ours["greedy"][1].selected)
    ratio = t.cpu / max(ours["greedy"][0].cpu, 1e-9)
    line("pabutools greedy", t, f"same result: {same}; ours is {ratio:.0f}x faster (CPU)")
    with Timer() as t:
        mes = method_of_equal_shares(instance, multi, sat_class=mes_sat, tie_breaking=tie)
    same = [p.name for p in mes] == list(ours["mes"][1].selected)
    ratio = t.cpu / max(ours["mes"][0].cpu, 1e-9)
    line("pabutools MES (1 run)", t, f"same result: {same}; ours is {ratio:.0f}x faster (CPU)")
    if "mes-add1" in ours:
        extrapolate(t.cpu, *ours["mes-add1"])
    return t.cpu


def extrapolate(one_run_cpu: float, add1_timer: Timer | _Done, result) -> None:
    runs = result.increments + 2
    estimate = one_run_cpu * runs
    print(
        f"  {'pabutools add1 (extrapolated)':<34} >= {estimate:8.0f} s CPU  "
        f"({runs} naive MES runs x {one_run_cpu:.2f} s; ours {add1_timer.cpu:.2f} s, "
        f">= {estimate / max(add1_timer.cpu, 1e-9):.0f}x)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the slowest parts")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"pabulib data folder not found: {DATA}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"Python {sys.version.split()[0]}; each timing in one process on one core")
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)
    slow = "Poland_Warszawa_2023_Mokotow.pb"
    child = None if args.quick else pool.submit(add1_in_child, slow)
    if child is not None:
        print(f"(MES add1 on {slow} runs meanwhile in a second process; reported below)")
    pabutools_one_run = None
    for name in FILES:
        path = DATA / name
        print(f"\n{name}")
        with Timer() as t:
            election = parse_pabulib(path)
        line(
            "ours parse", t, f"{len(election.ballots):,} voters, {len(election.projects)} projects"
        )
        ours = bench_ours(election, add1=name != slow)
        if not args.quick:
            one_run = bench_pabutools(path, election, ours)
            if name == slow:
                pabutools_one_run = one_run
    print("\nSynthetic approval election, 100,000 voters, 80 projects (seed 2024)")
    with Timer() as t:
        election = synthetic()
    line("generate", t)
    with Timer() as t:
        profile = build_profile(election)
    line("group ballots (build_profile)", t, f"{len(profile.groups):,} distinct ballots")
    with Timer() as t:
        result = equal_shares_add1(profile)
    line(
        "ours mes-add1 (from profile)",
        t,
        f"{len(result.run.selected)} projects, {result.increments} increments, "
        f"{result.runs} runs; aim: under 1 s",
    )
    if child is not None:
        wall, cpu, increments, runs, exact, count, _ = child.result()
        print(f"\n{slow} (continued)")
        line(
            "ours mes-add1",
            _Done(wall, cpu),  # type: ignore[arg-type]
            f"{count} projects, {increments} increments, {runs} runs ({exact} exact)",
        )
        if pabutools_one_run is not None:
            extrapolate(pabutools_one_run, _Done(wall, cpu), _Increments(increments))
    pool.shutdown()
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
