"""Concurrent vs sequential pagination through GenesysClient.paginate over loopback.

Lists N data actions (default 10,000 at 100 per page = 100 pages) from a loopback server that
adds a fixed latency (default 20 ms) to every request. Each run uses a fresh client (so a fresh
token, limits read and connection pool) against the same server; the server's rate limit is set
high so only latency and CPU matter. Modes are interleaved per repetition and the median is
reported. Extra lines: the same listing under the real default limit (300/min), and a scaled
run where the limit is small enough that the governor, not latency, sets the pace.

    python bench/bench_core_pagination.py [--reps 3] [--actions 10000] [--latency 0.02] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from typing import Any

from _loopback import ACTIONS_PATH, Loopback, LoopbackConfig, make_client

from gctui.genesys.models import Action


async def _list_once(base_url: str, concurrency: int | None, page_size: int, window: float) -> dict[str, Any]:
    async with make_client(base_url, window=window) as client:
        t0 = time.perf_counter()
        n = 0
        async for _ in client.paginate(ACTIONS_PATH, Action, page_size=page_size, concurrency=concurrency):
            n += 1
        elapsed = time.perf_counter() - t0
        gov = client.governor.status()
        return {
            "seconds": elapsed,
            "entities": n,
            "requests_sent": client.requests_sent,
            "governor_limit": gov.limit,
            "governor_source": gov.source,
            "governor_throttled": gov.throttled,
        }


async def _median_runs(
    srv: Loopback, modes: dict[str, int | None], reps: int, page_size: int, expected: int
) -> dict[str, dict[str, Any]]:
    times: dict[str, list[float]] = {m: [] for m in modes}
    last: dict[str, dict[str, Any]] = {}
    # Warm-up (imports, first connections, pydantic schema build): not timed.
    await _list_once(srv.base_url, modes[next(iter(modes))], page_size, 60.0)
    for _ in range(reps):
        for name, conc in modes.items():
            res = await _list_once(srv.base_url, conc, page_size, 60.0)
            if res["entities"] != expected:
                raise SystemExit(f"{name}: listed {res['entities']} entities, expected {expected}")
            times[name].append(res["seconds"])
            last[name] = res
    return {
        name: {
            "concurrency": modes[name],
            "median_s": statistics.median(ts),
            "runs_s": [round(t, 4) for t in ts],
            "requests_sent": last[name]["requests_sent"],
        }
        for name, ts in times.items()
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    page_size = args.page_size
    pages = math.ceil(args.actions / page_size)
    from gctui.genesys.options import ClientOptions

    default_conc = ClientOptions.__dataclass_fields__["page_concurrency"].default
    modes: dict[str, int | None] = {"sequential": 1, "default": None}
    for c in args.extra_concurrency:
        if c not in (1, default_conc):
            modes[f"concurrency_{c}"] = c

    cfg = LoopbackConfig(latency=args.latency, limit=1_000_000, window=60.0, n_actions=args.actions)
    async with Loopback(cfg) as srv:
        srv.prerender(page_size)
        results = await _median_runs(srv, modes, args.reps, page_size, args.actions)
        stats = srv.stats.as_dict()

    seq = results["sequential"]["median_s"]
    for res in results.values():
        res["speedup"] = seq / res["median_s"]
    # Latency-only floor: limits read + page 1, then the rest in waves of `concurrency`.
    for res in results.values():
        conc = res["concurrency"] or default_conc
        res["effective_concurrency"] = conc
        res["latency_floor_s"] = args.latency * (2 + math.ceil((pages - 1) / conc))

    out: dict[str, Any] = {
        "benchmark": "core_pagination",
        "actions": args.actions,
        "page_size": page_size,
        "pages": pages,
        "latency_s": args.latency,
        "reps": args.reps,
        "modes": results,
        "server": {"throttled_429": stats["throttled_429"], "token_requests": stats["token_requests"]},
    }

    if not args.no_extras:
        # The same listing against the real default limit (300/min): paginate is "bulk", so
        # the governor keeps 5 % back for interactive work (cap 285); 101 requests fit.
        cfg300 = LoopbackConfig(latency=args.latency, limit=300, window=60.0, n_actions=args.actions)
        async with Loopback(cfg300) as srv:
            srv.prerender(page_size)
            res = await _list_once(srv.base_url, None, page_size, 60.0)
            out["limit_300_per_min"] = {**res, "server_429": srv.stats.throttled}
        # Scaled-down pacing: a limit of `paced_limit` per `paced_window` s, so the listing
        # needs several windows. Floor: the bulk cap admits cap requests per window.
        lim, win = args.paced_limit, args.paced_window
        cfgp = LoopbackConfig(latency=args.latency, limit=lim, window=win, n_actions=args.actions)
        async with Loopback(cfgp) as srv:
            srv.prerender(page_size)
            res = await _list_once(srv.base_url, None, page_size, win)
            cap = max(1, lim - max(1, int(lim * 0.05)))
            total = pages + 1  # + the limits read
            out["paced"] = {
                **res,
                "limit": lim,
                "window_s": win,
                "bulk_cap": cap,
                "server_requests": srv.stats.api_requests,
                "server_429": srv.stats.throttled,
                "server_peak_in_window": srv.stats.peak_in_window,
                "floor_at_limit_s": win * (math.ceil(total / lim) - 1),
                "floor_at_bulk_cap_s": win * (math.ceil(total / cap) - 1),
            }
    return out


def _print(out: dict[str, Any]) -> None:
    print(
        f"pagination: {out['actions']} actions, {out['pages']} pages of {out['page_size']}, "
        f"{out['latency_s'] * 1000:.0f} ms latency, median of {out['reps']}"
    )
    for name, r in out["modes"].items():
        label = f"default ({r['effective_concurrency']})" if name == "default" else name.replace("_", " ")
        print(
            f"  {label:<16} {r['median_s']:7.3f} s   x{r['speedup']:5.2f}   "
            f"(latency floor {r['latency_floor_s']:.3f} s; runs {r['runs_s']})"
        )
    print(f"  server 429s: {out['server']['throttled_429']}")
    if "limit_300_per_min" in out:
        r = out["limit_300_per_min"]
        print(
            f"  at 300/min (default limit): {r['seconds']:.3f} s, {r['requests_sent']} requests, "
            f"server 429s {r['server_429']}, governor limit {r['governor_limit']} ({r['governor_source']})"
        )
    if "paced" in out:
        p = out["paced"]
        print(
            f"  paced {p['limit']}/{p['window_s']:g} s: {p['seconds']:.2f} s for "
            f"{p['server_requests']} requests "
            f"(floor {p['floor_at_limit_s']:.1f} s at the limit, {p['floor_at_bulk_cap_s']:.1f} s at the "
            f"bulk cap {p['bulk_cap']}), server 429s {p['server_429']}, peak in window "
            f"{p['server_peak_in_window']}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actions", type=int, default=10_000)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--extra-concurrency", type=int, nargs="*", default=[4, 16])
    ap.add_argument("--paced-limit", type=int, default=40)
    ap.add_argument("--paced-window", type=float, default=2.0)
    ap.add_argument("--no-extras", action="store_true", help="skip the 300/min and paced runs")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    args.reps = max(1, min(args.reps, 20))
    args.actions = max(1, min(args.actions, 200_000))
    out = asyncio.run(asyncio.wait_for(run(args), timeout=300))
    if args.json:
        print(json.dumps(out))
    else:
        _print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
