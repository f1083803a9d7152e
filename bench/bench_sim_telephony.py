"""The simulator's telephony at scale: 500 edges in edge groups, 2,000 trunks, their metrics.

Runs ``gctui sim --edges 500 --trunks 2000`` in a subprocess (loopback only; client and server do
not share a GIL), then times, median of ``--reps`` after one untimed warm-up, what a scaling
sample pass asks for:

* ``edge listing``: every edge, paged at ``pageSize=100`` (5 pages), sequentially;
* ``edge groups``: the edge group listing (one page of 500);
* ``edges by group``: ``edgeGroup.id`` for one group;
* ``edge metrics``: ``GET …/edges/metrics?edgeIds=`` for all 500 edges, 100 ids a call (5 calls);
* ``trunk listing``: every trunk at ``pageSize=500`` (4 pages);
* ``trunk metrics``: ``GET …/trunks/metrics?trunkIds=`` for all 2,000 trunks, 100 ids a call (20);
* ``sample pass``: edge listing + trunk listing + both metrics, one after the other;
* ``sample pass x4``: the same with the metrics calls 4 at a time (as ``page_concurrency``).

Times are the client's wall time of the HTTP exchanges. Prints a table, or one JSON object with
``--json``.

    python bench/bench_sim_telephony.py [--edges 500] [--trunks 2000] [--reps 5] [--json]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

TP = "/api/v2/telephony/providers/edges"


def start_sim(edges: int, trunks: int) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "gctui", "sim", "--port", "0", "--rate-limit", "10000000"]
    cmd += [
        "--edges",
        str(edges),
        "--trunks",
        str(trunks),
        "--actions",
        "10",
        "--flows",
        "10",
        "--queues",
        "10",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
    assert proc.stdout is not None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "listening on" in line:
            return proc, line.rsplit(" ", 1)[-1].strip()
    proc.kill()
    raise RuntimeError("simulator did not start")


def pages(client: httpx.Client, path: str, size: int, params: dict[str, str] | None = None) -> list[Any]:
    out: list[Any] = []
    n = 1
    while True:
        r = client.get(path, params={**(params or {}), "pageSize": size, "pageNumber": n})
        r.raise_for_status()
        body = r.json()
        out.extend(body["entities"])
        if n >= body["pageCount"]:
            return out
        n += 1


def chunks(ids: list[str], n: int = 100) -> list[str]:
    return [",".join(ids[i : i + n]) for i in range(0, len(ids), n)]


def metrics(client: httpx.Client, path: str, param: str, ids: list[str], workers: int = 1) -> int:
    def one(chunk: str) -> int:
        r = client.get(path, params={param: chunk})
        r.raise_for_status()
        return len(r.json())

    if workers == 1:
        return sum(one(c) for c in chunks(ids))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(one, chunks(ids)))


def timed(fn: Callable[[], Any], reps: int) -> dict[str, Any]:
    fn()  # warm-up
    runs = []
    for _ in range(reps):
        t = time.perf_counter()
        got = fn()
        runs.append(time.perf_counter() - t)
    return {
        "median_ms": round(statistics.median(runs) * 1000, 1),
        "max_ms": round(max(runs) * 1000, 1),
        "n": got,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edges", type=int, default=500)
    ap.add_argument("--trunks", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    proc, base = start_sim(args.edges, args.trunks)
    try:
        r = httpx.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("gctui-demo", "gctui-demo-secret"),
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
        with httpx.Client(base_url=base, headers=headers, limits=limits, timeout=60) as c:
            edge_ids = [e["id"] for e in pages(c, TP, 100)]
            trunk_ids = [t["id"] for t in pages(c, f"{TP}/trunks", 500)]
            group = c.get(TP, params={"pageSize": 1}).json()["entities"][0]["edgeGroup"]["id"]

            def sample(workers: int) -> int:
                e = pages(c, TP, 100)
                t = pages(c, f"{TP}/trunks", 500)
                em = metrics(c, f"{TP}/metrics", "edgeIds", [x["id"] for x in e], workers)
                tm = metrics(c, f"{TP}/trunks/metrics", "trunkIds", [x["id"] for x in t], workers)
                return em + tm

            results = {
                "edge listing": timed(lambda: len(pages(c, TP, 100)), args.reps),
                "edge groups": timed(lambda: len(pages(c, f"{TP}/edgegroups", 500)), args.reps),
                "edges by group": timed(lambda: len(pages(c, TP, 100, {"edgeGroup.id": group})), args.reps),
                "edge metrics": timed(lambda: metrics(c, f"{TP}/metrics", "edgeIds", edge_ids), args.reps),
                "trunk listing": timed(lambda: len(pages(c, f"{TP}/trunks", 500)), args.reps),
                "trunk metrics": timed(
                    lambda: metrics(c, f"{TP}/trunks/metrics", "trunkIds", trunk_ids), args.reps
                ),
                "sample pass": timed(lambda: sample(1), args.reps),
                "sample pass x4": timed(lambda: sample(4), args.reps),
            }
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    out = {
        "edges": args.edges,
        "trunks": args.trunks,
        "reps": args.reps,
        "cpus": os.cpu_count(),
        "results": results,
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"simulator telephony: {args.edges} edges, {args.trunks} trunks, median of {args.reps}")
        for name, row in results.items():
            print(f"  {name:<16} {row['median_ms']:>8.1f} ms  (max {row['max_ms']:.1f} ms, {row['n']} items)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
