"""Bulk timeout fix through ActionsWriter against the simulated org at its rate limit.

N actions get a new timeout the way the Data actions tab does it: ``plan_timeouts`` (the dry
run) → ``ActionsWriter.apply`` (read the current versions, PATCH each, verify). The simulator
(``gctui.sim.SimServer``, in this process: at a few requests a second CPU is not the limit)
enforces L requests per W seconds per token, as the real API does. Reported: wall time against
the evenly-spread bound N/L x W (target within 10 %), the 429s the server sent (target 0), and
every request the server received per changed action (PATCHes, page reads, verification, the
limits read and the token request; target ≤ 1.1). The server's PATCH history checks that each
action was applied exactly once.

    python bench/bench_actions_bulk.py --quick    # 120 actions at 60 per 10 s (~25 s)
    python bench/bench_actions_bulk.py            # 600 actions at 300 per 60 s (~2 min)
    python bench/bench_actions_bulk.py --n 900 --limit 300 --window 60 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.genesys.session import Session
from gctui.services.actions import ActionsWriter, Journal, Outcome, State, plan_timeouts
from gctui.sim import SimConfig
from gctui.sim.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from gctui.sim.server import SimServer

SEED = 11
TARGET_WALL_RATIO = 1.10
TARGET_REQUESTS_PER_CHANGE = 1.10


def _sliding_bound(requests: int, limit: int, window: float) -> float:
    """Fastest finish under a sliding window: L at once, then L more each window."""
    return window * (math.ceil(requests / limit) - 1)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    n, limit, window = args.n, args.limit, args.window
    cfg = SimConfig(
        seed=SEED,
        actions=n + 20,
        rate_limit=limit,
        rate_window=window,
        latency_ms=args.latency_ms,
        token_rate_limit=1000,
    )
    async with SimServer(cfg) as sim:
        assert sim.runtime is not None
        org = sim.runtime.org
        # The ids come from the simulator itself: listing them through the client would spend
        # the budget the batch is measured on (the tab has them loaded already).
        ids = [a["id"] for a in org.actions[:n]]
        rng = random.Random(SEED)
        before = {i: org.action_by_id[i].get("config", {}).get("timeoutSeconds") for i in ids}
        targets = {i: rng.choice([t for t in range(1, 61) if t != before[i]]) for i in ids}
        opts = ClientOptions(
            region=resolve_region(sim.base_url),
            client_id=DEMO_CLIENT_ID,
            client_secret=Secret(DEMO_CLIENT_SECRET),
            rate_limit_window=window,
        )
        stats0 = sim.control.stats()
        done_at: list[float] = []
        step = max(1, n // 10)

        def progress(outcome: Outcome, finished: int, total: int) -> None:
            done_at.append(time.perf_counter() - t0)
            if not args.json and finished % step == 0:
                print(f"  {finished}/{total} done at {done_at[-1]:6.1f} s", file=sys.stderr, flush=True)

        with tempfile.TemporaryDirectory(prefix="gctui-bench-") as tmp:
            async with Session.create(opts) as session:
                with Journal(Path(tmp) / "journal.sqlite3", "bench") as journal:
                    writer = ActionsWriter(session.api, session.pool, journal, verify_seconds=30)
                    t0 = time.perf_counter()
                    plan = await plan_timeouts(session.api, targets, 10)
                    t_plan = time.perf_counter() - t0
                    report = await writer.apply(plan, on_progress=progress)
                    wall = time.perf_counter() - t0
                    gov = session.client.governor.status()
                    client_sent = session.client.requests_sent
                    open_entries = len(journal.open_entries())
        stats = sim.control.stats()
        history = [sim.runtime.actions.history(i) for i in ids]

    received = stats["requests"] - stats0["requests"]
    tokens = stats["tokensIssued"] - stats0["tokensIssued"]
    applied = sum(h["applied"] for h in history)
    refused = sum(h["conflicts"] for h in history)
    patches = applied + refused
    changed = sum(1 for o in report.outcomes if o.state is State.DONE)
    wrong = sum(1 for i in ids if org.action_by_id[i]["config"].get("timeoutSeconds") != targets[i])
    evenly = n / limit * window
    api_requests = received - tokens
    return {
        "benchmark": "actions_bulk",
        "mode": args.mode,
        "actions": n,
        "limit": limit,
        "window_s": window,
        "latency_ms": args.latency_ms,
        "wall_s": wall,
        "plan_s": t_plan,
        "first_done_s": min(done_at) if done_at else None,
        "last_done_s": max(done_at) if done_at else None,
        "evenly_spread_bound_s": evenly,
        "wall_vs_bound": wall / evenly,
        "sliding_window_bound_s": _sliding_bound(api_requests, limit, window),
        "server_429": stats["rateLimited"] - stats0["rateLimited"],
        "server_requests": received,
        "server_token_requests": tokens,
        "server_patches": patches,
        "server_reads": api_requests - patches,
        "client_requests_sent": client_sent,
        "changed": changed,
        "requests_per_change": received / changed if changed else None,
        "applied_exactly_once": all(h["applied"] == 1 for h in history),
        "stale_versions_refused": refused,
        "not_at_target": wrong,
        "report": report.summary(),
        "report_ok": report.ok,
        "journal_open_entries": open_entries,
        "governor": {
            "limit": gov.limit,
            "source": gov.source,
            "throttled": gov.throttled,
            "requests_per_minute": gov.requests_per_minute,
        },
    }


def _verdict(r: dict[str, Any]) -> list[str]:
    misses = []
    if r["wall_vs_bound"] > TARGET_WALL_RATIO:
        misses.append(f"wall {r['wall_vs_bound']:.2f}x the bound (target <= {TARGET_WALL_RATIO:.2f}x)")
    if r["server_429"]:
        misses.append(f"{r['server_429']} server 429s (target 0)")
    rpc = r["requests_per_change"]
    if rpc is None or rpc > TARGET_REQUESTS_PER_CHANGE:
        misses.append(f"{rpc} requests per change (target <= {TARGET_REQUESTS_PER_CHANGE})")
    if not (r["report_ok"] and r["applied_exactly_once"] and r["not_at_target"] == 0):
        misses.append("not every action was changed exactly once")
    return misses


def _print(r: dict[str, Any]) -> None:
    g = r["governor"]
    print(
        f"bulk fix: {r['actions']} actions, server allows {r['limit']} per {r['window_s']:g} s, "
        f"{r['latency_ms']} ms latency"
    )
    print(
        f"  wall time            {r['wall_s']:8.2f} s  (plan {r['plan_s']:.2f} s, "
        f"last PATCH done {r['last_done_s']:.2f} s)"
    )
    print(
        f"  N/L x W bound        {r['evenly_spread_bound_s']:8.2f} s  -> {r['wall_vs_bound']:.3f}x; "
        f"sliding-window bound for the {r['server_requests'] - r['server_token_requests']} API requests "
        f"{r['sliding_window_bound_s']:.2f} s"
    )
    print(
        f"  server received      {r['server_requests']} requests = {r['server_patches']} PATCH + "
        f"{r['server_reads']} reads (pages, verification, limits) + {r['server_token_requests']} token "
        f"-> {r['requests_per_change']:.3f} per changed action"
    )
    print(
        f"  server 429s {r['server_429']}; stale versions refused {r['stale_versions_refused']}; "
        f"applied exactly once: {r['applied_exactly_once']}; not at target {r['not_at_target']}; "
        f"journal open {r['journal_open_entries']}; {r['report']}"
    )
    print(f"  governor: limit {g['limit']} ({g['source']}), throttled {g['throttled']}")
    misses = _verdict(r)
    verdict = "targets met" if not misses else "MISSED: " + "; ".join(misses)
    print(
        f"actions_bulk {r['mode']}: {r['actions']} actions in {r['wall_s']:.1f} s "
        f"({r['wall_vs_bound']:.3f}x of {r['evenly_spread_bound_s']:.0f} s), {r['server_429']} x 429, "
        f"{r['requests_per_change']:.3f} requests/change: {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="120 actions at 60 per 10 s (~25 s)")
    ap.add_argument("--n", type=int, help="actions to change (default 600; --quick 120)")
    ap.add_argument("--limit", type=int, help="requests per window (default 300; --quick 60)")
    ap.add_argument("--window", type=float, help="window seconds (default 60; --quick 10)")
    ap.add_argument("--latency-ms", type=int, default=20, help="simulator latency per request")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    args.mode = "quick" if args.quick else "full"
    n, lim, win = (120, 60, 10.0) if args.quick else (600, 300, 60.0)
    args.n = max(1, min(args.n or n, 20_000))
    args.limit = max(1, args.limit or lim)
    args.window = max(0.5, args.window or win)
    args.latency_ms = max(0, min(args.latency_ms, 2000))
    # Bounded: the schedule for every request (about 1.1 per action) plus two windows and slack.
    budget = (math.ceil(args.n * 1.2 / args.limit) + 2) * args.window + 60
    out = asyncio.run(asyncio.wait_for(run(args), timeout=budget))
    if args.json:
        print(json.dumps(out))
    else:
        _print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
