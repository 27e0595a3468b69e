"""coproduce benchmarks: ``make bench`` (or ``.venv/bin/python bench/run.py``).

Sections:

web  the public list of commissioning projects with 10,000 projects in the database,
     served by gunicorn (2 sync workers) and loaded from a second process, beside the
     minimal Django view /healthz on the same server in the same run (bench/webbench.py);
pb   the participatory budgeting allocation benchmark, bench/bench_pb.py, run as it is
     and its output passed through (skipped if the script does not exist).
tenders  the opportunity search page with 100,000 published opportunities on SQLite and
     PostgreSQL (full-text search), beside /healthz in the same run (bench/bench_tenders.py).

Examples:

    .venv/bin/python bench/run.py                       # everything (make bench)
    .venv/bin/python bench/run.py --only web --db sqlite --duration 5
    .venv/bin/python bench/run.py --only web --db postgres --json results.json

--db auto (the default) runs the web benchmark on SQLite, and on PostgreSQL as well when a
server answers; --db postgres fails if none does. PostgreSQL uses BENCH_DATABASE_URL, else DATABASE_URL if it is a postgres:// URL, else
postgres://postgres@127.0.0.1:5432/coproduce_bench (created if missing, emptied first).
See docs/performance.md for the method and results.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import webbench

ROOT = Path(__file__).resolve().parent.parent


def section_web(args) -> list[dict]:
    dbs = ["sqlite", "postgres"] if args.db in {"both", "auto"} else [args.db]
    results = []
    for db in dbs:
        if db == "postgres" and args.db == "auto":
            url = webbench.postgres_url()
            reason = webbench.postgres_unreachable(url)
            if reason:
                print(
                    f"\n== web: postgres skipped: no server at {webbench.redact(url)} ({reason}) =="
                )
                results.append(
                    {"section": "web (postgres)", "status": "skipped",
                     "detail": "PostgreSQL not reachable", "seconds": 0.0}
                )  # fmt: skip
                continue
        print(f"\n== web: project list with 10,000 projects, {db} ==", flush=True)
        t0 = time.perf_counter()
        try:
            res = webbench.run_web(
                db=db,
                duration=args.duration,
                warmup=args.warmup,
                concurrency=args.concurrency,
                workers=args.workers,
                rounds=args.rounds,
                settle=args.settle,
                max_requests=args.max_requests,
                conn_max_age=args.conn_max_age,
                keep=args.keep,
            )
        except (webbench.BenchError, subprocess.TimeoutExpired) as exc:
            print(f"[web] FAILED: {exc}", flush=True)
            results.append(
                {"section": f"web ({db})", "status": "failed", "detail": str(exc).splitlines()[0],
                 "seconds": time.perf_counter() - t0}
            )  # fmt: skip
            continue
        errors = sum(e["errors"] for e in res["endpoints"])
        logged = res.get("server_log_errors", 0)
        problems = [f"{errors} failed requests"] * bool(errors)
        problems += [f"{logged} errors in the server log"] * bool(logged)
        results.append(
            {
                "section": f"web ({db})",
                "status": "errors" if problems else "ok",
                "detail": "; ".join(problems),
                "seconds": time.perf_counter() - t0,
                "result": res,
            }
        )
    return results


# Stand-alone benchmark scripts, each run as a subprocess with its output passed through.
SCRIPTS = {
    "pb": ("participatory budgeting allocation", "bench_pb.py", []),
    "engagement": (
        "consultation summary and streamed CSV, 10k vs 50k responses",
        "bench_engagement.py",
        [],
    ),
    "votes": (
        "vote casting, 20 concurrent voters on PostgreSQL",
        "bench_votes.py",
        ["--db", "postgres"],
    ),
    "tenders": (
        "opportunity search, 100,000 opportunities, SQLite and PostgreSQL beside /healthz",
        "bench_tenders.py",
        [],
    ),
}


def section_script(args, name: str) -> list[dict]:
    title, filename, extra = SCRIPTS[name]
    script = ROOT / "bench" / filename
    print(f"\n== {name}: {title} ==", flush=True)
    if not script.exists():
        print(f"[{name}] skipped: bench/{filename} does not exist", flush=True)
        return [{"section": name, "status": "skipped", "detail": f"bench/{filename} not found",
                 "seconds": 0.0}]  # fmt: skip
    if name == "votes" and webbench.postgres_unreachable(webbench.postgres_url()):
        print(f"[{name}] skipped: PostgreSQL not reachable", flush=True)
        return [{"section": name, "status": "skipped", "detail": "PostgreSQL not reachable",
                 "seconds": 0.0}]  # fmt: skip
    t0 = time.perf_counter()
    try:
        rc = subprocess.run(
            [sys.executable, str(script), *extra], cwd=ROOT, timeout=args.pb_timeout, check=False
        ).returncode
    except subprocess.TimeoutExpired:
        return [{"section": name, "status": "failed",
                 "detail": f"timed out after {args.pb_timeout:.0f} s",
                 "seconds": time.perf_counter() - t0}]  # fmt: skip
    return [
        {
            "section": name,
            "status": "ok" if rc == 0 else "failed",
            "detail": "" if rc == 0 else f"exit status {rc}",
            "seconds": time.perf_counter() - t0,
        }
    ]


def fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def web_table(res: dict) -> str:
    """One row per URL; the last three columns compare it with /healthz in the same run."""
    head = (
        f"{'URL':<52} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
        f" {'SQL':>3} {'req/s ÷ healthz':>15} {'(rounds)':>13} {'p95 × healthz':>13}"
        f" {'client CPU':>10}"
    )
    lines = [head, "-" * len(head)]
    for e in res["endpoints"]:
        lo, hi = e["rps_ratio_range"]
        lines.append(
            f"{e['label']:<52} {fmt(e['rps'], '7.1f')} {fmt(e['p50_ms'], '7.1f')}"
            f" {fmt(e['p95_ms'], '7.1f')} {fmt(e['p99_ms'], '7.1f')} {e['errors']:>6}"
            f" {fmt(e['queries'], '3d')} {fmt(e['rps_ratio'], '15.3f')}"
            f" {f'{lo:.3f}-{hi:.3f}':>13} {fmt(e['p95_ratio'], '13.1f')}"
            f" {fmt(e.get('client_cpu'), '10.0%')}"
        )
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    out = ["", "=" * 30 + " Summary " + "=" * 30]
    out.append(f"{'section':<16} {'status':<8} {'time':>7}  detail")
    for r in results:
        out.append(
            f"{r['section']:<16} {r['status']:<8} {r['seconds']:>6.0f}s  {r.get('detail', '')}"
        )
    for r in results:
        res = r.get("result")
        if not res:
            continue
        out.append("")
        out.append(
            f"{r['section']}: {res['db_label']}; {res['seed']['published']:,} published projects; "
            f"gunicorn {res['workers']} sync workers; {res['concurrency']} connections; "
            f"{res['duration_s']:g} s measured per URL in {res['rounds']} rounds; "
            f"CONN_MAX_AGE={res['conn_max_age']}; "
            f"{res['cpus']} CPUs; load average {res['loadavg_start']} -> "
            f"{res.get('loadavg_end', '?')}; {res['date']}"
        )
        out.append(web_table(res))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the coproduce benchmarks and print a summary.",
        epilog="See docs/performance.md.",
    )
    parser.add_argument("--only", choices=["web", *SCRIPTS], help="run one section only")
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "both", "auto"],
        default=os.environ.get("BENCH_DB", "auto"),
        help="database(s) for the web benchmark; auto = SQLite, and PostgreSQL too if a "
        "server answers (default: $BENCH_DB or auto)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ.get("BENCH_DURATION", 10)),
        help="recorded seconds of load per URL, over all rounds (default: $BENCH_DURATION or 10)",
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unrecorded seconds per URL at the start (2)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="URLs are measured round-robin this many times (5)"
    )
    parser.add_argument(
        "--settle", type=float, default=0.5, help="unrecorded seconds before each slice (0.5)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="cap on recorded requests per URL"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="CONN_MAX_AGE for the server (default: the app's default, 0)",
    )
    parser.add_argument("--pb-timeout", type=float, default=600.0, help="seconds (600)")
    parser.add_argument("--json", metavar="PATH", help="also write all figures as JSON")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and bench database"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or min(args.concurrency, args.workers, args.rounds) < 1:
        parser.error("--duration, --concurrency, --workers and --rounds must be positive")

    results: list[dict] = []
    if args.only in (None, "web"):
        results += section_web(args)
    for name in SCRIPTS:
        if args.only in (None, name):
            results += section_script(args, name)

    print(summary(results), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
        print(f"\nFigures written to {args.json}")
    return 0 if all(r["status"] in {"ok", "skipped"} for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
