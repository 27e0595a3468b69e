"""Benchmark of the participatory-budgeting allocation engine.

Run from the repository root::

    python bench/bench_pb.py            # everything (about 2 minutes, one core)
    python bench/bench_pb.py --quick    # ours only, no pabutools

What it measures, on Kraków 2024 (65,101 voters, 119 projects) and Warszawa
Mokotów 2023 (11,067 voters, 81 projects) from the shared reference data beside the repository
(``$COPRODUCE_SHARED_DATA/pabulib``, by default ``shared/data/pabulib`` next to it), and on a
seeded synthetic election of 100,000 voters:

* ours: greedy, plain MES and MES with add1, each timed from the parsed file,
  in a fresh child process per election so that its peak memory (VmHWM) is
  ours alone;
* pabutools on the same file in the same run: its greedy and ONE plain MES
  run.  pabutools has no add1 of this exact kind that finishes in reasonable
  time at this size (its own ``exhaustion_by_budget_increase`` re-runs MES for
  every increment), so its add1 time is *extrapolated*: the naive add1
  definition needs one MES run per whole-unit increment plus the overspending
  one, i.e. ``increments + 2`` runs, and we multiply the measured time of one
  run (at budget/voters) by that.  Runs at higher budgets buy more projects
  and are slower, so the extrapolation is a lower bound for pabutools.

Both wall-clock and CPU (process) times are shown; on a shared machine the CPU
time is the steadier figure.  Everything runs on one core: NumPy's BLAS is not
used by the engine (its dot products are single-threaded ``einsum``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import resource
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coproduce.understand.participatory_budgeting.allocation import (  # noqa: E402
    Ballot,
    Election,
    Project,
    allocate,
    build_profile,
    parse_pabulib,
)
from coproduce.understand.participatory_budgeting.allocation.fastmes import FastEngine  # noqa: E402, F401
from coproduce.understand.participatory_budgeting.allocation.mes import equal_shares_add1  # noqa: E402

# FastEngine is imported above so that NumPy's one-time import (about 0.2 s
# CPU) is not inside the first timing: on the real files the greedy and plain
# MES timings come first, on the synthetic election add1 is the only timing.

DATA = Path(os.environ.get("COPRODUCE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "pabulib"
FILES = ("Poland_Krakow_2024.pb", "Poland_Warszawa_2023_Mokotow.pb")
REPEATS = 5


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


def line(label: str, timer: Timer | _Done, extra: str = "") -> None:
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


class _Done:
    """A finished timing, shaped like :class:`Timer`."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __lt__(self, other: _Done) -> bool:
        return self.cpu < other.cpu

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU"


def _timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    return _Done(time.perf_counter() - wall, time.process_time() - cpu), value


def ours_in_child(name: str | None) -> dict:
    """Parse (or generate) an election and time our rules on it, in a child
    process; also report the child's peak memory."""
    out: dict = {}
    if name is None:
        out["parse"], election = _timed(synthetic)
    else:
        out["parse"], election = _timed(parse_pabulib, DATA / name)
    out["voters"], out["projects"] = len(election.ballots), len(election.projects)
    out["profile"], profile = _timed(build_profile, election)
    out["groups"] = len(profile.groups)
    if name is not None:
        for rule in ("greedy", "mes"):
            out[rule] = _timed(allocate, election, rule)
    # add1 is timed REPEATS times (3 below 50,000 voters; each call builds its engine afresh): the
    # first, the median and the best are reported; ratios use the median.
    timings = []
    for _ in range(REPEATS if out["voters"] >= 50_000 else 3):
        timer, result = _timed(equal_shares_add1, profile)
        timings.append(timer)
    out["mes-add1"] = statistics.median_low(timings)
    out["mes-add1 all"] = timings
    out["add1"] = (
        result.increments,
        result.runs,
        result.exact_runs,
        tuple(profile.ids[j] for j in result.run.selected),
    )
    out["maxrss_mb"] = peak_memory_mb()
    return out


def peak_memory_mb() -> float:
    """This process's peak resident memory.  VmHWM belongs to the address
    space, so unlike ``ru_maxrss`` (kept across exec on Linux) it does not
    include the parent's peak before the child started."""
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_ours(out: dict, synthetic_run: bool = False) -> None:
    if synthetic_run:
        line("generate", out["parse"])
        line("group ballots (build_profile)", out["profile"], f"{out['groups']:,} distinct ballots")
    else:
        line(
            "ours parse",
            out["parse"],
            f"{out['voters']:,} voters, {out['projects']} projects, {out['groups']:,} distinct",
        )
        for rule in ("greedy", "mes"):
            timer, outcome = out[rule]
            line(f"ours {rule}", timer, f"{len(outcome.selected)} projects")
    increments, runs, exact, selected = out["add1"]
    aim = "; aim: under 1 s" if synthetic_run else ""
    line(
        "ours mes-add1" + (" (from profile)" if synthetic_run else ""),
        out["mes-add1"],
        f"{len(selected)} projects, {increments} increments, {runs} runs ({exact} exact){aim}",
    )
    cpus = [t.cpu for t in out["mes-add1 all"]]
    print(
        f"  {'  add1 CPU s: first, median, best':<34} "
        f"{cpus[0]:.3f}, {statistics.median_low(cpus):.3f}, {min(cpus):.3f} ({len(cpus)} runs)",
        flush=True,
    )
    print(f"  {'ours peak memory (child process)':<34} {out['maxrss_mb']:8.0f} MB", flush=True)


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
    increments = ours["add1"][0]
    extrapolate(t.cpu, ours["mes-add1"], increments)
    return t.cpu


def extrapolate(one_run_cpu: float, add1_timer: _Done, increments: int) -> None:
    runs = increments + 2
    estimate = one_run_cpu * runs
    print(
        f"  {'pabutools add1 (extrapolated)':<34} >= {estimate:8.0f} s CPU  "
        f"({runs} naive MES runs x {one_run_cpu:.2f} s; ours {add1_timer.cpu:.2f} s, "
        f">= {estimate / max(add1_timer.cpu, 1e-9):.0f}x)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ours only, no pabutools")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"pabulib data folder not found: {DATA}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"Python {sys.version.split()[0]}; each timing in one process on one core")
    load = os.getloadavg()
    print(
        f"Machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(CPU times rise on a loaded machine: measure on an idle one)"
    )
    # One worker, one task per child: each election's peak memory is its own.
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1)
    try:
        for name in FILES:
            print(f"\n{name}")
            ours = pool.submit(ours_in_child, name).result()
            report_ours(ours)
            if not args.quick:
                election = parse_pabulib(DATA / name)
                bench_pabutools(DATA / name, election, ours)
        print("\nSynthetic approval election, 100,000 voters, 80 projects (seed 2024)")
        report_ours(pool.submit(ours_in_child, None).result(), synthetic_run=True)
    finally:
        pool.shutdown()
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
