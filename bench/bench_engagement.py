"""Benchmark reading consultation responses: the summary and the streamed CSV export.

Builds a consultation with eight questions (two single choice, two multiple choice, a
rating, a ranking of five and two free-text questions) in its own temporary database,
fills it with 10,000 and then 50,000 submitted responses (rows are inserted directly,
skipping the services, so this is only for a throwaway database), then times:

* the summary selector (``response_summary``) and the summary page through the test client;
* the CSV download through the test client, reading the streamed response to the end.

Peak memory is the rise of the process's peak resident memory during each step (Linux
VmHWM, reset before the step; tracemalloc elsewhere): if the export streams, it stays
roughly flat from 10,000 to 50,000 responses while the time grows linearly.

    .venv/bin/python bench/bench_engagement.py               # temporary SQLite file
    .venv/bin/python bench/bench_engagement.py --db postgres # temporary PostgreSQL database
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = (10_000, 50_000)
SEED = 20261121
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "coproduce_bench_engagement"

TEXT_PARTS = [
    "I would like more to do in the evenings",
    "weekend clubs would really help",
    "the bus does not come on time",
    "getting there is hard without a taxi",
    "I want help to find a paid job",
    "please keep the same staff, I trust them",
    "there is no Changing Places toilet in town",
    "cooking and art are my favourite things",
    "my mum worries when the day centre closes early",
    "I like seeing my friends every week",
    "more trips out to the seaside",
    "staff change too often and I get upset",
]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    return parser.parse_args()


def setup_database(kind: str) -> tuple[str, callable]:
    """Point DATABASE_URL at a fresh database before Django starts; return a clean-up."""
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which would skew it
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-engagement-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        return os.environ["DATABASE_URL"], lambda: shutil.rmtree(folder, ignore_errors=True)
    import psycopg

    def recreate(drop_only=False):
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            if not drop_only:
                conn.execute(f"CREATE DATABASE {PG_NAME}")

    recreate()
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"

    def cleanup():
        from django.db import connections

        connections.close_all()
        recreate(drop_only=True)

    return os.environ["DATABASE_URL"], cleanup


def build_consultation():
    from coproduce.foundation.accounts.models import User
    from coproduce.foundation.commissioning.models import CommissioningProject
    from coproduce.foundation.core.models import ServiceArea
    from coproduce.understand.consultations.models import Consultation, Option, Question

    officer = User.objects.create_user(
        email="bench@example.org", password="x", full_name="Bench Officer", role="commissioner"
    )
    area = ServiceArea.objects.first()
    project = CommissioningProject.objects.create(
        reference="CP-BENCH-0001",
        title="Day opportunities",
        service_area=area,
        summary="Benchmark",
        budget_pence=100,
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2030, 3, 31),
        owner=officer,
    )
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    c = Consultation.objects.create(
        project=project,
        reference="CON-BENCH-1",
        title="Day opportunities survey",
        intro="Benchmark",
        opens_at=now,
        closes_at=now + dt.timedelta(days=60),
        status="published",
        created_by=officer,
    )
    spec = [
        (
            "single",
            "How do you get to your day service?",
            ["Bus", "Taxi", "Walk", "Lift from family", "Other"],
        ),
        (
            "multiple",
            "What would you like to do?",
            ["Art", "Sport", "Cooking", "Music", "Gardening", "Trips"],
        ),
        ("rating", "How good is your day service now?", []),
        ("text", "What would make your days better?", []),
        (
            "ranking",
            "Put these in order",
            ["Evenings", "Weekends", "Holidays", "Paid work", "Same staff"],
        ),
        ("single", "How often do you go?", ["Every day", "Most days", "Once a week", "Less often"]),
        ("multiple", "Who helps you?", ["Family", "Support worker", "Friends", "Nobody"]),
        ("text", "Anything else?", []),
    ]
    questions = []
    for position, (kind, text, labels) in enumerate(spec, 1):
        q = Question.objects.create(
            consultation=c,
            position=position,
            kind=kind,
            text=text,
            max_length=2000 if kind == "text" else None,
        )
        opts = [
            Option.objects.create(question=q, label=label, position=i)
            for i, label in enumerate(labels)
        ]
        questions.append((q, opts))
    return c, questions


RESPONSE_COLUMNS = (
    "id",
    "consultation_id",
    "reference",
    "submission_key",
    "resume_token_hash",
    "status",
    "easy_read",
    "submitted_at",
    "created_at",
    "updated_at",
)


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows fast: COPY on PostgreSQL, executemany elsewhere."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def add_responses(c, questions, start: int, count: int, rng: random.Random) -> None:
    """Insert ``count`` submitted responses with answers, using explicit ids (fresh tables)."""
    from django.db import connection, transaction

    from coproduce.understand.consultations.models import Answer, AnswerOption, Response

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    base = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    answer_id = start * len(questions)
    option_id = start * 20
    batch = 5000
    for first in range(start, start + count, batch):
        responses, answers, chosen = [], [], []
        for rid in range(first + 1, min(first + batch, start + count) + 1):
            when = base + dt.timedelta(seconds=rid * 7)
            responses.append(
                (
                    rid,
                    c.pk,
                    f"R-B-{rid:07d}",
                    f"key-{rid}",
                    "",
                    "submitted",
                    rid % 9 == 0,
                    when,
                    when,
                    when,
                )
            )
            for q, opts in questions:
                if rng.random() < 0.06:  # some questions are skipped
                    continue
                answer_id += 1
                text, rating = "", None
                if q.kind == "text":
                    text = ". ".join(rng.sample(TEXT_PARTS, rng.randint(1, 3))).capitalize() + "."
                elif q.kind == "rating":
                    rating = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 4, 3])[0]
                answers.append((answer_id, rid, q.pk, text, rating))
                if q.kind == "single":
                    picks = [(rng.choice(opts), None)]
                elif q.kind == "multiple":
                    picks = [(o, None) for o in rng.sample(opts, rng.randint(1, 3))]
                elif q.kind == "ranking":
                    order = rng.sample(opts, len(opts))
                    picks = [(o, rank) for rank, o in enumerate(order, 1)]
                else:
                    picks = []
                for o, rank in picks:
                    option_id += 1
                    chosen.append((option_id, answer_id, o.pk, rank))
        with transaction.atomic():
            _insert(Response, RESPONSE_COLUMNS, responses)
            _insert(Answer, ("id", "response_id", "question_id", "text", "rating"), answers)
            _insert(AnswerOption, ("id", "answer_id", "option_id", "rank"), chosen)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (Response, Answer, AnswerOption):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table(model)}))"
                )
            cur.execute("ANALYZE")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _can_reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


PEAK_RSS = _can_reset_peak_rss()


def measure(fn):
    """Run ``fn`` once; return (seconds, (peak rise MiB, process peak MiB or None), result).

    On Linux the process's peak resident set (VmHWM) is reset before the step, and the
    figure is how far it rose above the memory in use at the start: the real cost,
    without tracing overhead on the timing. Elsewhere tracemalloc's peak is used.
    """
    if PEAK_RSS:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kib("VmRSS")
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
        peak = _status_kib("VmHWM")
        return elapsed, (max(0, peak - before) / 1024, peak / 1024), result
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, (peak / 2**20, None), result


def main() -> int:
    args = parse()
    url, cleanup = setup_database(args.db)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from coproduce.foundation.accounts.models import User
        from coproduce.understand.consultations.selectors_analysis import response_summary

        print(f"Database: {args.db} ({url})", flush=True)
        call_command("migrate", verbosity=0)
        c, questions = build_consultation()
        client = Client()
        client.force_login(User.objects.get(email="bench@example.org"))
        rng = random.Random(SEED)
        rows = []
        have = 0
        for size in SIZES:
            started = time.perf_counter()
            add_responses(c, questions, have, size - have, rng)
            have = size
            print(
                f"  inserted {size:,} responses in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            t, mem, _ = measure(lambda: response_summary(consultation=c))
            rows.append((size, "summary selector", t, mem, ""))
            t, mem, resp = measure(
                lambda: client.get(f"/manage/consultations/{c.reference}/analysis/")
            )
            assert resp.status_code == 200
            rows.append((size, "summary page", t, mem, f"{len(resp.content) // 1024} KiB"))

            def export():
                resp = client.get(f"/manage/consultations/{c.reference}/analysis/responses.csv")
                assert resp.streaming
                total = lines = 0
                for part in resp.streaming_content:
                    total += len(part)
                    lines += part.count(b"\n")
                return total, lines

            t, mem, (nbytes, lines) = measure(export)
            assert lines == size + 1, (lines, size)
            rows.append(
                (
                    size,
                    "CSV export (streamed)",
                    t,
                    mem,
                    f"{nbytes / 2**20:.1f} MiB, {lines - 1:,} rows",
                )
            )
        print()
        head = (
            f"{'responses':>10} | {'what':<22} | {'time (s)':>8} | "
            f"{'peak rise (MiB)':>15} | {'process peak (MiB)':>18} | output"
        )
        print(head)
        print(f"{'-' * 10}-+-{'-' * 22}-+-{'-' * 8}-+-{'-' * 15}-+-{'-' * 18}-+-{'-' * 24}")
        for size, what, t, (rise, peak), note in rows:
            shown = f"{peak:.0f}" if peak is not None else "n/a"
            print(f"{size:>10,} | {what:<22} | {t:>8.2f} | {rise:>15.1f} | {shown:>18} | {note}")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
