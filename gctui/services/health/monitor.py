"""The health monitor: runs the probe matrix in parallel through the shared worker pool, keeps
one :class:`ProbeRow` per probe, records history, fires transitions and alerts, and publishes
each run as one immutable :class:`HealthSnapshot`.

Plain asyncio, no Textual, no schedule of its own: :class:`gctui.services.poller.Poller` calls
:meth:`HealthMonitor.poll` (see :func:`gctui.services.health.schedule.health_poller`).
Listeners are plain callables called on the event loop, which the TUI marshals into messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from gctui.genesys.pool import Job
from gctui.genesys.session import Session
from gctui.services.health.alerts import AlertSender
from gctui.services.health.models import (
    HealthEvent,
    HistoryPoint,
    ProbeResult,
    ProbeRow,
    ProbeSpec,
    ProbeStatus,
    Transition,
)
from gctui.services.health.probes import probes_from_config
from gctui.services.health.rows import derive_row, restore_streak
from gctui.services.health.runner import ProbeRunner
from gctui.services.health.snapshot import HealthSnapshot
from gctui.services.health.stats import classify
from gctui.services.health.store import HistoryStore
from gctui.services.health.webhook import budget_payload, webhook_payload

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile

log = logging.getLogger("gctui.health")
log.addHandler(logging.NullHandler())  # events reach the user as HealthEvents, not stray stderr lines
T = TypeVar("T")

POOL_GROUP = "health"
_PRUNE_EVERY = 3600.0
ERROR_RATE_MIN_RUNS = 10  # the error-rate rule needs this many runs in the window


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclasses.dataclass
class _ProbeState:
    spec: ProbeSpec
    points: deque[HistoryPoint]
    row: ProbeRow
    consecutive: int = 0
    errors_total: int = 0  # failures since this monitor started (the Prometheus counter)


class HealthMonitor:
    """Probes one org session.

    ``failures_critical``: failures in a row that make a probe critical. ``error_rate``: share
    of failed runs in the window that makes a probe degraded even when its last run passed
    (0 = off; needs :data:`ERROR_RATE_MIN_RUNS` runs). ``budget_alert_share``: the share of the
    rate budget used past which the run alerts. ``window``: runs kept per probe (loaded from
    ``store`` at start). ``webhook_url``: POSTed on each alert and recovery. ``clock``:
    monotonic seconds (latency); ``now``: aware UTC wall clock (timestamps)."""

    def __init__(
        self,
        session: Session,
        specs: Sequence[ProbeSpec],
        *,
        failures_critical: int = 3,
        error_rate: float = 0.0,
        budget_alert_share: float = 0.8,
        window: int = 60,
        store: HistoryStore | None = None,
        webhook_url: str | None = None,
        org_name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        retention_days: float | None = None,
        probe_timeout: float = 10.0,
        webhook_timeout: float = 5.0,
    ) -> None:
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate probe names: {names}")
        self.session = session
        self.specs = list(specs)
        self.failures_critical = max(1, failures_critical)
        self.error_rate = error_rate
        self.budget_alert_share = budget_alert_share
        self.window = max(1, window)
        self.store = store
        self.retention_days = retention_days
        self._clock = clock
        self._now = now
        self._runner = ProbeRunner(
            session.client,
            clock=clock,
            timeout=min(session.options.request_timeout, max(probe_timeout, self._max_critical_s() + 1)),
        )
        self._org_name = org_name
        self._alerts = AlertSender(webhook_url, timeout=webhook_timeout, report=self._event)
        self._running = False
        self._last_prune: float | None = None
        self._rate_limited_probes = 0
        self._skipped = 0
        self._budget_firing = False

        # Listeners: plain callables, called on the event loop; exceptions are logged as events.
        self.on_rows: list[Callable[[list[ProbeRow]], None]] = []
        self.on_transition: list[Callable[[Transition], None]] = []
        self.on_snapshot: list[Callable[[HealthSnapshot], None]] = []
        self.on_budget_alert: list[Callable[[str], None]] = []
        self.on_event: list[Callable[[HealthEvent], None]] = []
        self.events: deque[HealthEvent] = deque(maxlen=200)

        self._prune()  # before restoring, so expired runs never reach the sparkline
        self._states = [self._restore(spec) for spec in self.specs]
        self.snapshot = HealthSnapshot(
            rows=tuple(self._copy_rows()), budget_alert_share=budget_alert_share, org_name=org_name
        )

    @classmethod
    def from_profile(
        cls, session: Session, profile: ResolvedProfile, *, store: HistoryStore | None = None, **kwargs: Any
    ) -> HealthMonitor:
        """A monitor configured from the profile's ``[health]`` section (probes, thresholds,
        failures_critical, error rate, budget alert, retention, webhook); ``kwargs`` override."""
        health = profile.health
        options: dict[str, Any] = {
            "failures_critical": health.failures_critical,
            "error_rate": health.error_rate_degraded,
            "budget_alert_share": health.rate_budget_alert,
            "webhook_url": health.alert_webhook.get_secret_value() or None,
            "retention_days": health.retention_days,
        }
        options.update(kwargs)
        return cls(session, probes_from_config(health), store=store, **options)

    # ------------------------------------------------------------------------------ reading
    @property
    def org_name(self) -> str | None:
        return self._org_name or self._runner.org_name

    @property
    def running(self) -> bool:
        return self._running

    @property
    def runs(self) -> int:
        return self.snapshot.runs

    @property
    def webhook_sent(self) -> int:
        return self._alerts.sent

    @property
    def webhook_failures(self) -> int:
        return self._alerts.failures

    def rows(self) -> list[ProbeRow]:
        """The rows of the last published snapshot (copies: safe to keep and change)."""
        return [dataclasses.replace(r, history=list(r.history)) for r in self.snapshot.rows]

    def overall(self) -> ProbeStatus:
        return self.snapshot.overall()

    def clock(self) -> float:
        """The monitor's monotonic clock (what snapshot ``status_at`` is measured on)."""
        return self._clock()

    def token_expires_in(self) -> float | None:
        return self.snapshot.token_expires_in(self._clock())

    # ---------------------------------------------------------------------------- running
    async def poll(self) -> bool:
        """One run for the poller: False (back off) when no probe got an answer at all."""
        rows = await self.run_once()
        return any(r.status_code is not None for r in rows) or not rows

    async def run_once(self) -> list[ProbeRow]:
        """Run every probe once, in parallel through the session's worker pool; publish the
        snapshot and return its rows. A run asked for while one is going is refused: counted
        in the snapshot's ``skipped_runs``, and the last snapshot's rows are returned."""
        if self._running:
            self._skipped += 1
            self._event("info", "health poll skipped: the previous one is still running")
            return self.rows()
        self._running = True
        started, started_at = self._clock(), self._now()
        transitions: list[Transition] = []
        try:
            results = await self._probe_all()
            for state, result in zip(self._states, results, strict=True):
                transition = self._apply(state, result, started_at)
                if transition is not None:
                    transitions.append(transition)
            await self._record(started_at)
            snapshot = self._take_snapshot(started, started_at, results)
            self.snapshot = snapshot  # the one publication of this run
        finally:
            self._running = False
        await asyncio.to_thread(self._prune)  # sqlite off the event loop: no frame waits on disk
        self._after_run(snapshot, transitions)
        return self.rows()

    def _take_snapshot(
        self, started: float, started_at: datetime, results: list[ProbeResult]
    ) -> HealthSnapshot:
        client = self.session.client
        budget = client.governor.status()
        used = budget.used + budget.in_flight
        return HealthSnapshot(
            rows=tuple(self._copy_rows()),
            runs=self.snapshot.runs + 1,
            org_name=self.org_name,
            token=client.tokens.status(),
            budget=budget,
            status_at=self._clock(),
            errors_total={s.spec.name: s.errors_total for s in self._states},
            rate_limited=budget.throttled + self._rate_limited_probes,
            skipped_runs=self._skipped,
            duration=self._clock() - started,
            started_at=started_at,
            finished_at=self._now(),
            rate_wait=max((r.queued_s for r in results), default=0.0),
            budget_share=used / budget.limit if budget.limit else None,
            budget_alert_share=self.budget_alert_share,
        )

    def _after_run(self, snapshot: HealthSnapshot, transitions: list[Transition]) -> None:
        self._notify(self.on_rows, self.rows())
        self._notify(self.on_snapshot, snapshot)
        for transition in transitions:
            self._notify(self.on_transition, transition)
            if transition.is_alert or transition.is_recovery:
                self._alerts.post(
                    webhook_payload(transition, self.org_name),
                    f"probe {transition.probe}: {transition.old} → {transition.new}",
                )
        self._check_budget(snapshot)

    def _check_budget(self, snapshot: HealthSnapshot) -> None:
        budget, share = snapshot.budget, snapshot.budget_share
        if budget is None or share is None or snapshot.budget_alarm == self._budget_firing:
            return
        self._budget_firing = snapshot.budget_alarm
        used = budget.used + budget.in_flight
        if snapshot.budget_alarm:
            message = (
                f"rate budget {share:.0%} used ({used} of {budget.limit}), past the "
                f"{self.budget_alert_share:.0%} alert share"
            )
            self._event("warning", message)
            self._notify(self.on_budget_alert, message)
        self._alerts.post(
            budget_payload(used, budget.limit, share, self.budget_alert_share, self.org_name),
            f"rate budget {'past' if snapshot.budget_alarm else 'back under'} {self.budget_alert_share:.0%}",
        )

    async def _probe_all(self) -> list[ProbeResult]:
        runner = self._runner
        shared_failure = await runner.prepare()
        if shared_failure is not None:
            return [shared_failure for _ in self._states]
        skip: ProbeResult | None = None
        if any(s.spec.needs_queue_id for s in self._states):
            skip = await runner.resolve_queue_id()

        def job_for(spec: ProbeSpec) -> Callable[[Job[ProbeResult]], Awaitable[ProbeResult]]:
            async def probe(job: Job[ProbeResult]) -> ProbeResult:
                return await runner.run(spec)

            return probe

        pending: list[asyncio.Future[ProbeResult] | ProbeResult] = []
        jobs: list[Job[ProbeResult]] = []
        for state in self._states:
            if state.spec.needs_queue_id and skip is not None:
                pending.append(skip)
                continue
            job = self.session.pool.submit(f"health:{state.spec.name}", job_for(state.spec), group=POOL_GROUP)
            jobs.append(job)
            pending.append(asyncio.ensure_future(job.wait()))
        try:
            return [item if isinstance(item, ProbeResult) else await item for item in pending]
        except BaseException:
            for job in jobs:
                job.cancel()
            for item in pending:
                if isinstance(item, asyncio.Future):
                    item.cancel()
            raise

    def _apply(self, state: _ProbeState, result: ProbeResult, run_at: datetime) -> Transition | None:
        old = state.row.status
        if result.ok is False:
            state.consecutive += 1
            state.errors_total += 1
            if result.status_code == 429:
                self._rate_limited_probes += 1
        elif result.ok:
            state.consecutive = 0
        status = classify(state.spec, result, state.consecutive, self.failures_critical)
        status = self._error_rate_rule(state, result, status)
        state.points.append(
            HistoryPoint(
                run_at=run_at,
                status=status,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                ok=result.ok,
                error=result.error,
                correlation_id=result.correlation_id,
            )
        )
        state.row = derive_row(state.spec, state.points, state.consecutive, result)
        if status is old:
            return None
        return Transition(state.spec.name, old, status, dataclasses.replace(state.row))

    def _error_rate_rule(self, state: _ProbeState, result: ProbeResult, status: ProbeStatus) -> ProbeStatus:
        """A probe that fails too often over its window is degraded even when it just passed."""
        if self.error_rate <= 0 or status is not ProbeStatus.HEALTHY:
            return status
        outcomes = [p.ok for p in state.points if p.ok is not None] + [result.ok]
        if len(outcomes) < ERROR_RATE_MIN_RUNS:
            return status
        if outcomes.count(False) / len(outcomes) >= self.error_rate:
            return ProbeStatus.DEGRADED
        return status

    def _restore(self, spec: ProbeSpec) -> _ProbeState:
        points: deque[HistoryPoint] = deque(maxlen=self.window)
        if self.store is not None:
            try:
                points.extend(self.store.load(spec.name, self.window))
            except sqlite3.Error as exc:
                self._event("warning", f"health history could not be read: {exc}")
        consecutive = restore_streak(points)
        state = _ProbeState(spec, points, ProbeRow(spec.name, spec.method, spec.path), consecutive)
        if points:
            state.row = derive_row(spec, points, consecutive, None)
        return state

    def _copy_rows(self) -> list[ProbeRow]:
        return [dataclasses.replace(s.row, history=list(s.row.history)) for s in self._states]

    # ------------------------------------------------------------------------------ side effects
    async def _record(self, run_at: datetime) -> None:
        if self.store is None:
            return
        try:
            await asyncio.to_thread(self.store.record, self._copy_rows(), run_at)
        except sqlite3.Error as exc:
            self._event("warning", f"health history not saved: {exc}")

    def _prune(self) -> None:
        if self.store is None or self.retention_days is None:
            return
        now = self._clock()
        if self._last_prune is not None and now - self._last_prune < _PRUNE_EVERY:
            return
        self._last_prune = now
        try:
            self.store.prune(self.retention_days, self._now())
        except sqlite3.Error as exc:
            self._event("warning", f"health history not pruned: {exc}")

    async def flush_alerts(self) -> None:
        """Wait for webhook posts still in flight (each is bounded by the webhook timeout)."""
        await self._alerts.flush()

    def _event(self, level: Literal["info", "warning", "error"], message: str) -> None:
        event = HealthEvent(self._now(), level, message)
        self.events.append(event)
        log.log(logging.INFO if level == "info" else logging.WARNING, "%s", message)
        for listener in list(self.on_event):
            try:
                listener(event)
            except Exception:
                log.exception("health event listener failed")

    def _notify(self, listeners: Sequence[Callable[[T], None]], value: T) -> None:
        for listener in list(listeners):
            try:
                listener(value)
            except Exception as exc:
                log.exception("health listener failed")
                self._event("error", f"health listener failed: {type(exc).__name__}")

    def _max_critical_s(self) -> float:
        return max((s.critical_ms for s in self.specs), default=3000.0) / 1000
