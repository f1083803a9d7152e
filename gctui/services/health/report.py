"""The matrix as data (camelCase JSON documents) and as a plain-text table: shared by
``gctui health`` and anything else that exports the board (the TUI's JSON export)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gctui.genesys.auth import TokenStatus
from gctui.genesys.regions import Region
from gctui.services.health.models import ProbeRow
from gctui.services.health.snapshot import HealthSnapshot
from gctui.services.health.stats import sparkline
from gctui.text import clean, clean_optional


def iso(when: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (None stays None)."""
    return None if when is None else when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def row_document(row: ProbeRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "method": row.method,
        "path": row.path,
        "status": str(row.status),
        "statusCode": row.status_code,
        "latencyMs": _ms(row.latency_ms),
        "p50Ms": _ms(row.p50_ms),
        "p95Ms": _ms(row.p95_ms),
        "errors": row.errors,
        "consecutiveFailures": row.consecutive_failures,
        "lastError": clean_optional(row.last_error),
        "correlationId": clean_optional(row.correlation_id),
        "checkedAt": iso(row.checked_at),
    }


def token_document(status: TokenStatus | None, expires_in: float | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "hasToken": status.has_token,
        "static": status.static,
        "expiresInSeconds": None if expires_in is None else round(expires_in),
        "refreshes": status.refreshes,
        "failures": status.failures,
        "lastOutcome": status.last_outcome,
        "lastError": clean_optional(status.last_error),
        "breaker": str(status.breaker),
    }


def rate_document(snap: HealthSnapshot, late: float = 0.0) -> dict[str, Any] | None:
    """The rate budget as the run left it. ``state`` says "pacing" when this run's probes
    waited for the budget or the run started ``late`` because the governor held it."""
    status = snap.budget
    if status is None:
        return None
    last = status.last_limit
    delayed = delay_of(snap, late)
    state = status.state
    if delayed > 0 and state in ("ok", "idle"):
        state = "pacing"
    return {
        "limit": status.limit,
        "windowSeconds": status.window,
        "source": status.source,
        "used": status.used,
        "inFlight": status.in_flight,
        "usedShare": None if snap.budget_share is None else round(snap.budget_share, 3),
        "alert": snap.budget_alarm,
        "requestsPerMinute": status.requests_per_minute,
        "rateLimited": snap.rate_limited,
        "state": state,
        "delayedSeconds": round(delayed, 1),
        "lastLimit": None if last is None else clean(last.describe()),
    }


def delay_of(snap: HealthSnapshot, late: float = 0.0) -> float:
    """How long the rate governor held the last run: its start plus its probes' wait."""
    return max(0.0, late) + snap.rate_wait


def matrix_document(snap: HealthSnapshot, region: Region, *, now: float, late: float = 0.0) -> dict[str, Any]:
    """``{"org", "region", "apiBase", "checkedAt", "status", "probes": [...], "token",
    "rateLimit"}``: the whole board as one JSON-ready document, from one snapshot. ``now`` is
    the monitor's monotonic clock (the token's time left is as of now)."""
    return {
        "org": clean_optional(snap.org_name),
        "region": region.name,
        "apiBase": region.api_base,
        "checkedAt": iso(snap.started_at),
        "status": str(snap.overall()),
        "durationMs": None if snap.duration is None else round(snap.duration * 1000),
        "probes": [row_document(row) for row in snap.rows],
        "token": token_document(snap.token, snap.token_expires_in(now)),
        "rateLimit": rate_document(snap, late),
    }


def _fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def render_table(rows: list[ProbeRow], *, spark_width: int = 20) -> str:
    """A fixed-width text table of the matrix (no colour; one line per probe)."""
    header = ("PROBE", "STATUS", "CODE", "LATENCY", "P50", "P95", "ERR", "HISTORY", "LAST ERROR")
    lines = [
        (
            row.name,
            str(row.status),
            "-" if row.status_code is None else str(row.status_code),
            _fmt_ms(row.latency_ms),
            _fmt_ms(row.p50_ms),
            _fmt_ms(row.p95_ms),
            str(row.errors),
            sparkline(row.history, spark_width),
            _last_error(row),
        )
        for row in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    right = {2, 3, 4, 5, 6}

    def fmt(cells: tuple[str, ...]) -> str:
        out = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    return "\n".join([fmt(header), *(fmt(line) for line in lines)])


def _last_error(row: ProbeRow) -> str:
    if not row.last_error:
        return "-"
    text = f"{row.last_error} ({row.correlation_id})" if row.correlation_id else row.last_error
    return clean(text)
