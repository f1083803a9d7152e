"""Deriving a probe's row from its window of runs (pure; text from a server is cleaned here)."""

from __future__ import annotations

from collections.abc import Iterable

from gctui.services.health.models import HistoryPoint, ProbeResult, ProbeRow, ProbeSpec
from gctui.services.health.stats import p50_p95
from gctui.text import clean_optional


def restore_streak(points: Iterable[HistoryPoint]) -> int:
    """Failures in a row at the end of a restored window."""
    consecutive = 0
    for point in reversed(list(points)):
        if point.ok is True:
            break
        if point.ok is False:
            consecutive += 1
    return consecutive


def derive_row(
    spec: ProbeSpec, window: Iterable[HistoryPoint], consecutive: int, result: ProbeResult | None
) -> ProbeRow:
    """The row of ``spec`` after ``window`` (oldest first; the last point is the latest run,
    whose ``result`` gives the error code and detail when known)."""
    points = list(window)
    last = points[-1]
    history = [p.latency_ms if p.ok else None for p in points]
    p50, p95 = p50_p95(history)
    failures = [p for p in points if p.ok is not True]
    last_bad = failures[-1] if failures else None
    failed_now = not last.ok and result is not None
    return ProbeRow(
        name=spec.name,
        method=spec.method,
        path=spec.path,
        status=last.status,
        status_code=last.status_code,
        latency_ms=last.latency_ms,
        p50_ms=p50,
        p95_ms=p95,
        history=history,
        errors=sum(1 for p in points if p.ok is False),
        consecutive_failures=consecutive,
        last_error=clean_optional(last_bad.error) if last_bad else None,
        correlation_id=clean_optional(last_bad.correlation_id) if last_bad else None,
        checked_at=last.run_at,
        ok=last.ok,
        error_code=clean_optional(result.error_code) if failed_now and result else None,
        error_detail=clean_optional(result.detail) if failed_now and result else None,
    )
