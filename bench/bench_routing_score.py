"""The Routing scorer at org scale: 2,000 queues x 30 daily buckets (x 2 usedRouting splits).

Synthetic aggregate results (the shape of §1.2: per queue and usedRouting, one bucket per day
with nOffered, tAnswered, tAbandon, tHandle, oServiceLevel, nTransferred). Timed, median of
``--reps`` after one untimed warm-up:

* ``buckets -> frame``: the API's parsed results into the bucket frame (once per fetch);
* ``score``: buckets summed per queue, the KPIs, the weighted score with the default weights
  (target < 200 ms);
* ``re-rank``: a weight change on the already built queue table (target < 50 ms), min-max and
  percentile;
* ``by method``: the volume-weighted method table and its score.

    python bench/bench_routing_score.py [--queues 2000] [--days 30] [--reps 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from gctui.genesys.models import AggregateResult
from gctui.services.routing import Dataset, ScoreSettings, parse_interval, score_frame
from gctui.services.routing.kpis import RAW, bucket_frame, kpis, sum_buckets

SCORE_TARGET_MS = 200.0
RERANK_TARGET_MS = 50.0
METHODS = ("standard", "bullseye", "preferred", "conditional", "last", "predictive", "direct")


def synthetic(queues: int, days: int, seed: int = 12) -> tuple[list[AggregateResult], pd.DataFrame]:
    rng = random.Random(seed)
    results: list[AggregateResult] = []
    for q in range(queues):
        for used in ("Standard", "Bullseye"):
            data = []
            for d in range(days):
                offered = rng.randint(0, 400)
                answered = int(offered * rng.uniform(0.8, 1.0))
                abandoned = offered - answered
                data.append(
                    {
                        "interval": f"2024-04-{d + 1:02d}/x",
                        "metrics": [
                            {"metric": "nOffered", "stats": {"count": offered}},
                            {
                                "metric": "tAnswered",
                                "stats": {"count": answered, "sum": answered * rng.uniform(5e3, 9e4)},
                            },
                            {"metric": "tAbandon", "stats": {"count": abandoned, "sum": abandoned * 3e4}},
                            {
                                "metric": "tHandle",
                                "stats": {"count": answered, "sum": answered * rng.uniform(1e5, 6e5)},
                            },
                            {
                                "metric": "oServiceLevel",
                                "stats": {"numerator": answered * 0.7, "denominator": answered},
                            },
                            {"metric": "nTransferred", "stats": {"count": answered // 10}},
                        ],
                    }
                )
            results.append(
                AggregateResult.model_validate(
                    {"group": {"queueId": f"q{q}", "usedRouting": used}, "data": data}
                )
            )
    meta = pd.DataFrame(
        {
            "name": [f"Queue {q}" for q in range(queues)],
            "division": "",
            "method": [METHODS[q % len(METHODS)] for q in range(queues)],
            "methods": "",
            "skillEvaluation": "BEST",
            "predictorState": "",
            "waiting": 0,
            "interacting": 0,
            "onQueue": 0,
        },
        index=pd.Index([f"q{q}" for q in range(queues)], name="queueId"),
    )
    return results, meta


def timed(fn: Callable[[], Any], reps: int) -> tuple[float, Any]:
    out = fn()  # warm-up
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queues", type=int, default=2000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    results, meta = synthetic(args.queues, args.days)
    frame_ms, buckets = timed(lambda: bucket_frame(results), max(1, args.reps // 2))
    settings = ScoreSettings()

    def score() -> pd.DataFrame:
        raw = sum_buckets(buckets).reindex(meta.index).fillna(0.0)
        table = meta.join(kpis(raw))
        return score_frame(table, settings)

    score_ms, scored = timed(score, args.reps)
    raw = sum_buckets(buckets).reindex(meta.index).fillna(0.0)
    ds = Dataset(
        parse_interval("30d"), meta.join(raw[list(RAW)]), sum_buckets(buckets, ("queueId", "usedRouting"))
    )
    table = ds.queue_table()
    changed = settings.with_weight("asa", 0.9)
    rerank_ms, reranked = timed(lambda: score_frame(table, changed), args.reps)
    pct = ScoreSettings(settings.weights, normalization="percentile")
    rerank_pct_ms, _ = timed(lambda: score_frame(table, pct), args.reps)
    method_ms, methods = timed(lambda: score_frame(ds.method_table(), settings), args.reps)
    doc = {
        "queues": args.queues,
        "days": args.days,
        "bucketRows": len(buckets),
        "bucketsToFrameMs": round(frame_ms, 1),
        "scoreMs": round(score_ms, 1),
        "scoreTargetMs": SCORE_TARGET_MS,
        "rerankMs": round(rerank_ms, 1),
        "rerankPercentileMs": round(rerank_pct_ms, 1),
        "rerankTargetMs": RERANK_TARGET_MS,
        "byMethodMs": round(method_ms, 1),
        "ranked": int((~scored["lowVolume"]).sum()),
        "topChanged": bool(scored.index[0] != reranked.index[0]),
        "methods": len(methods),
        "ok": score_ms < SCORE_TARGET_MS
        and rerank_ms < RERANK_TARGET_MS
        and rerank_pct_ms < RERANK_TARGET_MS,
    }
    if args.json:
        print(json.dumps(doc))
        return
    print(f"{args.queues} queues x {args.days} daily buckets x 2 usedRouting = {len(buckets)} bucket rows")
    print(f"  buckets -> frame   {frame_ms:8.1f} ms  (once per fetch)")
    print(f"  score              {score_ms:8.1f} ms  (target < {SCORE_TARGET_MS:.0f} ms)")
    print(f"  re-rank (min-max)  {rerank_ms:8.1f} ms  (target < {RERANK_TARGET_MS:.0f} ms)")
    print(f"  re-rank (pctile)   {rerank_pct_ms:8.1f} ms  (target < {RERANK_TARGET_MS:.0f} ms)")
    print(f"  by method          {method_ms:8.1f} ms")
    print("OK" if doc["ok"] else "OVER TARGET")


if __name__ == "__main__":
    main()
