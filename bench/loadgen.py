"""A small closed-loop HTTP load generator for a few URLs on loopback.

Run as its own process by ``bench/run.py``, so it never shares an interpreter with the
server. ``--concurrency`` threads each hold an ``http.client`` connection and send GET
requests back to back. Connections are HTTP/1.1 keep-alive; when the server closes them
after a response (gunicorn's sync workers always do) ``http.client`` reconnects on the
next request, and that connect is part of the measured latency.

First each URL gets ``--warmup`` seconds of unrecorded load. Then the URLs are measured
in turn, round-robin, for ``--rounds`` rounds: each slice is ``--settle`` seconds not
recorded, then ``--duration / --rounds`` seconds recorded (or until the slice's share of
``--max-requests``). Interleaving spreads any slowdown of the machine over every URL
instead of landing on whichever URL happened to run at the time.

Prints one JSON object: per URL the requests, errors, requests/s and latency percentiles
in milliseconds (nearest-rank), requests/s for each round, and the CPU this process used
(as a share of one core), since on a small machine the client competes with the server.

    .venv/bin/python bench/loadgen.py --port 8123 --path /healthz --path /projects/
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import sys
import threading
import time
from collections import Counter


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (None if it is empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class CountingConnection(http.client.HTTPConnection):
    """An HTTP connection that counts how many TCP connections it opened."""

    opened = 0

    def connect(self) -> None:
        self.opened += 1
        super().connect()


class Worker(threading.Thread):
    """One client connection sending requests back to back for one slice."""

    def __init__(self, args, path: str, plan: dict):
        super().__init__(daemon=True)
        self.args, self.path, self.plan = args, path, plan
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.last_end = 0.0
        self.connects = 0

    def _connect(self) -> CountingConnection:
        return CountingConnection(self.args.host, self.args.port, timeout=self.args.timeout)

    def run(self) -> None:
        a, plan = self.args, self.plan
        headers = {"Host": f"{a.host}:{a.port}", "Accept": "*/*", "Connection": "keep-alive"}
        conn = self._connect()
        plan["ready"].wait()
        measure_from, stop_at = plan["measure_from"], plan["stop_at"]
        while True:
            start = time.perf_counter()
            if start >= stop_at:
                break
            recording = start >= measure_from
            if recording and next(plan["budget"]) >= plan["max_requests"]:
                break
            try:
                conn.request("GET", self.path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                end = time.perf_counter()
                if resp.status != 200 and recording:
                    self.errors[f"HTTP {resp.status}"] += 1
                if resp.will_close:
                    conn.close()  # the next request() opens a fresh connection
            except (OSError, http.client.HTTPException) as exc:
                end = time.perf_counter()
                if recording:
                    self.errors[type(exc).__name__] += 1
                self.connects += conn.opened
                conn.close()
                conn = self._connect()
            if recording:
                self.latencies.append(end - start)
                self.last_end = end
        self.connects += conn.opened
        conn.close()


def run_slice(args, path: str, warmup: float, duration: float, max_requests: int) -> dict:
    plan = {"ready": threading.Event(), "budget": itertools.count(), "max_requests": max_requests}
    workers = [Worker(args, path, plan) for _ in range(args.concurrency)]
    for w in workers:
        w.start()
    plan["measure_from"] = time.perf_counter() + warmup
    plan["stop_at"] = plan["measure_from"] + duration
    cpu0, wall0 = time.process_time(), time.perf_counter()
    plan["ready"].set()
    for w in workers:
        w.join()
    last = max((w.last_end for w in workers), default=0.0)
    return {
        "cpu": (time.process_time() - cpu0) / max(time.perf_counter() - wall0, 1e-9),
        "latencies": [x for w in workers for x in w.latencies],
        "errors": sum((w.errors for w in workers), Counter()),
        "elapsed": max(last - plan["measure_from"], 1e-9),
        "connects": sum(w.connects for w in workers),
    }


def summarise(path: str, slices: list[dict]) -> dict:
    ms = sorted(x * 1000 for s in slices for x in s["latencies"])
    elapsed = sum(s["elapsed"] for s in slices)
    errors = sum((s["errors"] for s in slices), Counter())

    def r(v, n=3):
        return None if v is None else round(v, n)

    return {
        "path": path,
        "requests": len(ms),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "elapsed_s": round(elapsed, 3),
        "rps": round(len(ms) / elapsed, 1),
        "rps_by_round": [round(len(s["latencies"]) / s["elapsed"], 1) for s in slices],
        "mean_ms": r(sum(ms) / len(ms)) if ms else None,
        "p50_ms": r(percentile(ms, 50)),
        "p95_ms": r(percentile(ms, 95)),
        "p99_ms": r(percentile(ms, 99)),
        "max_ms": r(ms[-1]) if ms else None,
        "connections": sum(s["connects"] for s in slices),
        "client_cpu": round(sum(s["cpu"] for s in slices) / len(slices), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Closed-loop HTTP load for a few URLs.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", required=True, help="repeat for more URLs")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds per URL first, unrecorded"
    )
    parser.add_argument("--settle", type=float, default=0.5, help="seconds per slice, unrecorded")
    parser.add_argument("--duration", type=float, default=10.0, help="recorded seconds per URL")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per URL")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("the load generator only targets loopback")
    slices: dict[str, list[dict]] = {p: [] for p in args.path}
    for path in args.path:
        run_slice(args, path, args.warmup, 0.0, 0)
        print(f"[load] warmed up {path}", file=sys.stderr, flush=True)
    for n in range(1, args.rounds + 1):
        for path in args.path:
            s = run_slice(
                args,
                path,
                args.settle,
                args.duration / args.rounds,
                max(1, args.max_requests // args.rounds),
            )
            slices[path].append(s)
            print(
                f"[load] round {n}/{args.rounds} {path:<52} "
                f"{len(s['latencies']) / s['elapsed']:8.1f} req/s",
                file=sys.stderr,
                flush=True,
            )
    print(
        json.dumps(
            {
                "concurrency": args.concurrency,
                "rounds": args.rounds,
                "warmup_s": args.warmup,
                "settle_s": args.settle,
                "duration_s": args.duration,
                "results": [summarise(p, s) for p, s in slices.items()],
            }
        )
    )


if __name__ == "__main__":
    main()
