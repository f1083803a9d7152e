"""Token storm: 200 concurrent calls across a token expiry must cost exactly one token request.

The loopback server issues short-lived tokens (default ``expires_in`` 2 s, enforced: an expired
or revoked token gets 401) and counts every ``POST /oauth/token``. Each repetition uses a fresh
client that takes its first token and reads the limits, then one of these storms runs:

* ``expiry``: 200 calls launched together just after the client's refresh point (it refreshes
  at 90 % of a short token's life, so at 1.8 s of 2 s).
* ``stream``: 200 calls spread evenly over 1 s that straddles the refresh point and the
  server-side expiry.
* ``revoked``: the server revokes the token (the client still thinks it is valid), then 200
  calls at once: a storm of 401s that must collapse into one refresh.

Target: one token request per storm, every call succeeds.

    python bench/bench_core_token_storm.py [--calls 200] [--expires-in 2] [--reps 3] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from _loopback import ORG_PATH, Loopback, LoopbackConfig, make_client

from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import GenesysError

SCENARIOS = ("expiry", "stream", "revoked")


async def _call(client: GenesysClient, errors: list[str]) -> None:
    try:
        await client.request("GET", ORG_PATH)
    except GenesysError as exc:
        errors.append(type(exc).__name__)


async def _storm(srv: Loopback, scenario: str, args: argparse.Namespace) -> dict[str, Any]:
    async with make_client(srv.base_url, window=60.0) as client:
        await client.request("GET", ORG_PATH)  # first token + limits read, not part of the storm
        life = float(args.expires_in)
        refresh_at = life - min(60.0, life * 0.1)  # TokenManager's refresh point
        age = client.tokens.status().age or 0.0
        before_tokens = srv.stats.token_requests
        before_401 = srv.stats.unauthorized
        before_refreshes = client.tokens.refreshes
        errors: list[str] = []
        if scenario == "expiry":
            await asyncio.sleep(max(0.0, refresh_at + 0.05 - age))
            t0 = time.perf_counter()
            await asyncio.gather(*(_call(client, errors) for _ in range(args.calls)))
        elif scenario == "stream":
            start = refresh_at - 0.5  # 0.5 s before the refresh point .. 0.5 s after it
            await asyncio.sleep(max(0.0, start - age))
            t0 = time.perf_counter()
            gap = 1.0 / args.calls
            tasks = []
            for _ in range(args.calls):
                tasks.append(asyncio.create_task(_call(client, errors)))
                await asyncio.sleep(gap)
            await asyncio.gather(*tasks)
        else:
            srv.revoke_all()
            srv.stats.first_401_at = None
            t0 = time.perf_counter()
            await asyncio.gather(*(_call(client, errors) for _ in range(args.calls)))
        elapsed = time.perf_counter() - t0
        refresh_wait = None
        if scenario == "revoked" and srv.stats.first_401_at is not None and srv.stats.token_at:
            # How long the token request took to reach the server after the first 401: it
            # shares the connection pool with the storm's requests, queued ahead of it.
            refresh_wait = srv.stats.token_at[-1] - srv.stats.first_401_at
        return {
            "refresh_after_first_401_s": refresh_wait,
            "token_requests": srv.stats.token_requests - before_tokens,
            "client_refreshes": client.tokens.refreshes - before_refreshes,
            "server_401": srv.stats.unauthorized - before_401,
            "errors": len(errors),
            "error_kinds": sorted(set(errors)),
            "storm_s": elapsed,
        }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    cfg = LoopbackConfig(
        latency=args.latency,
        token_latency=args.token_latency,
        limit=1_000_000,
        window=60.0,
        expires_in=args.expires_in,
    )
    out: dict[str, Any] = {
        "benchmark": "core_token_storm",
        "calls": args.calls,
        "expires_in_s": args.expires_in,
        "latency_s": args.latency,
        "token_latency_s": args.token_latency,
        "reps": args.reps,
        "scenarios": {},
    }
    async with Loopback(cfg) as srv:
        for scenario in args.scenarios:
            runs = [await _storm(srv, scenario, args) for _ in range(args.reps)]
            out["scenarios"][scenario] = {
                "token_requests_per_storm": [r["token_requests"] for r in runs],
                "client_refreshes_per_storm": [r["client_refreshes"] for r in runs],
                "server_401_per_storm": [r["server_401"] for r in runs],
                "errors": sum(r["errors"] for r in runs),
                "error_kinds": sorted({k for r in runs for k in r["error_kinds"]}),
                "storm_s": [round(r["storm_s"], 3) for r in runs],
                "refresh_after_first_401_s": [
                    round(r["refresh_after_first_401_s"], 3)
                    for r in runs
                    if r["refresh_after_first_401_s"] is not None
                ],
                "ok": all(r["token_requests"] == 1 and r["errors"] == 0 for r in runs),
            }
        out["server_token_requests_total"] = srv.stats.token_requests
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--expires-in", type=int, default=2, help="token lifetime the server issues, s")
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--token-latency", type=float, default=0.05, help="server time per token request")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scenarios", nargs="*", choices=SCENARIOS, default=list(SCENARIOS))
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    args.calls = max(1, min(args.calls, 2000))
    args.reps = max(1, min(args.reps, 10))
    args.expires_in = max(1, min(args.expires_in, 86400))
    waits = sum(1 for s in args.scenarios if s != "revoked") * args.expires_in
    if waits > 120 * args.reps:
        ap.error("expiry/stream wait for the token to age: keep --expires-in small (or --scenarios revoked)")
    budget = args.reps * (waits + len(args.scenarios) * (10 + 40 * args.latency * args.calls / 20)) + 30
    out = asyncio.run(asyncio.wait_for(run(args), timeout=budget))
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"token storm: {out['calls']} concurrent calls, tokens live {out['expires_in_s']} s "
        f"(client refreshes at 90 %), {out['latency_s'] * 1000:.0f} ms API / "
        f"{out['token_latency_s'] * 1000:.0f} ms token latency, {out['reps']} storms each"
    )
    for name, s in out["scenarios"].items():
        print(
            f"  {name:<8} token requests per storm {s['token_requests_per_storm']}  "
            f"401s {s['server_401_per_storm']}  errors {s['errors']} {s['error_kinds'] or ''}  "
            f"storm {s['storm_s']} s  {'OK' if s['ok'] else 'NOT 1 PER STORM'}"
        )
        if s["refresh_after_first_401_s"]:
            waits = s["refresh_after_first_401_s"]
            print(f"           token request reached the server {waits} s after the first 401")
    return 0


if __name__ == "__main__":
    sys.exit(main())
