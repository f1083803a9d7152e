"""The health board's data: probe definitions, one row per probe, status transitions, events.

Plain dataclasses, no I/O: the monitor produces them, the TUI and the CLI render them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# Stands for "the id of some queue of the org" in a probe body; the monitor looks one up once
# (GET /api/v2/routing/queues?pageSize=1) and substitutes it before sending.
QUEUE_ID_PLACEHOLDER = "${queueId}"


class ProbeStatus(enum.StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    CRITICAL = "critical"
    UNKNOWN = "unknown"

    @property
    def severity(self) -> int:
        """0 healthy, 1 degraded, 2 critical, -1 unknown (the Prometheus gauge's values)."""
        return _SEVERITY[self]

    @property
    def failing(self) -> bool:
        """Degraded or critical: what makes `gctui health` exit 1."""
        return self in (ProbeStatus.DEGRADED, ProbeStatus.CRITICAL)


_SEVERITY = {
    ProbeStatus.HEALTHY: 0,
    ProbeStatus.DEGRADED: 1,
    ProbeStatus.CRITICAL: 2,
    ProbeStatus.UNKNOWN: -1,
}


@dataclass(frozen=True)
class ProbeSpec:
    """One probe: a request, the statuses that count as up, and its latency thresholds (ms).

    A probe is degraded when slower than ``degraded_ms`` and critical when slower than
    ``critical_ms``. ``body`` is sent as JSON (POST probes); a string value equal to
    :data:`QUEUE_ID_PLACEHOLDER` is replaced by a queue id of the org."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = field(default=None, hash=False)
    expect_status: tuple[int, ...] = (200,)
    degraded_ms: float = 1000.0
    critical_ms: float = 3000.0

    @property
    def needs_queue_id(self) -> bool:
        return self.body is not None and _mentions(self.body, QUEUE_ID_PLACEHOLDER)


def _mentions(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return value == needle
    if isinstance(value, dict):
        return any(_mentions(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, needle) for v in value)
    return False


FailureKind = Literal["status", "rate_limited", "transport", "auth", "not_sent", "internal"]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one probe run measured. ``ok`` None: the probe could not be run this time
    (e.g. no queue to observe); it neither passes nor fails."""

    ok: bool | None
    status_code: int | None = None
    latency_ms: float | None = None
    kind: FailureKind | None = None
    error: str | None = None  # short: "503 service.unavailable", "timeout"
    error_code: str | None = None  # ErrorBody code, or the transport failure's kind
    detail: str | None = None  # the full one-line message, for a detail view
    correlation_id: str | None = None
    queued_s: float = 0.0  # how long the request waited for the rate budget before it left


@dataclass
class ProbeRow:
    """One row of the health matrix: what the UI renders.

    ``history`` holds the recent latencies oldest first (None = a failed or skipped run);
    ``errors``, ``last_error`` and ``correlation_id`` describe the failures inside that window.
    ``latency_ms``/``status_code``/``ok`` are the last run's; ``checked_at`` is UTC and aware."""

    name: str
    method: str
    path: str
    status: ProbeStatus = ProbeStatus.UNKNOWN
    status_code: int | None = None
    latency_ms: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    history: list[float | None] = field(default_factory=list)
    errors: int = 0
    consecutive_failures: int = 0
    last_error: str | None = None
    correlation_id: str | None = None
    checked_at: datetime | None = None
    ok: bool | None = None  # last run: True passed, False failed, None skipped / never run
    error_code: str | None = None  # last run's ErrorBody code (None when it passed)
    error_detail: str | None = None  # last run's full error message (None when it passed)


@dataclass(frozen=True)
class Transition:
    """A probe changed status. ``row`` is the probe's row right after the change."""

    probe: str
    old: ProbeStatus
    new: ProbeStatus
    row: ProbeRow

    @property
    def is_alert(self) -> bool:
        """Got worse into degraded or critical: toast, bell, webhook."""
        return self.new.failing and self.new.severity > self.old.severity

    @property
    def is_recovery(self) -> bool:
        """Back to healthy from degraded or critical (the webhook is told too)."""
        return self.new is ProbeStatus.HEALTHY and self.old.failing


@dataclass(frozen=True, slots=True)
class HealthEvent:
    """Something the monitor wants a human to know that is not a probe status: a skipped run,
    a webhook that failed, a history write that failed."""

    at: datetime
    level: Literal["info", "warning", "error"]
    message: str


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One stored probe run."""

    run_at: datetime
    status: ProbeStatus
    status_code: int | None
    latency_ms: float | None
    ok: bool | None
    error: str | None = None
    correlation_id: str | None = None
