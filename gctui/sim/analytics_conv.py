"""``POST /api/v2/analytics/conversations/aggregates/query``: queue KPIs from each queue's profile.

Deterministic given seed + interval: every (queue, media, bucket) cell draws its jitter from a
stable hash. Volume follows a weekday office-hours curve (UTC).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gctui.sim.analytics_common import (
    CONVERSATION_DIMENSIONS,
    CONVERSATION_METRICS,
    check_names,
    compile_filter,
    fmt,
    merge_stats,
    parse_granularity,
    parse_interval,
)
from gctui.sim.det import str_key, unit
from gctui.sim.errors import bad_request
from gctui.sim.gen_routing import QueueProfile
from gctui.sim.http import Json, json_object, require, runtime

HOURLY = [0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 1.0, 0.95,
          0.85, 0.95, 1.0, 0.95, 0.85, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07]  # fmt: skip
MODELED = ("queueId", "mediaType", "direction", "divisionId", "purpose")


def hour_weight(start: datetime, end: datetime) -> float:
    """Sum of the diurnal curve over [start, end) in hours (weekends at 40%)."""
    total = 0.0
    t = start
    while t < end:
        nxt = min(end, (t + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0))
        frac = (nxt - t).total_seconds() / 3600.0
        total += HOURLY[t.hour] * (0.4 if t.weekday() >= 5 else 1.0) * frac
        t = nxt
    return total


def bucket_weight(start: datetime, end: datetime) -> float:
    hours = (end - start).total_seconds() / 3600
    if hours <= 48:
        return hour_weight(start, end)
    weeks = int(hours // 168)
    week = hour_weight(start, start + timedelta(days=7))
    rest_start = start + timedelta(days=7 * weeks)
    return weeks * week + hour_weight(rest_start, end)


def cell_metrics(p: QueueProfile, share: float, weight: float, k: int, b: int) -> dict[str, dict[str, Any]]:
    """Metric stats for one (queue, media, bucket); empty when nothing was offered."""
    offered = round(p.peak_per_hour * share * weight * (0.85 + 0.3 * unit(k, b, 1)))
    if offered <= 0:
        return {}
    abandoned = min(offered, round(offered * p.abandon_rate * (0.7 + 0.6 * unit(k, b, 2))))
    answered = offered - abandoned
    asa = p.asa_ms * (0.8 + 0.4 * unit(k, b, 3))
    aht = p.aht_ms * (0.9 + 0.2 * unit(k, b, 4))
    within = round(answered * (1 - math.exp(-p.sl_ms / asa)))
    transferred = round(answered * p.transfer_rate)
    held = round(answered * 0.2)

    def timer(count: int, mean: float, lo: float = 0.1, hi: float = 4.0) -> dict[str, Any]:
        return {"max": round(mean * hi), "min": round(mean * lo), "count": count, "sum": round(mean * count)}

    m: dict[str, dict[str, Any]] = {
        "nOffered": {"count": offered},
        "nConversations": {"count": offered},
        "nConnected": {"count": answered},
        "tAnswered": timer(answered, asa, 0.05),
        "tWait": timer(offered, asa * (answered + 1.2 * abandoned) / offered, 0.05),
        "tAcd": timer(offered, asa * (answered + 1.2 * abandoned) / offered, 0.05),
        "tAlert": timer(answered, 4000.0, 0.3, 2.0),
        "tHandle": timer(answered, aht, 0.2, 3.0),
        "tTalk": timer(answered, aht * 0.72, 0.2, 3.0),
        "tTalkComplete": timer(answered, aht * 0.72, 0.2, 3.0),
        "tHeld": timer(held, aht * 0.15, 0.2, 3.0),
        "tHeldComplete": timer(held, aht * 0.15, 0.2, 3.0),
        "tAcw": timer(answered, aht * 0.2, 0.2, 3.0),
        "nTransferred": {"count": transferred},
        "nBlindTransferred": {"count": round(transferred * 0.6)},
        "nConsultTransferred": {"count": transferred - round(transferred * 0.6)},
        "nOverSla": {"count": answered - within},
        "oServiceLevel": {
            "ratio": round(within / offered, 4),
            "numerator": within,
            "denominator": offered,
            "target": p.sl_pct,
        },
        "oServiceTarget": {"current": p.sl_ms},
    }
    if abandoned:
        m["tAbandon"] = timer(abandoned, asa * 1.2, 0.05)
        short = round(abandoned * 0.15)
        if short:
            m["tShortAbandon"] = timer(short, 3000.0, 0.1, 1.6)
    if m["nOverSla"]["count"] <= 0:
        del m["nOverSla"]
    return m


async def conversation_aggregates(request: Request) -> Response:
    rt = runtime(request)
    require(request, "analytics:conversationAggregate:view")
    body = await json_object(request)
    start, end = parse_interval(body.get("interval"))
    buckets = parse_granularity(body.get("granularity"), start, end)
    metrics = check_names(body.get("metrics"), CONVERSATION_METRICS, "metrics", required=True)
    group_by = check_names(body.get("groupBy"), CONVERSATION_DIMENSIONS, "groupBy")
    keep = compile_filter(body.get("filter"), CONVERSATION_DIMENSIONS)
    if body.get("queryType", "groupBy") not in ("groupBy", "topN", "bottomN"):
        raise bad_request("queryType must be groupBy, topN or bottomN", "queryType")
    org = rt.org
    cells = []
    for q in org.queues:
        p = org.queue_profiles[q["id"]]
        for i, media in enumerate(p.media):
            dims = {
                "queueId": q["id"],
                "mediaType": media,
                "direction": "inbound",
                "divisionId": q["division"]["id"],
                "purpose": "acd",
            }
            if keep(dims):
                cells.append((q["id"], p, media, (1.0 if len(p.media) == 1 else (0.7, 0.3)[i]), dims))
    n_groups = len({tuple(c[4].get(g) for g in group_by) for c in cells}) or 1
    if n_groups * len(buckets) > rt.config.max_analytics_cells:
        raise bad_request(
            f"The query would return more than {rt.config.max_analytics_cells} data points; "
            "narrow the interval, the granularity or the filter",
            "interval",
        )
    weights = [bucket_weight(s, e) for s, e in buckets]
    seed = rt.config.seed
    starts = [int(s.timestamp()) for s, _ in buckets]
    wanted = set(metrics)
    results: dict[tuple[Any, ...], dict[int, dict[str, dict[str, Any]]]] = {}
    groups: dict[tuple[Any, ...], dict[str, str]] = {}
    for qid, p, media, share, dims in cells:
        key = tuple(dims.get(g) for g in group_by)
        groups.setdefault(key, {g: dims[g] for g in group_by if g in dims})
        per_bucket = results.setdefault(key, {})
        k = str_key(qid + media) ^ seed
        for b, w in enumerate(weights):
            cell = cell_metrics(p, share, w, k, starts[b])
            if not cell:
                continue
            slot = per_bucket.setdefault(b, {})
            for name, stats in cell.items():
                if name in wanted:
                    if name in slot:
                        merge_stats(slot[name], stats)
                    else:
                        slot[name] = dict(stats)
    out = []
    for key, per_bucket in results.items():
        data = [
            {
                "interval": f"{fmt(buckets[b][0])}/{fmt(buckets[b][1])}",
                "metrics": [{"metric": m, "stats": slot[m]} for m in metrics if m in slot],
            }
            for b, slot in sorted(per_bucket.items())
            if slot
        ]
        if data:
            out.append({"group": groups[key], "data": data})
    return Json({"results": out} if out else {})
