"""``POST /api/v2/analytics/conversations/aggregates/query``: queue KPIs from each queue's profile.

Deterministic given seed + interval: every (queue, media, bucket) draws its jitter from a stable
hash, so the same query gives the same answer, and an async job (:mod:`gctui.sim.analytics_jobs`)
the same data as the sync query. Volume follows a weekday office-hours curve (UTC).

Each queue's offered traffic is split into routing slices (``requestedRouting``/``usedRouting``,
see :mod:`gctui.sim.gen_routing_config`) by cumulative rounding, so the slices of a queue add up
to its total exactly and grouping by ``usedRouting`` re-aggregates to the same numbers. The other
metrics of a slice follow its KPI multipliers. Modelled dimensions: :data:`MODELED` (any other
dimension is absent from every row: it never matches a filter and groups everything together).

``views`` (§1.6): a rangeBound view counts the target timer's emissions in ``[gte, lt)`` under
the timer's distribution (waits exponential around their mean, handle times log-normal), so a
view on ``tAnswered`` with ``lt`` = the queue's SL threshold counts exactly the answered
conversations of ``oServiceLevel.numerator``. Its stats are a timer's (``count``, ``sum``,
``min``, ``max``), in ``data[].views[]`` as ``{name, stats}``.

Metrics with nothing to count in a bucket are left out of it, buckets with no metric left out of
the group, groups with no bucket left out of the answer (``{}`` when nothing is left).

The work is done with numpy over (rows x buckets) arrays: a 30-day daily query over 2,000 queues
is a few hundred thousand cells.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from gctui.sim.analytics_common import (
    CONVERSATION_DIMENSIONS,
    CONVERSATION_METRICS,
    check_interval_length,
    check_names,
    compile_filter,
    fmt,
    parse_granularity,
    parse_interval,
    parse_time_zone,
    parse_views,
)
from gctui.sim.det import mix, str_key
from gctui.sim.errors import bad_request
from gctui.sim.gen_routing import QueueProfile
from gctui.sim.gen_routing_config import RoutingSlice
from gctui.sim.http import json_object, require, runtime

if TYPE_CHECKING:
    import numpy.typing as npt

    from gctui.sim.runtime import SimRuntime

    Arr = npt.NDArray[Any]

HOURLY = [0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 1.0, 0.95,
          0.85, 0.95, 1.0, 0.95, 0.85, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07]  # fmt: skip
MODELED = ("queueId", "mediaType", "direction", "divisionId", "purpose", "usedRouting", "requestedRouting")
PERMISSION = "analytics:conversationAggregate:view"
JOBS_PATH = "/api/v2/analytics/conversations/aggregates/jobs"
SORT_FUNCTIONS = ("average", "count", "max", "min", "sum")
INLINE_CELLS = 20_000  # rows x buckets answered on the event loop; bigger ones in a thread
LOGN_SIGMA = 0.5
# timer metrics: (count, mean) source, min and max as multiples of the mean, distribution
TIMERS: dict[str, tuple[str, float, float, str]] = {
    "tAnswered": ("answered", 0.05, 4.0, "exp"),
    "tWait": ("wait", 0.05, 4.0, "exp"),
    "tAcd": ("wait", 0.05, 4.0, "exp"),
    "tAlert": ("alert", 0.3, 2.0, "logn"),
    "tHandle": ("handle", 0.2, 3.0, "logn"),
    "tTalk": ("talk", 0.2, 3.0, "logn"),
    "tTalkComplete": ("talk", 0.2, 3.0, "logn"),
    "tHeld": ("held", 0.2, 3.0, "logn"),
    "tHeldComplete": ("held", 0.2, 3.0, "logn"),
    "tAcw": ("acw", 0.2, 3.0, "logn"),
    "tAbandon": ("abandon", 0.05, 4.0, "exp"),
    "tShortAbandon": ("short", 0.1, 1.6, "exp"),
}
COUNTS = {
    "nOffered": "offered",
    "nConversations": "offered",
    "nConnected": "answered",
    "nTransferred": "transferred",
    "nBlindTransferred": "blind",
    "nConsultTransferred": "consult",
    "nOverSla": "over_sla",
}


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


# --- the plan: a validated query and the rows it covers ---------------------------------------
@dataclass
class Row:
    """One (queue, media, routing slice): a share of the queue's traffic, with its dimensions."""

    profile: QueueProfile
    media_share: float
    cum_lo: float  # cumulative share of the slices before this one (0..1)
    cum_hi: float
    slice: RoutingSlice
    stream_key: int  # jitter of the (queue, media) volume
    slice_key: int  # jitter of this slice's other metrics
    group: int


@dataclass
class Plan:
    metrics: list[str]
    views: list[dict[str, Any]]
    buckets: list[tuple[datetime, datetime]]
    rows: list[Row]
    groups: list[dict[str, str]]
    query_type: str
    sort: dict[str, str] | None
    limit: int | None

    @property
    def cells(self) -> int:
        return len(self.groups) * len(self.buckets)


def _query_shape(body: dict[str, Any]) -> tuple[str, dict[str, str] | None, int | None]:
    query_type = body.get("queryType", "groupBy")
    if query_type not in ("groupBy", "topN", "bottomN"):
        raise bad_request("queryType must be groupBy, topN or bottomN", "queryType")
    alt = body.get("alternateTimeDimension")
    if alt is not None and alt != "eventTime":
        raise bad_request("alternateTimeDimension must be 'eventTime'", "alternateTimeDimension")
    if query_type == "groupBy":
        return query_type, None, None
    metrics = body.get("metrics") or []
    sort = body.get("sortMetric")
    if sort is None:
        if len(metrics) > 1:
            raise bad_request(
                f"sortMetric is required for a {query_type} query of several metrics", "sortMetric"
            )
        sort = {"name": metrics[0], "function": "count"}
    if not isinstance(sort, dict) or sort.get("name") not in metrics:
        raise bad_request("sortMetric.name must be one of the query's metrics", "sortMetric.name")
    if sort.get("function", "count") not in SORT_FUNCTIONS:
        raise bad_request(
            f"sortMetric.function must be one of {', '.join(SORT_FUNCTIONS)}", "sortMetric.function"
        )
    limit = body.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise bad_request("limit must be a positive integer", "limit")
    return query_type, {"name": sort["name"], "function": sort.get("function", "count")}, limit


def plan_query(body: dict[str, Any], rt: SimRuntime, *, job: bool = False) -> Plan:
    """Validate a ConversationAggregationQuery (a job's, with ``job``) and list the rows it covers.

    Every refusal is a 400 ErrorBody naming the field: interval (malformed, end not after start,
    longer than the sync query's ``analytics_sync_max_days`` or a job's ``analytics_job_max_days``),
    granularity, timeZone, metrics, groupBy, filter, views, queryType/sortMetric/limit, and a
    query of more groups x buckets than ``max_analytics_cells`` (jobs: ``analytics_job_max_cells``).
    """
    cfg = rt.config
    start, end = parse_interval(body.get("interval"))
    if job:
        check_interval_length(start, end, cfg.analytics_job_max_days)
    else:
        check_interval_length(
            start, end, cfg.analytics_sync_max_days, f"; longer intervals go through {JOBS_PATH}"
        )
    max_cells = cfg.analytics_job_max_cells if job else cfg.max_analytics_cells
    tz = parse_time_zone(body.get("timeZone"))
    buckets = parse_granularity(
        body.get("granularity"),
        start,
        end,
        tz,
        must_divide=cfg.analytics_granularity_must_divide,
        max_buckets=max_cells,
    )
    metrics = check_names(body.get("metrics"), CONVERSATION_METRICS, "metrics", required=True)
    if not metrics:
        raise bad_request("metrics must name at least one metric", "metrics")
    group_by = check_names(body.get("groupBy"), CONVERSATION_DIMENSIONS, "groupBy")
    keep = compile_filter(body.get("filter"), CONVERSATION_DIMENSIONS)
    views = parse_views(body.get("views"), cfg.analytics_max_views)
    query_type, sort, limit = _query_shape(body)
    org = rt.org
    seed = cfg.seed
    rows: list[Row] = []
    group_index: dict[tuple[Any, ...], int] = {}
    groups: list[dict[str, str]] = []
    for q in org.queues:
        p = org.queue_profiles[q["id"]]
        total = sum(s.share for s in p.slices) or 1.0
        for i, media in enumerate(p.media):
            share = 1.0 if len(p.media) == 1 else (0.7, 0.3)[i]
            k = (str_key(q["id"] + media) ^ seed) & ((1 << 64) - 1)
            cum = 0.0
            for s in p.slices:
                lo, cum = cum, cum + s.share
                dims = {
                    "queueId": q["id"],
                    "mediaType": media,
                    "direction": "inbound",
                    "divisionId": q["division"]["id"],
                    "purpose": "acd",
                    "usedRouting": s.used,
                    "requestedRouting": s.requested,
                }
                if not keep(dims):
                    continue
                key = tuple(dims.get(g) for g in group_by)
                g = group_index.get(key)
                if g is None:
                    g = group_index[key] = len(groups)
                    groups.append({d: dims[d] for d in group_by if d in dims})
                hi = 1.0 if s is p.slices[-1] else cum / total
                rows.append(
                    Row(p, share, lo / total, hi, s, k, mix(k, str_key(f"{s.requested}/{s.used}")), g)
                )
    plan = Plan(metrics, views, buckets, rows, groups, query_type, sort, limit)
    if max(1, len(groups)) * len(buckets) > max_cells:
        raise bad_request(
            f"The query would return more than {max_cells} data points; "
            "narrow the interval, the granularity or the filter",
            "interval",
        )
    return plan


# --- the numbers ----------------------------------------------------------------------------
_GOLDEN, _C1, _C2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def unit_array(*parts: Arr) -> Arr:
    """:func:`gctui.sim.det.unit` over broadcast uint64 arrays (same values, element by element)."""
    import numpy as np

    shape = np.broadcast_shapes(*(np.shape(p) for p in parts))
    x = np.full(shape, _GOLDEN, dtype=np.uint64)
    golden, c1, c2 = np.uint64(_GOLDEN), np.uint64(_C1), np.uint64(_C2)
    for p in parts:
        x = (x ^ p) + golden
        z = (x ^ (x >> np.uint64(30))) * c1
        z = (z ^ (z >> np.uint64(27))) * c2
        x = z ^ (z >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


@dataclass
class Computed:
    """Per-group stats arrays (groups x buckets) of a plan, and the groups to answer, in order."""

    plan: Plan
    stats: dict[str, dict[str, Arr]]  # metric or view name -> stat -> array
    order: list[int]  # groups with data (topN/bottomN: ranked and cut)


def _phi(x: Arr) -> Arr:
    import numpy as np

    erfc = np.frompyfunc(math.erfc, 1, 1)
    return 0.5 * erfc(-x / math.sqrt(2)).astype(np.float64)  # type: ignore[no-any-return]


def _in_range(n: Arr, mean: Arr, dist: str, gte: float, lt: float | None) -> tuple[Arr, Arr]:
    """(count, sum) of ``n`` emissions of mean ``mean`` that fall in ``[gte, lt)``."""
    import numpy as np

    safe = np.where(mean > 0, mean, 1.0)
    if dist == "exp":

        def cdf(x: float | None) -> Arr:
            return np.ones_like(safe) if x is None else 1 - np.exp(-x / safe)

        def partial(x: float | None) -> Arr:  # E[X; X >= x] / n
            return np.zeros_like(safe) if x is None else (x + safe) * np.exp(-x / safe)

        frac_sum = partial(gte) - partial(lt)
    else:
        mu = np.log(safe) - LOGN_SIGMA**2 / 2

        def z(x: float | None, shift: float) -> Arr:
            if x is None:
                return np.full_like(safe, np.inf)
            if x <= 0:
                return np.full_like(safe, -np.inf)
            return (math.log(x) - mu - shift) / LOGN_SIGMA

        def cdf(x: float | None) -> Arr:
            return _phi(z(x, 0.0))

        frac_sum = safe * (_phi(z(lt, LOGN_SIGMA**2)) - _phi(z(gte, LOGN_SIGMA**2)))
    count = np.rint(n * cdf(lt)) - np.rint(n * cdf(gte))
    count = np.where(mean > 0, np.maximum(count, 0), 0)
    total = np.where(count > 0, np.rint(n * frac_sum), 0)
    return count, total


def compute(plan: Plan) -> Computed:
    import numpy as np

    rows, buckets = plan.rows, plan.buckets
    n_groups, n_b = len(plan.groups), len(buckets)
    if not rows:
        return Computed(plan, {}, [])
    col = np.asarray([int(s.timestamp()) & ((1 << 64) - 1) for s, _ in buckets], dtype=np.uint64)[None, :]
    weight = np.asarray([bucket_weight(s, e) for s, e in buckets])[None, :]

    def per_row(values: list[float]) -> Arr:
        return np.asarray(values, dtype=np.float64)[:, None]

    p = [r.profile for r in rows]
    sl = [r.slice for r in rows]
    k_stream = np.asarray([r.stream_key for r in rows], dtype=np.uint64)[:, None]
    k_slice = np.asarray([r.slice_key for r in rows], dtype=np.uint64)[:, None]
    rint = np.rint
    peak = per_row([x.peak_per_hour * r.media_share for x, r in zip(p, rows, strict=True)])
    total = rint(peak * weight * (0.85 + 0.3 * unit_array(k_stream, col, np.uint64(1))))
    offered = rint(total * per_row([r.cum_hi for r in rows])) - rint(
        total * per_row([r.cum_lo for r in rows])
    )
    ab_rate = per_row([x.abandon_rate * s.abandon for x, s in zip(p, sl, strict=True)])
    abandoned = np.minimum(
        offered, rint(offered * ab_rate * (0.7 + 0.6 * unit_array(k_slice, col, np.uint64(2))))
    )
    answered = offered - abandoned
    asa = per_row([x.asa_ms * s.asa for x, s in zip(p, sl, strict=True)]) * (
        0.8 + 0.4 * unit_array(k_slice, col, np.uint64(3))
    )
    aht = per_row([x.aht_ms * s.aht for x, s in zip(p, sl, strict=True)]) * (
        0.9 + 0.2 * unit_array(k_slice, col, np.uint64(4))
    )
    sl_ms = per_row([x.sl_ms for x in p])
    within = rint(answered * (1 - np.exp(-sl_ms / asa)))
    transferred = rint(answered * per_row([x.transfer_rate * s.transfer for x, s in zip(p, sl, strict=True)]))
    blind = rint(transferred * 0.6)
    held = rint(answered * 0.2)
    short = rint(abandoned * 0.15)
    with np.errstate(invalid="ignore", divide="ignore"):
        wait_mean = np.where(offered > 0, asa * (answered + 1.2 * abandoned) / np.maximum(offered, 1), 0.0)
    series: dict[str, tuple[Arr, Arr]] = {  # count, mean
        "answered": (answered, asa),
        "wait": (offered, wait_mean),
        "alert": (answered, np.full_like(asa, 4000.0)),
        "handle": (answered, aht),
        "talk": (answered, aht * 0.72),
        "held": (held, aht * 0.15),
        "acw": (answered, aht * 0.2),
        "abandon": (abandoned, asa * 1.2),
        "short": (short, np.full_like(asa, 3000.0)),
    }
    counts = {
        "offered": offered,
        "answered": answered,
        "transferred": transferred,
        "blind": blind,
        "consult": transferred - blind,
        "over_sla": answered - within,
    }

    # rows sorted by group; reduceat sums (mins, maxes) each group's run of rows
    group_of = np.asarray([r.group for r in rows])
    order = np.argsort(group_of, kind="stable")
    g_sorted = group_of[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    present_groups = g_sorted[starts]

    def full(reduced: Arr, fill: float) -> Arr:
        out = np.full((n_groups, n_b), fill)
        out[present_groups] = reduced
        return out

    def gsum(a: Arr) -> Arr:
        return full(np.add.reduceat(a[order], starts, axis=0), 0.0)

    def gmin(a: Arr, mask: Arr) -> Arr:
        return full(np.minimum.reduceat(np.where(mask, a, np.inf)[order], starts, axis=0), np.inf)

    def gmax(a: Arr, mask: Arr) -> Arr:
        return full(np.maximum.reduceat(np.where(mask, a, -np.inf)[order], starts, axis=0), -np.inf)

    stats: dict[str, dict[str, Arr]] = {}
    for m in plan.metrics:
        if m in COUNTS:
            stats[m] = {"count": gsum(counts[COUNTS[m]])}
        elif m in TIMERS:
            src, lo, hi, _ = TIMERS[m]
            n, mean = series[src]
            mask = n > 0
            stats[m] = {
                "max": gmax(rint(mean * hi), mask),
                "min": gmin(rint(mean * lo), mask),
                "count": gsum(n),
                "sum": gsum(rint(mean * n)),
            }
        elif m == "oServiceLevel":
            mask = offered > 0
            stats[m] = {
                "numerator": gsum(within),
                "denominator": gsum(offered),
                "target": gmax(np.broadcast_to(per_row([x.sl_pct for x in p]), offered.shape), mask),
            }
        elif m == "oServiceTarget":
            stats[m] = {"current": gmax(np.broadcast_to(sl_ms, offered.shape), offered > 0)}
    for v in plan.views:
        if v["target"] not in TIMERS:
            continue
        src, lo, hi, dist = TIMERS[v["target"]]
        n, mean = series[src]
        count, vsum = _in_range(n, mean, dist, v["gte"], v["lt"])
        mask = count > 0
        vmin = np.maximum(rint(mean * lo), v["gte"])
        vmax = np.maximum(
            vmin, rint(mean * hi) if v["lt"] is None else np.minimum(rint(mean * hi), v["lt"] - 1)
        )
        stats["\0view:" + v["name"]] = {
            "max": gmax(vmax, mask),
            "min": gmin(vmin, mask),
            "count": gsum(count),
            "sum": gsum(vsum),
        }
    return Computed(plan, stats, _answer_order(plan, stats, n_groups))


def _present(name: str, s: dict[str, Arr]) -> Arr:
    if "count" in s:
        return s["count"] > 0
    if "denominator" in s:
        return s["denominator"] > 0
    return s["current"] > -1


def _answer_order(plan: Plan, stats: dict[str, dict[str, Arr]], n_groups: int) -> list[int]:
    import numpy as np

    if not stats:
        return []
    has = np.zeros(n_groups, dtype=bool)
    for name, s in stats.items():
        has |= _present(name, s).any(axis=1)
    groups = [int(g) for g in np.flatnonzero(has)]
    if plan.sort is None:
        return groups
    s = stats[plan.sort["name"]]
    fn = plan.sort["function"]
    if "count" in s:
        if fn == "count" or "sum" not in s:
            value = s["count"].sum(axis=1)
        elif fn == "sum":
            value = s["sum"].sum(axis=1)
        elif fn == "average":
            value = s["sum"].sum(axis=1) / np.maximum(s["count"].sum(axis=1), 1)
        elif fn == "max":
            value = s["max"].max(axis=1)
        else:
            value = -s["min"].min(axis=1)
    elif "denominator" in s:
        value = s["numerator"].sum(axis=1) / np.maximum(s["denominator"].sum(axis=1), 1)
    else:
        value = s["current"].max(axis=1)
    ranked = [g for g in groups if _present(plan.sort["name"], s)[g].any()]
    ranked.sort(key=lambda g: float(value[g]), reverse=plan.query_type == "topN")
    return ranked[: plan.limit] if plan.limit else ranked


def _fragments(name: str, s: dict[str, Arr], rows: Arr) -> list[str | None]:
    """The JSON of metric (or view) ``name`` in each (group, bucket) of ``rows``, None where absent."""
    import numpy as np

    present = _present(name, s)[rows].ravel().tolist()

    def ints(stat: str) -> list[int]:
        a = s[stat][rows].ravel()
        return np.where(np.isfinite(a), a, 0).astype(np.int64).tolist()  # type: ignore[no-any-return]

    if name[0] == "\0":
        head = '{"name":' + json.dumps(name[6:]) + ',"stats":'
    else:
        head = '{"metric":"' + name + '","stats":'
    if "denominator" in s:
        num, den, target = ints("numerator"), ints("denominator"), s["target"][rows].ravel().tolist()
        tmpl = head + '{"ratio":%r,"numerator":%d,"denominator":%d,"target":%r}}'
        return [
            tmpl % (round(n / d, 4), n, d, t) if ok else None
            for ok, n, d, t in zip(present, num, den, target, strict=True)
        ]
    if "current" in s:
        tmpl = head + '{"current":%d}}'
        return [tmpl % c if ok else None for ok, c in zip(present, ints("current"), strict=True)]
    if "sum" in s:
        tmpl = head + '{"max":%d,"min":%d,"count":%d,"sum":%d}}'
        cols = zip(present, ints("max"), ints("min"), ints("count"), ints("sum"), strict=True)
        return [tmpl % (a, b, c, d) if ok else None for ok, a, b, c, d in cols]
    tmpl = head + '{"count":%d}}'
    return [tmpl % c if ok else None for ok, c in zip(present, ints("count"), strict=True)]


def render_json(done: Computed, groups: list[int] | None = None) -> list[str]:
    """The JSON text of each ``ConversationAggregateDataContainer`` of ``groups`` (default: the
    answer's), in order; a group with no data is left out."""
    import numpy as np

    plan = done.plan
    wanted = done.order if groups is None else groups
    if not wanted:
        return []
    rows = np.asarray(wanted, dtype=np.int64)
    metric_names = [n for n in plan.metrics if n in done.stats]
    view_names = ["\0view:" + v["name"] for v in plan.views if "\0view:" + v["name"] in done.stats]
    metric_frags = [_fragments(n, done.stats[n], rows) for n in metric_names]
    view_frags = [_fragments(n, done.stats[n], rows) for n in view_names]
    intervals = [f'{{"interval":"{fmt(s)}/{fmt(e)}","metrics":[' for s, e in plan.buckets]
    n_b = len(intervals)
    out = []
    for i, g in enumerate(wanted):
        data = []
        for b in range(n_b):
            cell = i * n_b + b
            ms = ",".join([f[cell] for f in metric_frags if f[cell] is not None])  # type: ignore[misc]
            vs = ",".join([f[cell] for f in view_frags if f[cell] is not None])  # type: ignore[misc]
            if ms or vs:
                data.append(intervals[b] + ms + ("]}" if not vs else '],"views":[' + vs + "]}"))
        if data:
            group = json.dumps(plan.groups[g], separators=(",", ":"))
            out.append('{"group":' + group + ',"data":[' + ",".join(data) + "]}")
    return out


def render(done: Computed, groups: list[int] | None = None) -> list[dict[str, Any]]:
    """:func:`render_json` parsed: the ``results`` list."""
    return [json.loads(x) for x in render_json(done, groups)]


def results_body(containers: list[str], cursor: str | None = None, *, empty: str = "{}") -> bytes:
    """``{"results": [...]}`` (+ ``cursor``) from rendered containers; ``empty`` when there are none."""
    if not containers and cursor is None:
        return empty.encode()
    tail = "" if cursor is None else ',"cursor":' + json.dumps(cursor)
    return ('{"results":[' + ",".join(containers) + "]" + tail + "}").encode()


def aggregate(body: dict[str, Any], rt: SimRuntime, *, job: bool = False) -> list[dict[str, Any]]:
    """The ``results`` of a query (validated as :func:`plan_query` does)."""
    return render(compute(plan_query(body, rt, job=job)))


def answer(plan: Plan) -> bytes:
    """The sync query's response body."""
    return results_body(render_json(compute(plan)))


async def conversation_aggregates(request: Request) -> Response:
    rt = runtime(request)
    require(request, PERMISSION)
    body = await json_object(request)
    plan = plan_query(body, rt)
    if len(plan.rows) * len(plan.buckets) > INLINE_CELLS:  # big: off the event loop
        content = await run_in_threadpool(answer, plan)
    else:
        content = answer(plan)
    return Response(content, media_type="application/json")
