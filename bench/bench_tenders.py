"""Benchmark the opportunity search with 100,000 published opportunities.

For each database (a SQLite file in a temporary directory, and PostgreSQL when a server
answers, in the database ``coproduce_bench_tenders``, dropped and created again):

1. in a child process (this script with ``--seed``): migrate, insert 100,000 published
   tenders and 1,000 drafts with ``bulk_create`` (one project, specification and
   evaluation model reused; titles and summaries built from word lists; service areas,
   values, localities, deadlines spread out; 2 lots on every tenth tender), write the
   stored search vectors in one UPDATE (PostgreSQL; the GIN index on them comes from the
   migrations), analyse, and count the SQL queries of each URL;
2. serve the app with gunicorn (2 sync workers, ``DEBUG=False``), check each URL once,
   and load it from a separate process (``bench/loadgen.py``) round-robin beside the
   minimal view ``/healthz`` in the same run: requests/second, p95 and their ratios.

    .venv/bin/python bench/bench_tenders.py                   # SQLite, and PostgreSQL if up
    .venv/bin/python bench/bench_tenders.py --db sqlite --duration 5

Rows go in without the services (no audit events): only for a throwaway database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import webbench  # noqa: E402

PUBLISHED = int(os.environ.get("BENCH_TENDERS", 100_000))  # smaller for a quick check
DRAFTS = 1_000
SEED = 20261121
PG_NAME = "coproduce_bench_tenders"
GIN_INDEXES = ("tender_search_vector_gin",)  # on the stored vector, tenders migration 0006

SEARCH = (
    "/opportunities/?q=day+support&service_area=adult-social-care"
    "&service_area=learning-disability&value_min=50000&closing_within=30"
)
ENDPOINTS = [
    ("/healthz", lambda body: body == b"ok"),
    (SEARCH, lambda body: b"app-result" in body and b"No opportunities match" not in body),
    ("/opportunities/?q=home+care", lambda body: b"app-result" in body),
    ("/opportunities/?suitable_for_small=on&sort=newest", lambda body: b"app-result" in body),
    ("/api/opportunities?q=day&reserved_only=true", lambda body: json.loads(body)["count"] > 0),
]
PATHS = [p for p, _ in ENDPOINTS]

LOT_KINDS = ["North", "South", "East", "West", "Children and families", "Adults", "Older people"]


def log(msg: str) -> None:
    print(f"[tenders] {msg}", flush=True)


# --- the seed (child process) -----------------------------------------------------------


def seed() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from seed import SERVICES, SUMMARY_MIDDLES, SUMMARY_OPENINGS, WARDS

    from coproduce.foundation.accounts.models import Role, User
    from coproduce.foundation.commissioning.models import CommissioningProject
    from coproduce.foundation.core.models import ServiceArea
    from coproduce.plan.evaluation_models.models import EvaluationModel
    from coproduce.plan.specifications.models import Specification
    from coproduce.procure.tenders.models import Lot, Tender
    from coproduce.procure.tenders.services_search import tender_search_vectors_refresh

    timings = {}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = time.perf_counter() - t0

    rng = random.Random(SEED)
    now = timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic():
        officer = User(email="bench.officer@riverside.example", full_name="Priya Shah",
                       role=Role.COMMISSIONER)  # fmt: skip
        officer.set_unusable_password()
        officer.save()
        areas = {a.slug: a for a in ServiceArea.objects.all()}
        slugs = [s for s in SERVICES if s in areas]
        project = CommissioningProject.objects.create(
            reference="CP-2026-0001", title="Bench project", service_area=areas[slugs[0]],
            summary="Benchmark", budget_pence=100, starts_on=now.date(),
            ends_on=now.date() + dt.timedelta(days=365), owner=officer, stage="procure",
            published_at=now,
        )  # fmt: skip
        spec = Specification.objects.create(
            project=project, version=1, status="published", title="Spec", purpose="Bench",
            created_by=officer, published_at=now, published_by=officer,
        )  # fmt: skip
        model = EvaluationModel.objects.create(
            project=project, title="Scoring", status="locked", created_by=officer, locked_at=now
        )
        rows = []
        for i in range(PUBLISHED + DRAFTS):
            slug = rng.choice(slugs)
            kinds, whos = SERVICES[slug]
            kind, who, ward = rng.choice(kinds), rng.choice(whos), rng.choice(WARDS)
            borough_wide = ward == "Borough-wide"
            title = f"{kind} for {who}" + ("" if borough_wide else f" in {ward}")
            summary = (
                rng.choice(SUMMARY_OPENINGS).format(who=who, ward=ward)
                + " "
                + rng.choice(SUMMARY_MIDDLES)
            )
            published = i < PUBLISHED
            if not published:  # one draft per title and project (a constraint)
                title = f"{title[:180]} (draft {i})"
            published_at = now - dt.timedelta(days=rng.uniform(0.5, 400))
            closed = published and rng.random() < 0.3
            deadline = (
                published_at + dt.timedelta(days=rng.uniform(25, 60))
                if closed
                else now + dt.timedelta(days=rng.uniform(0.2, 90))
            )
            rows.append(
                Tender(
                    reference=f"T-B-{i + 1:06d}",
                    project=project, specification=spec, evaluation_model=model,
                    title=title[:200], summary=summary, service_area=areas[slug],
                    locality="" if borough_wide else ward,
                    value_pence=round(10 ** rng.uniform(3.7, 6.7)) * 100,
                    reserved_for=rng.choices(
                        ["", "sme_vcse", "local", "supported_business"], [88, 6, 4, 2]
                    )[0],
                    suitable_for_small=rng.random() < 0.35,
                    status=("closed" if closed else "open") if published else "draft",
                    published_at=published_at if published else None,
                    deadline=deadline,
                    created_by=officer,
                )
            )  # fmt: skip
        Tender.objects.bulk_create(rows, batch_size=2000)
        ids = list(Tender.objects.order_by("pk").values_list("pk", flat=True)[::10])
        lots = [
            Lot(tender_id=tid, number=n, title=f"{rng.choice(LOT_KINDS)} {n}",
                value_pence=100_000 * n, locality=rng.choice(WARDS),
                reserved_for="local" if n == 2 and rng.random() < 0.3 else "")
            for tid in ids
            for n in (1, 2)
        ]  # fmt: skip
        Lot.objects.bulk_create(lots, batch_size=2000)
    timings["insert_s"] = time.perf_counter() - t0
    # bulk_create bypasses the services, so the stored search vectors (PostgreSQL) are
    # written for every row at once, as ``manage.py refresh_search_vectors`` does.
    t0 = time.perf_counter()
    with transaction.atomic():
        tender_search_vectors_refresh()
    timings["search_vectors_s"] = time.perf_counter() - t0

    gin = search_indexes() if connection.vendor == "postgresql" else []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "vendor": connection.vendor,
        "published": Tender.objects.filter(published_at__isnull=False).count(),
        "drafts": Tender.objects.filter(status="draft").count(),
        "lots": Lot.objects.count(),
        "gin_indexes": gin,
        **{k: round(v, 2) for k, v in timings.items()},
    }


def search_indexes() -> list[str]:
    """The full-text (GIN) indexes present (migration tenders 0006 creates them)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY(%s)",
            [list(GIN_INDEXES)],
        )
        return sorted(row[0] for row in cur.fetchall())


def probe(paths: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(path)
        if resp.status_code != 200:
            raise SystemExit(f"probe: {path} answered {resp.status_code}")
        out[path] = len(ctx.captured_queries)
    return out


# --- the run ----------------------------------------------------------------------------


def pg_url() -> str:
    base = webbench.postgres_url()
    return urlunsplit(urlsplit(base)._replace(path=f"/{PG_NAME}"))


def run_db(db: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="coproduce-bench-tenders-"))
    env = {k: v for k, v in os.environ.items() if k not in {"COPRODUCE_TESTING", "DEBUG"}}
    env.update(
        DJANGO_ENV="development", DJANGO_SETTINGS_MODULE="config.settings", DEBUG="False",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver", LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(tmp / "media"), PYTHONWARNINGS="ignore:No directory at:UserWarning",
        PYTHONDONTWRITEBYTECODE="1", CONN_MAX_AGE="0",
    )  # fmt: skip
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        label = "SQLite (file in a temporary directory, WAL)"
    else:
        env["DATABASE_URL"] = url = pg_url()
        label = f"PostgreSQL ({webbench.redact(url)}), full-text search with GIN indexes"
    result = {"db": db, "db_label": label, "endpoints": [], "cpus": os.cpu_count(),
              "date": time.strftime("%Y-%m-%d %H:%M %Z"),
              "loadavg_start": round(os.getloadavg()[0], 2)}  # fmt: skip
    proc = None
    try:
        if db == "postgres":
            webbench.prepare_postgres(url)
        log(f"seeding {PUBLISHED:,} published tenders into {db}")
        t0 = time.perf_counter()
        result["seed"] = webbench.run_child(
            [sys.executable, __file__, "--seed", "--probe", *PATHS], env, timeout=900
        )
        s = result["seed"]
        log(
            f"{s['published']:,} published, {s['drafts']:,} drafts, {s['lots']:,} lots in "
            f"{time.perf_counter() - t0:.0f} s (migrate {s['migrate_s']} s, insert "
            f"{s['insert_s']} s, search vectors {s['search_vectors_s']} s); "
            f"full-text indexes: {s['gin_indexes']}"
        )
        port = webbench.free_port()
        logfile = tmp / "gunicorn.log"
        proc = webbench.start_gunicorn(env, port, args.workers, logfile)
        webbench.wait_ready(proc, port, logfile)
        for path, check in ENDPOINTS:
            status, body = webbench.fetch(port, path, timeout=60)
            if status != 200 or not check(body):
                raise webbench.BenchError(f"{path} answered {status}:\n{body[:300]!r}")
        cmd = [
            sys.executable, str(BENCH / "loadgen.py"), "--port", str(port),
            "--concurrency", str(args.concurrency), "--rounds", str(args.rounds),
            "--warmup", str(args.warmup), "--settle", "0.5", "--duration", str(args.duration),
        ]  # fmt: skip
        for path in PATHS:
            cmd += ["--path", path]
        load = webbench.run_child(
            cmd, env, timeout=len(PATHS) * (args.warmup + args.rounds + args.duration) + 180,
            show_stderr=True,
        )  # fmt: skip
        for figures in load["results"]:
            figures["label"] = figures["path"]
            figures["queries"] = s.get("queries", {}).get(figures["path"])
            result["endpoints"].append(figures)
        result["loadavg_end"] = round(os.getloadavg()[0], 2)
        result["server_log_errors"] = sum(
            1
            for line in webbench.tail(logfile, 10_000).splitlines()
            if line.startswith("Traceback") or "[ERROR]" in line
        )
    finally:
        if proc is not None:
            webbench.stop_gunicorn(proc)
        shutil.rmtree(tmp, ignore_errors=True)
        if db == "postgres" and not args.keep:
            try:
                webbench.drop_postgres(url, PG_NAME)
            except Exception as exc:  # cleanup must not hide the result
                log(f"could not drop {PG_NAME}: {exc}")
    webbench.add_ratios(result)
    return result


def table(res: dict) -> str:
    head = (
        f"{'URL':<112} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'SQL':>3}"
        f" {'req/s ÷ healthz':>15} {'p95 × healthz':>13}"
    )
    lines = [head, "-" * len(head)]
    for e in res["endpoints"]:
        lines.append(
            f"{e['label']:<112} {e['rps']:>7.1f} {e['p50_ms']:>7.1f} {e['p95_ms']:>7.1f}"
            f" {e['errors']:>6} {e['queries'] if e['queries'] is not None else '-':>3}"
            f" {e['rps_ratio'] or 0:>15.3f} {e['p95_ratio'] or 0:>13.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="(internal) build the database")
    parser.add_argument("--probe", nargs="*", default=None, help="(internal) count queries")
    parser.add_argument("--db", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--duration", type=float, default=8.0, help="recorded s per URL (8)")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    if args.seed:
        out = seed()
        if args.probe:
            out["queries"] = probe(args.probe)
        print(json.dumps(out))
        return 0

    dbs = ["sqlite", "postgres"] if args.db == "auto" else [args.db]
    results, failed = [], False
    for db in dbs:
        if db == "postgres" and args.db == "auto":
            reason = webbench.postgres_unreachable(pg_url())
            if reason:
                log(f"PostgreSQL skipped: {reason}")
                continue
        t0 = time.perf_counter()
        try:
            res = run_db(db, args)
        except (webbench.BenchError, subprocess.TimeoutExpired) as exc:
            log(f"{db} FAILED: {exc}")
            failed = True
            continue
        res["seconds"] = round(time.perf_counter() - t0, 1)
        results.append(res)
        errors = sum(e["errors"] for e in res["endpoints"]) + res["server_log_errors"]
        failed |= bool(errors)
        print(
            f"\n{res['db_label']}; {res['seed']['published']:,} published opportunities; "
            f"gunicorn {args.workers} sync workers; {args.concurrency} connections; "
            f"{args.duration:g} s per URL in {args.rounds} rounds; {res['cpus']} CPUs; "
            f"load {res['loadavg_start']} -> {res.get('loadavg_end')}; {res['date']}; "
            f"{res['seconds']:.0f} s in all\n{table(res)}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
