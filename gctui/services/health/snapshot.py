"""One immutable picture of the health board, published once per run.

The monitor builds a :class:`HealthSnapshot` at the very end of a run (after the history write)
and publishes it in a single assignment, so a reader on another thread (a Prometheus scrape),
``--json`` and the exit code never see half a run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from gctui.services.health.models import ProbeRow, ProbeStatus
from gctui.services.health.stats import worst

if TYPE_CHECKING:
    from gctui.genesys.auth import TokenStatus
    from gctui.genesys.ratelimit import BudgetStatus


@dataclass(frozen=True)
class HealthSnapshot:
    """The board as of the end of run number ``runs`` (0: restored history, nothing run yet).

    ``status_at`` is the monotonic time the token and budget statuses were taken;
    ``rate_wait`` the longest a probe of the run waited for the rate budget (seconds);
    ``budget_alarm``: the budget used passed ``budget_alert_share`` of the limit."""

    rows: tuple[ProbeRow, ...]
    runs: int = 0
    org_name: str | None = None
    token: TokenStatus | None = None
    budget: BudgetStatus | None = None
    status_at: float | None = None
    errors_total: Mapping[str, int] = field(default_factory=dict)
    rate_limited: int = 0  # 429 answers seen: the client's retries plus the probes'
    skipped_runs: int = 0
    duration: float | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rate_wait: float = 0.0
    budget_share: float | None = None
    budget_alert_share: float = 0.8

    @property
    def budget_alarm(self) -> bool:
        return self.budget_share is not None and self.budget_share > self.budget_alert_share

    @property
    def blind(self) -> list[ProbeRow]:
        """Probes that were due but could not run (no queue id, ...): not healthy."""
        return [r for r in self.rows if r.checked_at is not None and r.ok is None]

    def overall(self) -> ProbeStatus:
        """The worst status of the matrix; a probe that could not run makes it degraded at least."""
        status = worst(r.status for r in self.rows)
        if self.blind and status.severity < ProbeStatus.DEGRADED.severity:
            return ProbeStatus.DEGRADED
        return status

    @property
    def failing(self) -> bool:
        """What makes `gctui health` exit 1: a probe degraded or critical, a probe that could
        not run, or the rate budget past its alert share."""
        return self.overall().failing or self.budget_alarm

    def token_expires_in(self, now: float) -> float | None:
        """Seconds until the token expires as of ``now`` (the monitor's monotonic clock)."""
        token = self.token
        if token is None or token.expires_in is None or self.status_at is None:
            return None
        return max(0.0, token.expires_in - (now - self.status_at))
