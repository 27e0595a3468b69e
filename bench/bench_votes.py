"""Benchmark casting votes: 20 voters at once, each casting through ``ballot_cast``.

Each run makes a fresh knapsack round with 12 projects, issues one printed code per vote
(through ``codes_issue``), then starts 20 threads that each cast ``--per-voter`` ballots
with their own distinct codes, through the same service the ballot page uses (which checks
the ballot, locks the code and the voter, appends the ballot and its audit event). It
reports votes per second over the whole run and the median and 95th percentile time of one
cast. Every audit event locks the head of the audit chain, so casts are serialised there:
the figure is the throughput of one database, not of one voter.

    .venv/bin/python bench/bench_votes.py --db postgres

Only PostgreSQL is measured: SQLite takes one writer at a time and its lock wait is not
fair, so 20 threads writing at once can wait past its timeout; that says nothing useful.

PostgreSQL uses postgres://postgres@127.0.0.1:5432/coproduce_bench_votes (BENCH_PG_URL
changes the server), creating the database if it is missing and migrating it; the rounds a
run makes are left there. ``run()`` returns the figures as a dict for bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "coproduce_bench_votes"
VOTERS = 20
SEED = 4


def setup_database(kind: str):
    """Point DATABASE_URL at the benchmark database before Django starts; return a clean-up."""
    os.environ["DEBUG"] = "false"
    if kind != "postgres":
        raise ValueError("the vote benchmark runs on PostgreSQL only")
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    return lambda: None


def _prepare(per_voter: int):
    from coproduce.foundation.accounts.models import User
    from coproduce.understand.participatory_budgeting.models import Phase
    from coproduce.understand.participatory_budgeting.services import (
        ProposalData,
        RoundData,
        codes_issue,
        proposal_decide,
        proposal_submit,
        round_change_phase,
        round_create,
    )

    officer, _ = User.objects.get_or_create(
        email="bench.officer@example.org",
        defaults={"full_name": "Bench Officer", "role": "commissioner"},
    )
    round_ = round_create(
        actor=officer,
        data=RoundData(
            title=f"Benchmark round {time.time():.0f}",
            description="Benchmark.",
            budget_pence=100_000_00,
            proposals_open_on=dt.date(2027, 1, 1),
            review_starts_on=dt.date(2027, 1, 2),
            voting_opens_on=dt.date(2027, 1, 3),
            voting_closes_on=dt.date(2027, 2, 3),
            results_on=dt.date(2027, 3, 1),
            ballot_type="knapsack",
        ),
    )
    for i in range(12):
        p = proposal_submit(
            actor=officer,
            round_=round_,
            data=ProposalData(
                title=f"Project {i}", description="x", estimated_cost_pence=(5 + i) * 1000_00
            ),
        )
        proposal_decide(
            actor=officer, proposal=p, feasible=True, costed_pence=(5 + i) * 1000_00, reason="ok"
        )
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.REVIEW)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.VOTING)
    codes = codes_issue(actor=officer, round_=round_, count=VOTERS * per_voter)
    refs = list(round_.proposals.order_by("pk").values_list("pb_id", flat=True))
    return round_, codes, refs


def run(db: str = "postgres", per_voter: int = 25) -> dict:
    """Cast ``VOTERS * per_voter`` ballots from 20 threads; return the figures."""
    cleanup = setup_database(db)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        from coproduce.understand.participatory_budgeting.models import Ballot
        from coproduce.understand.participatory_budgeting.services import Verification, ballot_cast

        round_, codes, refs = _prepare(per_voter)
        timings: list[float] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        barrier = threading.Barrier(VOTERS)

        def voter(i: int) -> None:
            rng = random.Random(SEED + i)
            mine = codes[i * per_voter : (i + 1) * per_voter]
            barrier.wait()
            try:
                for code in mine:
                    chosen = rng.sample(refs, 3)
                    start = time.perf_counter()
                    ballot_cast(
                        round_=round_,
                        choices=dict.fromkeys(chosen, 1),
                        verification=Verification(code=code),
                    )
                    elapsed = time.perf_counter() - start
                    with lock:
                        timings.append(elapsed)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=voter, args=(i,)) for i in range(VOTERS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=110)
        wall = time.perf_counter() - started
        if errors:
            raise RuntimeError(f"{len(errors)} voters failed; first: {errors[0]!r}")
        cast = Ballot.objects.filter(round=round_).count()
        assert cast == VOTERS * per_voter, cast
        timings.sort()
        return {
            "db": db,
            "voters": VOTERS,
            "votes": cast,
            "seconds": round(wall, 2),
            "votes_per_second": round(cast / wall, 1),
            "p50_ms": round(statistics.median(timings) * 1000, 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
        }
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres"], default="postgres")
    parser.add_argument(
        "--per-voter", type=int, default=25, help="ballots each of the 20 voters casts"
    )
    args = parser.parse_args()
    figures = run(args.db, args.per_voter)
    print(
        f"vote casting ({figures['db']}): {figures['votes']} votes from {figures['voters']} concurrent voters "
        f"in {figures['seconds']} s: {figures['votes_per_second']} votes/s, "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
    )


if __name__ == "__main__":
    main()
