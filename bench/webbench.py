"""The web benchmark: the public project list with 10,000 projects, served by gunicorn.

Steps, for one database (SQLite file in a temporary directory, or PostgreSQL):

1. build a fresh database in a child process (``bench/seed.py``): migrate, insert 10,000
   published projects (plus 250 drafts and a few hundred stage decisions), and count the
   SQL queries each URL runs;
2. start ``gunicorn config.wsgi`` with 2 sync workers on a free loopback port, with
   ``DEBUG=False`` (``DJANGO_ENV`` stays ``development``: no HTTPS redirect, no manifest
   static storage, so no collectstatic is needed);
3. check each URL once (status 200 and the expected content);
4. load the URLs from a separate process (``bench/loadgen.py``), round-robin in a few
   rounds so that a busy moment on the machine hits every URL alike, and compare every
   URL with /healthz;
5. always stop gunicorn and remove the temporary directory (and the bench database).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/coproduce_bench"

FILTER_AREA = "adult-social-care"
# (path, a check on the response body), in the order they are measured in each round.
ENDPOINTS = [
    ("/healthz", lambda body: body == b"ok"),
    ("/projects/", lambda body: re.search(rb"\b10,?000 projects", body) is not None),
    (
        f"/projects/?stage=plan&service_area={FILTER_AREA}",
        lambda body: b"govuk-table__row" in body and b"No projects match" not in body,
    ),
    ("/projects/?page=200", lambda body: b"Page 200 of 500" in body),
    ("/api/projects", lambda body: json.loads(body)["count"] == 10_000),
]
BASELINE = "/healthz"
PATHS = [path for path, _ in ENDPOINTS]


class BenchError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[web] {msg}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL bench database -------------------------------------------------------


def postgres_url() -> str:
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://", "pgsql://")):
            return url
    return DEFAULT_PG_URL


def redact(url: str) -> str:
    """The URL without its user name and password, for messages."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def _pg_connect(url: str, dbname: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname,
        autocommit=True,
        connect_timeout=10,
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def prepare_postgres(url: str) -> tuple[str, bool]:
    """Make the bench database empty; returns (name, whether we may drop it afterwards).

    A database whose name contains "bench" is dropped and created again. Any other
    database named by DATABASE_URL is used only if it is missing or has no tables, so the
    benchmark never writes 10,000 rows into a real database.
    """
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise BenchError(f"no database name in {redact(url)}")
    try:
        admin = _pg_connect(url, "postgres")
    except Exception as exc:
        raise BenchError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from exc
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if "bench" in name:
            if exists:
                admin.execute(f"DROP DATABASE {_ident(name)} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {_ident(name)}")
            return name, True
        if not exists:
            admin.execute(f"CREATE DATABASE {_ident(name)}")
            return name, False
    with _pg_connect(url, name) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        raise BenchError(
            f"database {name!r} already has {tables} tables; the benchmark only fills an empty "
            "database or one whose name contains 'bench' (set BENCH_DATABASE_URL)"
        )
    return name, False


def postgres_unreachable(url: str) -> str | None:
    """None if a PostgreSQL server answers for ``url``, else the reason it does not."""
    try:
        with _pg_connect(url, "postgres") as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def drop_postgres(url: str, name: str) -> None:
    with _pg_connect(url, "postgres") as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")


# --- gunicorn -------------------------------------------------------------------------


def start_gunicorn(env: dict, port: int, workers: int, logfile: Path) -> subprocess.Popen:
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--chdir", str(ROOT),
        "--log-level", "warning",
        "--error-logfile", str(logfile),
        "--timeout", "60",
    ]  # fmt: skip
    log(" ".join([Path(cmd[0]).name, *cmd[1:8]]))
    # Django logs errors to the workers' stderr: send it to the same log file. A new
    # session, so that stopping it can reach the workers too.
    with open(logfile, "ab") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)  # graceful: the master stops its workers
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created with start_new_session
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def fetch(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(proc: subprocess.Popen, port: int, logfile: Path, timeout: float = 30) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{tail(logfile)}")
        try:
            status, _ = fetch(port, "/healthz", timeout=2)
            if status == 200:
                return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout} s:\n{tail(logfile)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- the run --------------------------------------------------------------------------


def run_child(cmd: list[str], env: dict, timeout: float, show_stderr: bool = False) -> dict:
    """Run a helper script and return the JSON object on the last line of its stdout."""
    sys.stdout.flush()
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        # Progress lines go to our stdout, in order with the rest of the output.
        stderr=sys.stdout if show_stderr else subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(
            f"{' '.join(Path(c).name for c in cmd[:2])} failed ({proc.returncode}):\n"
            + (proc.stderr or proc.stdout or "")[-3000:]
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_web(
    *,
    db: str,
    duration: float,
    warmup: float,
    concurrency: int,
    workers: int,
    rounds: int,
    settle: float,
    max_requests: int,
    conn_max_age: int | None = None,
    keep: bool = False,
) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"COPRODUCE_TESTING", "DEBUG"}}
    env.update(
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="False",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(tmp / "media"),
        # WhiteNoise warns that STATIC_ROOT does not exist; expected without collectstatic.
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        db_label = "SQLite (file in a temporary directory, WAL)"
    else:
        env["DATABASE_URL"] = pg_url = postgres_url()
        db_label = f"PostgreSQL ({redact(pg_url)})"
    # The app's default is a new database connection per request; keep it unless asked.
    env["CONN_MAX_AGE"] = str(conn_max_age) if conn_max_age is not None else "0"
    result: dict = {
        "db": db,
        "db_label": db_label,
        "conn_max_age": env["CONN_MAX_AGE"],
        "workers": workers,
        "concurrency": concurrency,
        "rounds": rounds,
        "settle_s": settle,
        "warmup_s": warmup,
        "duration_s": duration,
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        # Other work on the machine skews everything; the 1-minute load average says how much.
        "loadavg_start": round(os.getloadavg()[0], 2),
        "endpoints": [],
    }
    if result["loadavg_start"] > (result["cpus"] or 1) / 2:
        log(
            f"warning: load average {result['loadavg_start']} on {result['cpus']} CPUs; other "
            "work is running and will skew the figures (the ratios suffer least)"
        )
    proc, pg_name, drop_after = None, None, False
    try:
        if db == "postgres":
            pg_name, drop_after = prepare_postgres(pg_url)
        log(f"building the {db} database in {tmp if db == 'sqlite' else pg_name}")
        t0 = time.perf_counter()
        seed = run_child(
            [sys.executable, str(BENCH / "seed.py"), "--probe", *PATHS],
            env,
            timeout=600,
        )
        result["seed"] = seed
        log(
            f"{seed['published']:,} published projects, {seed['drafts']} drafts, "
            f"{seed['stage_changes']} stage changes in {time.perf_counter() - t0:.1f} s"
        )

        port = free_port()
        logfile = tmp / "gunicorn.log"
        proc = start_gunicorn(env, port, workers, logfile)
        log(f"gunicorn answered /healthz after {wait_ready(proc, port, logfile):.1f} s")

        for path, check in ENDPOINTS:
            status, body = fetch(port, path)
            try:
                ok = status == 200 and check(body)
            except (ValueError, KeyError):
                ok = False
            if not ok:
                raise BenchError(
                    f"{path} answered {status} without the expected content:\n"
                    f"{body[:500]!r}\n{tail(logfile)}"
                )

        log(
            f"loading {len(PATHS)} URLs from a separate process: {concurrency} connections, "
            f"{warmup:g} s warm-up each, then {rounds} rounds of {settle:g} s settling + "
            f"{duration / rounds:.3g} s measured per URL"
        )
        load_cmd = [
            sys.executable, str(BENCH / "loadgen.py"), "--port", str(port),
            "--concurrency", str(concurrency), "--rounds", str(rounds),
            "--warmup", str(warmup), "--settle", str(settle), "--duration", str(duration),
            "--max-requests", str(max_requests),
        ]  # fmt: skip
        for path in PATHS:
            load_cmd += ["--path", path]
        load = run_child(
            load_cmd,
            env,
            timeout=len(PATHS) * (warmup + rounds * settle + duration) + 120,
            show_stderr=True,
        )
        for figures in load["results"]:
            figures["label"] = figures["path"]
            figures["queries"] = seed.get("queries", {}).get(figures["path"])
            result["endpoints"].append(figures)
        if proc.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(logfile)}")
        result["server_log_errors"] = sum(
            1
            for line in tail(logfile, 10_000).splitlines()
            if line.startswith("Traceback") or "[ERROR]" in line
        )
        result["loadavg_end"] = round(os.getloadavg()[0], 2)
    finally:
        if proc is not None:
            stop_gunicorn(proc)
            log("gunicorn stopped")
        if keep:
            log(f"kept {tmp}" + (f" and database {pg_name}" if pg_name else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            if pg_name and drop_after:
                try:
                    drop_postgres(pg_url, pg_name)
                except Exception as exc:  # cleanup must not hide the result
                    log(f"could not drop database {pg_name}: {exc}")
    add_ratios(result)
    return result


def add_ratios(result: dict) -> None:
    """Each URL against /healthz: throughput as a fraction, p95 latency as a multiple.

    ``rps_ratio_range`` is the lowest and highest ratio seen in a single round: a wide
    range means the machine was busy with something else during the run.
    """
    base = next(e for e in result["endpoints"] if e["path"] == BASELINE)
    for e in result["endpoints"]:
        e["rps_ratio"] = round(e["rps"] / base["rps"], 4) if base["rps"] else None
        e["p95_ratio"] = (
            round(e["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] and e["p95_ms"] else None
        )
        per_round = [
            x / b for x, b in zip(e["rps_by_round"], base["rps_by_round"], strict=True) if b
        ]
        e["rps_ratio_range"] = [round(min(per_round), 4), round(max(per_round), 4)]
