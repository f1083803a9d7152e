"""``POST /api/v2/analytics/actions/aggregates/query``: data-action execution times and failures.

Each action's executions follow its log-normal backend latency; the share that exceeds the
action's *current* effective timeout is reported as ``errorType`` ``TIMEOUT`` (values unverified),
so a PATCHed timeout changes what later queries show. ``p95``/``p99`` are backend latency
quantiles in ms: an action whose timeout is too low shows a p99 above its timeout.

Metrics: ``tTotalExecution`` (the only one the SDK names) has ``count`` = executions and ints
``min/max/sum/p95/p99`` in ms. Failures show when grouping by ``errorType``/``responseStatus``
(the ``count`` of each group), and as the unverified count metrics of :data:`COUNT_METRICS`
(``stats.count``; a bucket without failures leaves them out). Names and ``errorType`` values
that are unverified live here only.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gctui.sim.analytics_common import (
    check_names,
    compile_filter,
    fmt,
    merge_stats,
    parse_granularity,
    parse_interval,
)
from gctui.sim.analytics_conv import bucket_weight
from gctui.sim.det import normal_cdf, normal_quantile, str_key, unit
from gctui.sim.errors import bad_request
from gctui.sim.http import Json, json_object, runtime

# --- names the reference marks unverified: keep them here -------------------------------------
TIMEOUT, REMOTE = "TIMEOUT", "REMOTE_ENDPOINT"  # errorType values
TIMEOUT_STATUS, REMOTE_STATUS, OK_STATUS = "408", "500", "200"  # responseStatus values
EXECUTION = "tTotalExecution"  # verified (SDK sort/view enums)
COUNT_METRICS = {"nError": "errors", "nTimeout": "timeouts"}  # unverified metric names
ACTION_DIMENSIONS = frozenset(
    "actionCategory actionId actionName correlationId errorType integrationId integrationName "
    "responseStatus".split()
)
ACTION_METRICS = frozenset((EXECUTION, *COUNT_METRICS))
MEAN_WEIGHT_PER_HOUR = 0.45  # mean of the diurnal curve: per_hour is the flat-rate equivalent


def _stats(prof: Any, count: int, lo: float, hi: float, k: int, b: int) -> dict[str, Any]:
    """Stats of ``count`` executions whose latency lies between CDF levels lo..hi."""

    def q(p: float) -> float:
        level = min(max(lo + (hi - lo) * p, 1e-6), 1 - 1e-6)
        return prof.median_ms * math.exp(prof.sigma * normal_quantile(level))

    jitter = 1 + (unit(k, b, 9) - 0.5) * 0.1
    return {
        "max": round(q(0.999) * jitter),
        "min": round(q(0.001)),
        "count": count,
        "sum": round(q(0.5) * math.exp(prof.sigma**2 / 4) * count),
        "p95": int(q(0.95) * jitter),
        "p99": int(q(0.99) * jitter),
    }


async def action_aggregates(request: Request) -> Response:
    rt = runtime(request)
    body = await json_object(request)
    start, end = parse_interval(body.get("interval"))
    buckets = parse_granularity(body.get("granularity"), start, end)
    metrics = check_names(body.get("metrics"), ACTION_METRICS, "metrics", required=True)
    group_by = check_names(body.get("groupBy"), ACTION_DIMENSIONS, "groupBy")
    keep = compile_filter(body.get("filter"), ACTION_DIMENSIONS)
    org = rt.org
    split = "errorType" in group_by or "responseStatus" in group_by or "errorType" in str(body.get("filter"))
    weights = [bucket_weight(s, e) / MEAN_WEIGHT_PER_HOUR for s, e in buckets]
    starts = [int(s.timestamp()) for s, _ in buckets]
    if len(org.actions) * len(buckets) > rt.config.max_analytics_cells:
        raise bad_request("The query would return too many data points; narrow the interval", "interval")
    results: dict[tuple[Any, ...], dict[int, dict[str, Any]]] = {}
    groups: dict[tuple[Any, ...], dict[str, str]] = {}
    for a in org.actions:
        prof = org.action_profiles[a["id"]]
        if prof.per_hour <= 0:
            continue
        base = {
            "actionId": a["id"],
            "actionName": a["name"],
            "actionCategory": a["category"],
            "integrationId": a["integrationId"],
            "integrationName": a["category"],
        }
        t_ms = org.effective_timeout_s(a) * 1000
        f_ok = normal_cdf(math.log(t_ms / prof.median_ms) / prof.sigma)
        k = str_key(a["id"]) ^ rt.config.seed
        for b, w in enumerate(weights):
            n = round(prof.per_hour * w * (0.85 + 0.3 * unit(k, starts[b], 1)))
            if n <= 0:
                continue
            timeouts = round(n * (1 - f_ok))
            remote = round((n - timeouts) * prof.error_rate)
            # (dimensions, executions, CDF range of their latency, errors, timeouts)
            parts: list[tuple[dict[str, str], int, float, float, int, int]]
            if split:
                parts = [
                    (dict(base, responseStatus=OK_STATUS), n - timeouts - remote, 0.0, f_ok, 0, 0),
                    (
                        dict(base, errorType=TIMEOUT, responseStatus=TIMEOUT_STATUS),
                        timeouts,
                        f_ok,
                        1.0,
                        timeouts,
                        timeouts,
                    ),
                    (
                        dict(base, errorType=REMOTE, responseStatus=REMOTE_STATUS),
                        remote,
                        0.0,
                        f_ok,
                        remote,
                        0,
                    ),
                ]
            else:
                parts = [(base, n, 0.0, 1.0, timeouts + remote, timeouts)]
            for dims, count, lo, hi, errors, timed_out in parts:
                if count <= 0 or not keep(dims):
                    continue
                key = tuple(dims.get(g) for g in group_by)
                groups.setdefault(key, {g: dims[g] for g in group_by if g in dims})
                slot = results.setdefault(key, {}).setdefault(b, {})
                found = {"errors": errors, "timeouts": timed_out}
                for m in metrics:
                    if m == EXECUTION:
                        stats = _stats(prof, count, lo, hi, k, starts[b])
                    elif found[COUNT_METRICS[m]]:
                        stats = {"count": found[COUNT_METRICS[m]]}
                    else:
                        continue
                    if m in slot:
                        merge_stats(slot[m], stats)
                    else:
                        slot[m] = stats
    out = []
    for key, per_bucket in results.items():
        data = [
            {
                "interval": f"{fmt(buckets[b][0])}/{fmt(buckets[b][1])}",
                "metrics": [{"metric": m, "stats": by_metric[m]} for m in metrics if m in by_metric],
            }
            for b, by_metric in sorted(per_bucket.items())
            if by_metric
        ]
        if data:
            out.append({"group": groups[key], "data": data})
    return Json({"results": out} if out else {})
