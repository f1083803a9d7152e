"""The matrix as data (camelCase JSON documents) and as a plain-text table: shared by
``gctui health`` and anything else that exports the board (the TUI's JSON export)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gctui.genesys.auth import TokenStatus
from gctui.genesys.ratelimit import BudgetStatus
from gctui.services.health.models import ProbeRow
from gctui.services.health.monitor import HealthMonitor
from gctui.services.health.stats import sparkline


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
        "lastError": row.last_error,
        "correlationId": row.correlation_id,
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
        "lastError": status.last_error,
        "breaker": str(status.breaker),
    }


def rate_document(status: BudgetStatus | None, probes_429: int = 0) -> dict[str, Any] | None:
    if status is None:
        return None
    last = status.last_limit
    return {
        "limit": status.limit,
        "windowSeconds": status.window,
        "source": status.source,
        "used": status.used,
        "inFlight": status.in_flight,
        "requestsPerMinute": status.requests_per_minute,
        "rateLimited": status.throttled + probes_429,
        "state": status.state,
        "lastLimit": None if last is None else last.describe(),
    }


def matrix_document(monitor: HealthMonitor) -> dict[str, Any]:
    """``{"org", "region", "apiBase", "checkedAt", "status", "probes": [...], "token",
    "rateLimit"}``: the whole board as one JSON-ready document."""
    region = monitor.session.options.region
    return {
        "org": monitor.org_name,
        "region": region.name,
        "apiBase": region.api_base,
        "checkedAt": iso(monitor.last_run_at),
        "status": str(monitor.overall()),
        "durationMs": None if monitor.last_duration is None else round(monitor.last_duration * 1000),
        "probes": [row_document(row) for row in monitor.rows()],
        "token": token_document(monitor.token_status, monitor.token_expires_in()),
        "rateLimit": rate_document(monitor.budget_status, monitor.rate_limited_probes),
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
    return f"{row.last_error} ({row.correlation_id})" if row.correlation_id else row.last_error
