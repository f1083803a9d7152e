"""Pure helpers the health board and its CLI share: percentiles, sparklines, classification."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from gctui.services.health.models import ProbeResult, ProbeSpec, ProbeStatus

SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_FAILED = "·"
SPARK_MISSING = " "


def percentile(values: Iterable[float | None], q: float) -> float | None:
    """The ``q``-th percentile (0..100) of the non-None values, linearly interpolated between
    the closest ranks (numpy's default); None when there are no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def p50_p95(values: Sequence[float | None]) -> tuple[float | None, float | None]:
    return percentile(values, 50), percentile(values, 95)


def sparkline(values: Sequence[float | None], width: int | None = None, *, floor: float | None = 0.0) -> str:
    """One character per value, newest on the right: ``▁``..``█`` scaled from ``floor`` (default
    0, so small jitter stays small; None = the smallest value) to the largest value, ``·`` for a
    failed run (None). With ``width``, the last ``width`` values, left-padded with spaces."""
    if width is not None:
        if width <= 0:
            return ""
        values = values[-width:]
    present = [v for v in values if v is not None]
    out: list[str] = []
    if present:
        lo = min(present) if floor is None else min(floor, min(present))
        span = max(present) - lo
        top = len(SPARK_CHARS) - 1
        for v in values:
            if v is None:
                out.append(SPARK_FAILED)
            elif span <= 0:
                out.append(SPARK_CHARS[0])
            else:
                out.append(SPARK_CHARS[min(top, max(0, round((v - lo) / span * top)))])
    else:
        out = [SPARK_FAILED] * len(values)
    text = "".join(out)
    return text.rjust(width, SPARK_MISSING) if width is not None else text


def classify(
    spec: ProbeSpec, result: ProbeResult | None, consecutive_failures: int, failures_critical: int
) -> ProbeStatus:
    """The status a probe gets after ``result`` (None: never run).

    - never run, or could not run this time: unknown;
    - a failed login, 401 or 403: critical at once (nothing works until someone fixes it);
    - an unexpected non-5xx status (a 404, a 400, an unexpected 2xx): critical at once;
    - a 5xx, a dropped connection, a timeout or a 429: degraded, critical once there have been
      ``failures_critical`` failures in a row (one blip does not page anyone);
    - a pass slower than ``critical_ms``: critical; slower than ``degraded_ms``: degraded."""
    if result is None or result.ok is None:
        return ProbeStatus.UNKNOWN
    if not result.ok:
        if result.kind == "auth":
            return ProbeStatus.CRITICAL
        if result.kind == "status" and (result.status_code or 0) < 500:
            return ProbeStatus.CRITICAL
        if consecutive_failures >= failures_critical:
            return ProbeStatus.CRITICAL
        return ProbeStatus.DEGRADED
    latency = result.latency_ms or 0.0
    if latency > spec.critical_ms:
        return ProbeStatus.CRITICAL
    if latency > spec.degraded_ms:
        return ProbeStatus.DEGRADED
    return ProbeStatus.HEALTHY


def worst(statuses: Iterable[ProbeStatus]) -> ProbeStatus:
    """The most severe status (unknown only when there is nothing else)."""
    result = ProbeStatus.UNKNOWN
    for status in statuses:
        if status.severity > result.severity:
            result = status
    return result
