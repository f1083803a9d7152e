"""Rate-limit pacing: N requests through GenesysClient against a server allowing L per W seconds.

The client learns L from the limits API (nothing is configured by hand but the window length).
A pool of workers pulls requests from a queue as fast as the client lets them, so the governor,
not the caller, sets the pace. Reported: wall time, the sliding-window lower bound, the "evenly
spread" time N/L*W, the 429s the server sent (target 0) and the client's governor.status().

    python bench/bench_core_pacing.py            # --quick: 120 requests at 60 per 10 s
    python bench/bench_core_pacing.py --full     # 600 requests at 300 per 60 s (~2 min)
    python bench/bench_core_pacing.py --hidden-limit   # + the limits API over-reports L by 2x
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import sys
import time
from typing import Any

from _loopback import ORG_PATH, Loopback, LoopbackConfig, make_client

from gctui.genesys.errors import ApiError


def _bound(n: int, limit: int, window: float, latency: float) -> float:
    """Fastest possible finish under a sliding window: L at once, then L more each window."""
    return window * (math.ceil(n / limit) - 1) + latency


def _waves(arrivals: list[float], window: float) -> list[int]:
    """Admitted requests per consecutive window, counted from the first arrival."""
    if not arrivals:
        return []
    t0 = arrivals[0]
    n = int((arrivals[-1] - t0) // window) + 1
    out = [0] * n
    for t in arrivals:
        out[int((t - t0) // window)] += 1
    return out


async def _scenario(args: argparse.Namespace, *, reported: int | None) -> dict[str, Any]:
    n, limit, window, latency = args.requests, args.limit, args.window, args.latency
    cfg = LoopbackConfig(
        latency=latency,
        limit=limit,
        window=window,
        reported_limit=reported,
        count_limits_read=not args.exempt_limits_read,
    )
    async with Loopback(cfg) as srv, make_client(srv.base_url, window=window) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(n):
            queue.put_nowait(i)
        done_at: list[float] = []
        errors: list[str] = []
        peak_waiting = 0

        async def worker() -> None:
            nonlocal peak_waiting
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    await client.request("GET", ORG_PATH)
                except ApiError as exc:
                    errors.append(f"{exc.status} {exc.code}")
                done_at.append(time.perf_counter() - t0)
                peak_waiting = max(peak_waiting, client.governor.status().waiting)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.workers)))
        wall = time.perf_counter() - t0
        gov = client.governor.status()
        stats = srv.stats
        counted = n + (0 if args.exempt_limits_read else 1)  # + the limits read
        return {
            "requests": n,
            "server_counted_requests": counted,
            "limit": limit,
            "reported_limit": reported or limit,
            "window_s": window,
            "latency_s": latency,
            "workers": args.workers,
            "wall_s": wall,
            "lower_bound_s": _bound(n, limit, window, latency),
            "lower_bound_incl_limits_read_s": _bound(counted, limit, window, latency),
            "evenly_spread_s": n / limit * window,
            "achieved_per_window": n / wall * window,
            "server_429": stats.throttled,
            "server_api_requests": stats.api_requests,
            "server_peak_in_window": stats.peak_in_window,
            "server_waves": _waves(stats.admitted_at, window),
            "client_errors": len(errors),
            "client_error_kinds": sorted(set(errors)),
            "client_requests_sent": client.requests_sent,
            "last_done_s": max(done_at) if done_at else None,
            "governor": _gov_dict(gov),
        }


def _gov_dict(gov: Any) -> dict[str, Any]:
    d = dataclasses.asdict(gov)
    d["state"] = gov.state
    lim = d.get("last_limit")
    if lim is not None:
        d["last_limit"] = f"{lim['namespace']}/{lim['key']}={lim['value']}"
    return d


async def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"benchmark": "core_pacing", "mode": args.mode}
    out["paced"] = await _scenario(args, reported=None)
    if args.hidden_limit:
        out["hidden_limit"] = await _scenario(args, reported=args.limit * 2)
    return out


def _print_one(title: str, r: dict[str, Any]) -> None:
    g = r["governor"]
    print(
        f"{title}: {r['requests']} requests, server allows {r['limit']} per {r['window_s']:g} s "
        f"(limits API says {r['reported_limit']}), {r['latency_s'] * 1000:.0f} ms latency, "
        f"{r['workers']} workers"
    )
    print(f"  wall time            {r['wall_s']:8.2f} s")
    print(
        f"  sliding-window bound {r['lower_bound_s']:8.2f} s  for {r['requests']} requests; "
        f"{r['lower_bound_incl_limits_read_s']:.2f} s for the {r['server_counted_requests']} the server "
        "counts (+ the limits read)"
    )
    print(f"  evenly spread        {r['evenly_spread_s']:8.2f} s  (N/L x W)")
    print(
        f"  server 429s {r['server_429']}, peak in window {r['server_peak_in_window']}/{r['limit']}, "
        f"admitted per window {r['server_waves']}, client errors {r['client_errors']} "
        f"{r['client_error_kinds'] or ''}"
    )
    print(
        f"  governor: limit {g['limit']} ({g['source']}), used {g['used']}, in flight {g['in_flight']}, "
        f"throttled {g['throttled']}, last limit {g['last_limit']}, held {g['held_for']:.1f} s, "
        f"state {g['state']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="120 requests at 60 per 10 s (default)")
    mode.add_argument("--full", action="store_true", help="600 requests at 300 per 60 s (~2 min)")
    ap.add_argument("--requests", type=int)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--window", type=float)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--workers", type=int, default=20)
    ap.add_argument(
        "--exempt-limits-read", action="store_true", help="the server does not count the limits read"
    )
    ap.add_argument(
        "--hidden-limit",
        action="store_true",
        help="also run with the limits API reporting 2x the enforced limit (429 handling)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    args.mode = "full" if args.full else "quick"
    n, lim, win = (600, 300, 60.0) if args.full else (120, 60, 10.0)
    args.requests = max(1, min(args.requests or n, 5000))
    args.limit = max(1, args.limit or lim)
    args.window = max(0.1, args.window or win)
    args.workers = max(1, min(args.workers, 200))
    # Bounded: enough for the schedule plus slack (and for the hidden-limit run's holds).
    budget = (math.ceil((args.requests + 1) / args.limit) + 2) * args.window * (3 if args.hidden_limit else 1)
    out = asyncio.run(asyncio.wait_for(run(args), timeout=budget + 30))
    if args.json:
        print(json.dumps(out))
    else:
        _print_one("pacing", out["paced"])
        if "hidden_limit" in out:
            _print_one("hidden limit", out["hidden_limit"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
