"""Load bench: N requests from C concurrent clients against ``gctui sim`` (loopback only).

Runs the simulator in a subprocess (so client and server do not share a GIL), mixes cheap and
listing endpoints, and prints requests/s, latency percentiles, per-status counts and errors.

    python bench/bench_sim_load.py [--requests 2000] [--concurrency 50] [--scale]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import subprocess
import sys
import time

import httpx

PATHS = (
    "/api/v2/organizations/me",
    "/api/v2/routing/queues?pageSize=25",
    "/api/v2/integrations/actions?pageSize=100&pageNumber=2",
    "/api/v2/flows?type=inboundcall&pageSize=50",
    "/api/v2/telephony/providers/edges/trunks",
    "/api/v2/tokens/me",
)


def start_sim(scale: bool) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "gctui", "sim", "--port", "0", "--rate-limit", "10000000"]
    if scale:
        cmd += ["--actions", "10000", "--flows", "10000", "--queues", "2000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
    assert proc.stdout is not None
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "listening on" in line:
            return proc, line.rsplit(" ", 1)[-1].strip()
    proc.kill()
    raise RuntimeError("simulator did not start")


async def run(base: str, total: int, concurrency: int) -> dict[str, object]:
    statuses: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        r = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("gctui-demo", "gctui-demo-secret"),
        )
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        counter = iter(range(total))

        async def worker() -> None:
            for i in counter:
                t = time.perf_counter()
                try:
                    resp = await client.get(PATHS[i % len(PATHS)])
                    statuses[str(resp.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append(time.perf_counter() - t)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": total,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "req_per_s": round(total / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "statuses": dict(statuses),
        "errors": sum(v for k, v in statuses.items() if not k.startswith("2")),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--scale", action="store_true", help="10k actions / 10k flows / 2k queues")
    args = ap.parse_args()
    proc, base = start_sim(args.scale)
    try:
        result = asyncio.run(asyncio.wait_for(run(base, args.requests, args.concurrency), timeout=300))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"cpus={os.cpu_count()} " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
