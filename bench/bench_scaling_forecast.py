"""The Scaling service's forecast at org scale: 500 edges (CPU + memory) + 2,000 trunks.

A synthetic org: 100 edge groups of 5 edges, 4 trunks per edge, one sample every 30 s over the
1 h trend window (120 samples per resource, 3,000 resources: 360,000 points), with trends, a
daily-ish wave and noise; some edges ramp towards critical. Timed, median of ``--reps`` after
one untimed warm-up:

* ``forecast holt`` / ``forecast linear``: :func:`forecast_all` over the 3,000 windows (the
  target: < 200 ms);
* ``compute``: what a refresh does after its requests: forecast every resource from its
  in-memory window, the rule for the 100 groups and their canonical payloads;
* ``history load``: once per start, the 360,000 points of the window read from SQLite.

    python bench/bench_scaling_forecast.py [--edges 500] [--trunks 2000] [--points 120] [--reps 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gctui.config.scaling import ScalingConfig
from gctui.services.scaling import (
    ForecastSettings,
    Kind,
    NodeGroup,
    Sample,
    ScalingService,
    ScalingStore,
    Series,
    forecast_all,
)
from gctui.services.scaling.sampler import Pass, edge_key, trunk_key

TARGET_MS = 200.0
STEP = 30.0


def synthetic(edges: int, trunks: int, points: int, seed: int = 13) -> tuple[list[Series], list[NodeGroup]]:
    rng = random.Random(seed)
    now = 1_800_000_000.0
    times = [now - (points - 1 - i) * STEP for i in range(points)]
    out: list[Series] = []
    groups: dict[str, list[str]] = {}

    def wave(base: float, slope: float, noise: float) -> list[float]:
        phase = rng.random() * math.tau
        return [
            min(1.0, max(0.0, base + slope * i + 0.03 * math.sin(phase + i / 20) + rng.gauss(0, noise)))
            for i in range(points)
        ]

    for e in range(edges):
        eid, gid = f"e{e}", f"g{e // 5}"
        groups.setdefault(gid, []).append(eid)
        ramp = 0.002 if e % 10 == 0 else rng.uniform(-0.0003, 0.0005)
        out.append(Series(edge_key(eid, Kind.CPU), Kind.CPU, eid, gid, gid, times, wave(0.4, ramp, 0.02)))
        out.append(
            Series(edge_key(eid, Kind.MEMORY), Kind.MEMORY, eid, gid, gid, times, wave(0.6, 0.0001, 0.01))
        )
    for t in range(trunks):
        eid = f"e{t % max(1, edges)}"
        gid = f"g{(t % max(1, edges)) // 5}"
        out.append(Series(trunk_key(f"t{t}"), Kind.TRUNK, f"t{t}", gid, gid, times, wave(0.5, 0.0004, 0.03)))
    return out, [NodeGroup(g, g, tuple(ids), sessions=0) for g, ids in groups.items()]


def timed(fn: Callable[[], Any], reps: int) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=500)
    parser.add_argument("--trunks", type=int, default=2000)
    parser.add_argument("--points", type=int, default=120)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    series, groups = synthetic(args.edges, args.trunks, args.points)
    config = ScalingConfig()
    settings = {
        m: ForecastSettings(horizon_seconds=3600, model=m, min_span_seconds=60) for m in ("holt", "linear")
    }
    results: dict[str, Any] = {
        "resources": len(series),
        "points": len(series) * args.points,
        "targetMs": TARGET_MS,
    }
    for model, s in settings.items():
        results[f"forecast{model.title()}Ms"] = round(
            timed(lambda s=s: forecast_all(series, config.thresholds, s), args.reps), 1
        )
    crossing = sum(f.crosses_critical for f in forecast_all(series, config.thresholds, settings["holt"]))
    results["crossingCritical"] = crossing

    with tempfile.TemporaryDirectory() as tmp:
        store = ScalingStore(Path(tmp) / "scaling.sqlite3", "bench")
        rows = [
            Sample(s.key, s.kind, s.name, s.group_id, s.group_name, t, v)
            for s in series
            for t, v in zip(s.times, s.values, strict=True)
        ]
        store.record(rows)
        latest = [
            Sample(s.key, s.kind, s.name, s.group_id, s.group_name, s.times[-1], s.values[-1]) for s in series
        ]
        at = series[0].times[-1]
        service = ScalingService(None, config, store, profile="bench", clock=lambda: at)  # type: ignore[arg-type]
        result = Pass(at, latest, groups)
        start = time.perf_counter()
        service.windows(at)  # the first refresh after a start: the window read from SQLite
        results["historyLoadMs"] = round((time.perf_counter() - start) * 1000, 1)
        results["computeMs"] = round(timed(lambda: service.compute(result), args.reps), 1)
        store.close()
    results["ok"] = results["forecastHoltMs"] < TARGET_MS and results["forecastLinearMs"] < TARGET_MS
    if args.json:
        print(json.dumps(results))
    else:
        print(
            f"{results['resources']} resources ({args.edges} edges x cpu+memory, {args.trunks} trunks), "
            f"{args.points} samples each ({results['points']:,} points), median of {args.reps}:\n"
            f"  forecast holt    {results['forecastHoltMs']:7.1f} ms   (target < {TARGET_MS:.0f} ms)\n"
            f"  forecast linear  {results['forecastLinearMs']:7.1f} ms\n"
            f"  compute          {results['computeMs']:7.1f} ms   (refresh: forecast, rule, payloads)\n"
            f"  history load     {results['historyLoadMs']:7.1f} ms   (once per start, from SQLite)\n"
            f"  {crossing} resources forecast to cross critical within 1 h"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
