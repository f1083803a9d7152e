"""The simulator's routing analytics at scale: 2,000 queues, sync aggregate queries and async jobs.

Runs ``gctui sim --queues 2000`` in a subprocess (loopback only; client and server do not share a
GIL), sets the jobs' duration to 0 s through ``/sim/control/analytics/jobs/settings`` (so what is
timed is the simulator's work and the transfer, not a simulated wait), then times, median of
``--reps`` after one untimed warm-up:

* ``sync 1 day``: ``POST …/aggregates/query``, 1 day, one bucket, ``groupBy: [queueId]``, the
  scorer's KPI metrics (the live "last hour / today" path);
* ``sync 1 day PT30M``: the same in 48 half-hour buckets;
* ``sync 30 days P1D``: 30 daily buckets in one sync answer (the limit is 31 days);
* ``job 30 days P1D``: submit (202), poll the status until FULFILLED, page every result by cursor
  (``--page-size`` groups a page); the same data as the sync query;
* ``job 30 days P1D by usedRouting``: ``groupBy: [queueId, usedRouting]`` (~2.5x the groups);
* ``job 90 days P1D``: a quarter (jobs only).

Times are the client's wall time of the HTTP exchanges without its own JSON decoding, which is
reported apart (``decode``: Python's ``json.loads`` of the bodies, often the larger part).

Prints a table, or one JSON object with ``--json``.

    python bench/bench_sim_routing.py [--queues 2000] [--reps 3] [--page-size 100] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

Q = "/api/v2/analytics/conversations/aggregates/query"
J = "/api/v2/analytics/conversations/aggregates/jobs"
METRICS = [
    "nOffered",
    "tAnswered",
    "tAbandon",
    "tHandle",
    "tTalkComplete",
    "tHeldComplete",
    "tAcw",
    "oServiceLevel",
    "nTransferred",
    "tWait",
]
DAY = "2024-05-06T00:00:00Z/2024-05-07T00:00:00Z"
MONTH = "2024-05-01T00:00:00Z/2024-05-31T00:00:00Z"
QUARTER = "2024-03-01T00:00:00Z/2024-05-30T00:00:00Z"
DEADLINE_S = 120.0  # per measured call


def start_sim(queues: int) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "gctui", "sim", "--port", "0", "--rate-limit", "10000000"]
    cmd += ["--queues", str(queues), "--actions", "10", "--flows", "10"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
    assert proc.stdout is not None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "listening on" in line:
            return proc, line.rsplit(" ", 1)[-1].strip()
    proc.kill()
    raise RuntimeError("simulator did not start")


def decode(content: bytes) -> tuple[dict[str, Any], float]:
    t = time.perf_counter()
    return json.loads(content), time.perf_counter() - t


def sync(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    t = time.perf_counter()
    r = client.post(Q, json=body)
    r.raise_for_status()
    took = time.perf_counter() - t
    page, decode_s = decode(r.content)
    return {
        "s": took,
        "groups": len(page.get("results", [])),
        "kib": len(r.content) // 1024,
        "decode_s": decode_s,
    }


def job(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    r = client.post(J, json=body)
    assert r.status_code == 202, r.text
    job_id = r.json()["jobId"]
    t_submit = time.perf_counter() - t0
    polls = 0
    while True:
        polls += 1
        state = client.get(f"{J}/{job_id}").json()["state"]
        if state == "FULFILLED":
            break
        assert state in ("QUEUED", "PENDING"), state
        assert time.perf_counter() - t0 < DEADLINE_S
        time.sleep(0.01)
    t_ready = time.perf_counter() - t0
    groups, pages, size, cursor = 0, 0, 0, None
    first_page = decode_s = 0.0
    while True:
        r = client.get(f"{J}/{job_id}/results", params={"cursor": cursor} if cursor else None)
        r.raise_for_status()
        pages += 1
        if pages == 1:
            first_page = time.perf_counter() - t0 - t_ready - decode_s
        page, took = decode(r.content)  # the client's decoding is not the simulator's time
        decode_s += took
        groups += len(page["results"])
        size += len(r.content)
        cursor = page.get("cursor")
        if not cursor:
            break
        assert time.perf_counter() - t0 < DEADLINE_S
    took = time.perf_counter() - t0 - decode_s
    client.delete(f"{J}/{job_id}")
    return {
        "s": took,
        "submit_s": t_submit,
        "first_page_s": first_page,
        "polls": polls,
        "pages": pages,
        "groups": groups,
        "kib": size // 1024,
        "decode_s": decode_s,
    }


def measure(fn: Any, client: httpx.Client, body: dict[str, Any], reps: int) -> dict[str, Any]:
    fn(client, body)  # warm-up (numpy import, first compute)
    runs = [fn(client, body) for _ in range(reps)]
    out = dict(runs[len(runs) // 2])
    out["s"] = statistics.median(r["s"] for r in runs)
    out["runs_s"] = [round(r["s"], 3) for r in runs]
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    proc, base = start_sim(args.queues)
    try:
        with httpx.Client(base_url=base, timeout=DEADLINE_S) as client:
            r = client.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=("gctui-demo", "gctui-demo-secret"),
            )
            client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            r = client.put(
                "/sim/control/analytics/jobs/settings", json={"jobSeconds": 0, "pageSize": args.page_size}
            )
            r.raise_for_status()
            by_queue = {"groupBy": ["queueId"], "metrics": METRICS}
            cases = {
                "sync 1 day": (sync, {"interval": DAY, **by_queue}),
                "sync 1 day PT30M": (sync, {"interval": DAY, "granularity": "PT30M", **by_queue}),
                "sync 30 days P1D": (sync, {"interval": MONTH, "granularity": "P1D", **by_queue}),
                "job 30 days P1D": (job, {"interval": MONTH, "granularity": "P1D", **by_queue}),
                "job 30 days P1D by usedRouting": (
                    job,
                    {
                        "interval": MONTH,
                        "granularity": "P1D",
                        "groupBy": ["queueId", "usedRouting"],
                        "metrics": METRICS,
                    },
                ),
                "job 90 days P1D": (job, {"interval": QUARTER, "granularity": "P1D", **by_queue}),
            }
            results = {name: measure(fn, client, body, args.reps) for name, (fn, body) in cases.items()}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "queues": args.queues,
        "reps": args.reps,
        "pageSize": args.page_size,
        "cpus": os.cpu_count(),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queues", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    out = run(args)
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"{out['queues']} queues, median of {out['reps']} (after a warm-up), job pageSize {out['pageSize']}"
    )
    print(f"{'case':32} {'seconds':>8} {'groups':>7} {'pages':>6} {'KiB':>8} {'decode':>7}  detail")
    for name, r in out["results"].items():
        detail = ""
        if "pages" in r:
            detail = f"submit {r['submit_s'] * 1000:.0f} ms, first page {r['first_page_s'] * 1000:.0f} ms"
        print(
            f"{name:32} {r['s']:8.3f} {r['groups']:7d} {r.get('pages', 1):6d} {r['kib']:8d} "
            f"{r['decode_s']:7.2f}  {detail}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
