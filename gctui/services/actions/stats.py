"""Execution statistics per action from ``POST /api/v2/analytics/actions/aggregates/query``.

Two queries over the window, both grouped by action: all executions (count, p95, p99 of
``tTotalExecution``), and the same split by ``errorType``/``responseStatus`` to count failures and
timeouts. Every name beyond ``tTotalExecution`` is unverified (reference §8): they live here only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gctui.genesys.models import AggregateQueryResponse, StatisticalSummary

# --- names the API uses (unverified except the metric; change them here and nowhere else) -------
METRIC = "tTotalExecution"  # execution time, ms; its count is the number of executions
ACTION_ID = "actionId"
ERROR_TYPE = "errorType"  # absent on a successful execution's group
RESPONSE_STATUS = "responseStatus"
TIMEOUT_ERROR_TYPES = frozenset({"TIMEOUT"})  # errorType values meaning "the action timed out"
TIMEOUT_STATUSES = frozenset({"408"})  # responseStatus values meaning the same


@dataclass(frozen=True, slots=True)
class ExecStats:
    """One action over the window. p95/p99 in ms; counts of executions."""

    executions: int
    p95_ms: int | None
    p99_ms: int | None
    errors: int = 0
    timeouts: int = 0
    errors_by_type: tuple[tuple[str, int], ...] = ()


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def build_query(end: datetime, days: int, *, split: bool) -> dict[str, Any]:
    """The aggregate query for the ``days`` before ``end`` (UTC), one interval, by action."""
    start = end - timedelta(days=days)
    group_by = [ACTION_ID, ERROR_TYPE, RESPONSE_STATUS] if split else [ACTION_ID]
    query: dict[str, Any] = {
        "interval": f"{_iso(start)}/{_iso(end)}",
        "groupBy": group_by,
        "metrics": [METRIC],
    }
    if split:
        # Only the failed executions: the split is read for error and timeout counts, and the
        # successful groups made most of its (megabytes at 10k actions) answer.
        exists = {"type": "dimension", "dimension": ERROR_TYPE, "operator": "exists"}
        query["filter"] = {"type": "and", "predicates": [exists]}
    return query


GroupKey = tuple[str, str | None, str | None]  # actionId, errorType, responseStatus


def _summary(response: AggregateQueryResponse) -> dict[GroupKey, list[StatisticalSummary]]:
    out: dict[GroupKey, list[StatisticalSummary]] = {}
    for result in response.results:
        action_id = result.group.get(ACTION_ID)
        if not action_id:
            continue
        key = (action_id, result.group.get(ERROR_TYPE), result.group.get(RESPONSE_STATUS))
        bucket = out.setdefault(key, [])
        for interval in result.data:
            bucket.extend(m.stats for m in interval.metrics if m.metric == METRIC)
    return out


def _count(stats: list[StatisticalSummary]) -> int:
    return sum(s.count or 0 for s in stats)


def _worst(values: list[int | None]) -> int | None:
    # Percentiles of several intervals cannot be merged exactly; the worst one is the safe bound.
    present = [v for v in values if v is not None]
    return max(present) if present else None


def parse_stats(totals: AggregateQueryResponse, split: AggregateQueryResponse | None) -> dict[str, ExecStats]:
    """Merge the two responses into one :class:`ExecStats` per action id."""
    out: dict[str, ExecStats] = {}
    for (action_id, _, _), stats in _summary(totals).items():
        out[action_id] = ExecStats(
            executions=_count(stats),
            p95_ms=_worst([s.p95 for s in stats]),
            p99_ms=_worst([s.p99 for s in stats]),
        )
    failures: dict[str, dict[str, int]] = {}
    timed_out: dict[str, int] = {}
    for (action_id, error_type, status), stats in _summary(split or AggregateQueryResponse()).items():
        if not error_type:
            continue
        n = _count(stats)
        by_type = failures.setdefault(action_id, {})
        by_type[error_type] = by_type.get(error_type, 0) + n
        if error_type in TIMEOUT_ERROR_TYPES or status in TIMEOUT_STATUSES:
            timed_out[action_id] = timed_out.get(action_id, 0) + n
    for action_id, by_type in failures.items():
        base = out.get(action_id) or ExecStats(executions=0, p95_ms=None, p99_ms=None)
        out[action_id] = ExecStats(
            executions=base.executions,
            p95_ms=base.p95_ms,
            p99_ms=base.p99_ms,
            errors=sum(by_type.values()),
            timeouts=timed_out.get(action_id, 0),
            errors_by_type=tuple(sorted(by_type.items())),
        )
    return out


Query = Callable[[dict[str, Any]], Awaitable[AggregateQueryResponse]]


async def load_stats(query: Query, end: datetime, days: int) -> dict[str, ExecStats]:
    """Run both queries at once (``query`` is ``GenesysApi.action_aggregates``); the merge of
    10,000 actions' groups runs in a thread, off the event loop."""
    totals, split = await asyncio.gather(
        query(build_query(end, days, split=False)), query(build_query(end, days, split=True))
    )
    return await asyncio.to_thread(parse_stats, totals, split)
