"""A small closed-loop HTTP load generator for one URL on loopback.

Run as its own process by ``bench/run.py`` (so it never shares an interpreter with the
server). ``--concurrency`` threads each hold an ``http.client`` connection and send GET
requests back to back: first for ``--warmup`` seconds (not recorded), then for
``--duration`` seconds or until ``--max-requests`` have been recorded, whichever comes
first. Connections are HTTP/1.1 keep-alive; when the server closes them after a
response (gunicorn's sync workers always do) ``http.client`` reconnects on the next
request, and that connect is part of the measured latency.

Prints one JSON object: requests, errors, elapsed seconds, requests/s and latency
percentiles in milliseconds (nearest-rank).

    .venv/bin/python bench/loadgen.py --port 8123 --path /healthz --duration 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from collections import Counter


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (None if it is empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class Worker(threading.Thread):
    def __init__(self, args, state):
        super().__init__(daemon=True)
        self.args = args
        self.state = state
        self.latencies: list[float] = []
        self.errors = Counter()
        self.last_end = 0.0
        self.connects = 0

    def _connect(self) -> http.client.HTTPConnection:
        self.connects += 1
        return http.client.HTTPConnection(self.args.host, self.args.port, timeout=self.args.timeout)

    def run(self) -> None:
        a, st = self.args, self.state
        headers = {"Host": f"{a.host}:{a.port}", "Accept": "*/*", "Connection": "keep-alive"}
        conn = self._connect()
        st["ready"].wait()
        measure_from, stop_at = st["measure_from"], st["stop_at"]
        while True:
            start = time.perf_counter()
            if start >= stop_at:
                break
            recording = start >= measure_from
            if recording and next(st["budget"]) >= a.max_requests:
                break
            try:
                conn.request("GET", a.path, headers=headers)
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
                conn.close()
                conn = self._connect()
            if recording:
                self.latencies.append(end - start)
                self.last_end = end
        conn.close()


def run(args) -> dict:
    import itertools

    state = {"ready": threading.Event(), "budget": itertools.count()}
    workers = [Worker(args, state) for _ in range(args.concurrency)]
    for w in workers:
        w.start()
    t0 = time.perf_counter()
    state["measure_from"] = t0 + args.warmup
    state["stop_at"] = state["measure_from"] + args.duration
    state["ready"].set()
    for w in workers:
        w.join()
    latencies = sorted(x for w in workers for x in w.latencies)
    errors = sum((w.errors for w in workers), Counter())
    last = max((w.last_end for w in workers), default=state["measure_from"])
    elapsed = max(last - state["measure_from"], 1e-9)
    ms = [x * 1000 for x in latencies]
    return {
        "path": args.path,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "requests": len(ms),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "elapsed_s": round(elapsed, 3),
        "rps": round(len(ms) / elapsed, 1),
        "mean_ms": round(sum(ms) / len(ms), 3) if ms else None,
        "p50_ms": round(percentile(ms, 50), 3) if ms else None,
        "p95_ms": round(percentile(ms, 95), 3) if ms else None,
        "p99_ms": round(percentile(ms, 99), 3) if ms else None,
        "max_ms": round(ms[-1], 3) if ms else None,
        "connections": sum(w.connects for w in workers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Closed-loop HTTP load for one URL.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not recorded")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds recorded")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("the load generator only targets loopback")
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
