"""The health monitor: runs the probe matrix in parallel through the shared worker pool, keeps
one :class:`ProbeRow` per probe, records history, fires transitions and alerts, and (optionally)
schedules itself.

Plain asyncio, no Textual. The TUI either lets the monitor schedule itself (``start()``) or drives
it with its own timer (``if monitor.due(): await monitor.run_once()``); listeners are plain
callables called on the event loop, which the TUI marshals into messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from gctui.genesys.auth import TokenStatus
from gctui.genesys.pool import Job
from gctui.genesys.ratelimit import BudgetStatus
from gctui.genesys.session import Session
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
from gctui.services.health.runner import ProbeRunner
from gctui.services.health.stats import classify, p50_p95, worst
from gctui.services.health.store import HistoryStore
from gctui.services.health.webhook import WebhookError, WebhookNotifier, webhook_payload

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile

log = logging.getLogger("gctui.health")
log.addHandler(logging.NullHandler())  # events reach the user as HealthEvents, not stray stderr lines
T = TypeVar("T")

MIN_INTERVAL = 5.0
MAX_INTERVAL = 3600.0
POOL_GROUP = "health"
_PRUNE_EVERY = 3600.0


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
    """Polls the probe matrix of one org session.

    ``failures_critical``: failures in a row that make a probe critical. ``window``: runs kept
    per probe for the sparkline, percentiles and error count (loaded from ``store`` at start).
    ``webhook_url``: POSTed on each alert and recovery. ``clock``: monotonic seconds (latency and
    scheduling); ``now``: aware UTC wall clock (timestamps)."""

    def __init__(
        self,
        session: Session,
        specs: Sequence[ProbeSpec],
        *,
        failures_critical: int = 3,
        window: int = 60,
        store: HistoryStore | None = None,
        webhook_url: str | None = None,
        org_name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        interval: float = 30.0,
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
        self.window = max(1, window)
        self.store = store
        self.retention_days = retention_days
        self._clock = clock
        self._now = now
        self._interval = _clamp(interval)
        self._runner = ProbeRunner(
            session.client,
            clock=clock,
            timeout=min(session.options.request_timeout, max(probe_timeout, self._max_critical_s() + 1)),
        )
        self._org_name = org_name
        self._webhook = WebhookNotifier(webhook_url, timeout=webhook_timeout) if webhook_url else None
        self._alert_tasks: set[asyncio.Task[None]] = set()

        # Run state.
        self._running = False
        self._paused = False
        self.runs = 0
        self.skipped_runs = 0
        self.last_run_at: datetime | None = None
        self.last_duration: float | None = None
        self._last_finished: float | None = None
        self._last_prune: float | None = None
        self._forced = False
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

        # What the header / metrics also want, captured at the end of each run.
        self.token_status: TokenStatus | None = None
        self.budget_status: BudgetStatus | None = None
        self._status_at: float | None = None
        self.rate_limited_probes = 0  # probe answers that were 429
        self.webhook_sent = 0
        self.webhook_failures = 0

        # Listeners: plain callables, called on the event loop; exceptions are logged as events.
        self.on_rows: list[Callable[[list[ProbeRow]], None]] = []
        self.on_transition: list[Callable[[Transition], None]] = []
        self.on_event: list[Callable[[HealthEvent], None]] = []
        self.events: deque[HealthEvent] = deque(maxlen=200)

        self._prune()  # before restoring, so expired runs never reach the sparkline
        self._states = [self._restore(spec) for spec in self.specs]

    @classmethod
    def from_profile(
        cls, session: Session, profile: ResolvedProfile, *, store: HistoryStore | None = None, **kwargs: Any
    ) -> HealthMonitor:
        """A monitor configured from the profile's ``[health]`` section (probes, thresholds,
        failures_critical, interval, retention, webhook); ``kwargs`` override any of them."""
        health = profile.health
        options: dict[str, Any] = {
            "failures_critical": health.failures_critical,
            "webhook_url": health.alert_webhook.get_secret_value() or None,
            "interval": health.interval_seconds,
            "retention_days": health.retention_days,
        }
        options.update(kwargs)
        return cls(session, probes_from_config(health), store=store, **options)

    # ------------------------------------------------------------------------------ reading
    @property
    def org_name(self) -> str | None:
        return self._org_name or self._runner.org_name

    def rows(self) -> list[ProbeRow]:
        """A copy of the matrix, in probe order (safe to keep and to read from another thread)."""
        return [dataclasses.replace(s.row, history=list(s.row.history)) for s in self._states]

    def overall(self) -> ProbeStatus:
        """The worst status of the matrix."""
        return worst(s.row.status for s in self._states)

    def errors_total(self) -> dict[str, int]:
        """Failed runs per probe since this monitor started (a monotonic counter)."""
        return {s.spec.name: s.errors_total for s in self._states}

    def token_expires_in(self) -> float | None:
        """Seconds until the token expires, as of now (from the last run's snapshot)."""
        status = self.token_status
        if status is None or status.expires_in is None or self._status_at is None:
            return None
        return max(0.0, status.expires_in - (self._clock() - self._status_at))

    # --------------------------------------------------------------------------- scheduling
    @property
    def interval(self) -> float:
        return self._interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        """Re-time the poll; clamped to 5..3600 s. Takes effect at once (the next run is due
        ``interval`` after the last one finished)."""
        self._interval = _clamp(seconds)
        self._wake.set()

    @property
    def paused(self) -> bool:
        """The scheduler holds its runs (``run_once`` and ``request_run`` still work)."""
        return self._paused

    @property
    def running(self) -> bool:
        """A run is in progress."""
        return self._running

    def pause(self) -> None:
        self._paused = True
        self._wake.set()

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    def toggle_pause(self) -> bool:
        """Pause or resume; returns the new ``paused``."""
        if self.paused:
            self.resume()
        else:
            self.pause()
        return self.paused

    def request_run(self) -> None:
        """Ask the built-in scheduler for a run now (even while paused); no-op without it.
        Without the scheduler, ``await run_once()`` directly."""
        self._forced = True
        self._wake.set()

    def _due_in(self) -> float:
        if self._last_finished is None:
            return 0.0
        return self._last_finished + self._interval - self._clock()

    def due(self) -> bool:
        """True when a run is due: not paused, none running, ``interval`` since the last ended."""
        return not self.paused and not self.running and self._due_in() <= 0

    def next_run_in(self) -> float | None:
        """Seconds until the next scheduled run; None while paused or while a run is going."""
        if self.paused or self.running:
            return None
        return max(0.0, self._due_in())

    async def start(self) -> None:
        """Start the built-in scheduler (idempotent). The first run starts at once; the next is
        scheduled only when the last one finished."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="gctui-health-monitor")

    async def stop(self) -> None:
        """Stop the scheduler (cancelling a run in progress) and wait for pending alerts (up to
        the webhook timeout). Does not close the session or the store: their owner does."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self.flush_alerts()

    @property
    def scheduled(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            if self._forced or (not self.paused and self._due_in() <= 0):
                self._forced = False
                if self.running:  # someone else's run: this tick is skipped
                    self.skipped_runs += 1
                    self._event("info", "health poll skipped: the previous one is still running")
                    await self._idle.wait()
                    continue
                try:
                    await self.run_once()
                except Exception as exc:  # never let the scheduler die
                    log.exception("health run failed")
                    self._event("error", f"health run failed: {type(exc).__name__}")
                continue
            timeout = None if self.paused else self._due_in()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    # ---------------------------------------------------------------------------- running
    async def run_once(self) -> list[ProbeRow]:
        """Run every probe once, in parallel through the session's worker pool, and return the
        new rows. If a run is already going, this one is skipped (counted in ``skipped_runs``)
        and the current rows are returned. Runs even while paused (a forced refresh)."""
        if self._running:
            self.skipped_runs += 1
            self._event("info", "health poll skipped: the previous one is still running")
            return self.rows()
        self._running = True
        self._idle.clear()
        started = self._clock()
        run_at = self._now()
        self.last_run_at = run_at
        transitions: list[Transition] = []
        try:
            results = await self._probe_all()
            for state, result in zip(self._states, results, strict=True):
                transition = self._apply(state, result, run_at)
                if transition is not None:
                    transitions.append(transition)
            await self._record(run_at)
            self._capture_session_status()
        finally:
            self._running = False
            self._idle.set()
            self._last_finished = self._clock()
            self.last_duration = self._last_finished - started
            self.runs += 1
        rows = self.rows()
        await asyncio.to_thread(self._prune)  # sqlite off the event loop: no frame waits on disk
        self._notify(self.on_rows, rows)
        for transition in transitions:
            self._notify(self.on_transition, transition)
            self._alert(transition)
        return rows

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
                self.rate_limited_probes += 1
        elif result.ok:
            state.consecutive = 0
        status = classify(state.spec, result, state.consecutive, self.failures_critical)
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
        state.row = _row(state, error_code=result.error_code, detail=result.detail)
        if status is old:
            return None
        return Transition(state.spec.name, old, status, dataclasses.replace(state.row))

    def _restore(self, spec: ProbeSpec) -> _ProbeState:
        points: deque[HistoryPoint] = deque(maxlen=self.window)
        if self.store is not None:
            try:
                points.extend(self.store.load(spec.name, self.window))
            except sqlite3.Error as exc:
                self._event("warning", f"health history could not be read: {exc}")
        consecutive = 0
        for point in reversed(points):
            if point.ok is True:
                break
            if point.ok is False:
                consecutive += 1
        state = _ProbeState(spec, points, ProbeRow(spec.name, spec.method, spec.path), consecutive)
        if points:
            state.row = _row(state, error_code=None, detail=None)
        return state

    # ------------------------------------------------------------------------------ side effects
    async def _record(self, run_at: datetime) -> None:
        if self.store is None:
            return
        try:
            await asyncio.to_thread(self.store.record, self.rows(), run_at)
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

    def _capture_session_status(self) -> None:
        client = self.session.client
        self.token_status = client.tokens.status()
        self.budget_status = client.governor.status()
        self._status_at = self._clock()

    def _alert(self, transition: Transition) -> None:
        if self._webhook is None or not (transition.is_alert or transition.is_recovery):
            return
        task = asyncio.get_running_loop().create_task(self._post_webhook(transition))
        self._alert_tasks.add(task)
        task.add_done_callback(self._alert_tasks.discard)

    async def _post_webhook(self, transition: Transition) -> None:
        assert self._webhook is not None
        try:
            await self._webhook.send(webhook_payload(transition, self.org_name))
        except WebhookError as exc:
            self.webhook_failures += 1
            self._event("warning", f"{exc} (probe {transition.probe}: {transition.old} → {transition.new})")
        except Exception as exc:
            self.webhook_failures += 1
            self._event("error", f"alert webhook failed: unexpected {type(exc).__name__}")
        else:
            self.webhook_sent += 1
            self._event("info", f"alert webhook sent: {transition.probe} {transition.old} → {transition.new}")

    async def flush_alerts(self) -> None:
        """Wait for webhook posts still in flight (each is bounded by the webhook timeout)."""
        if self._alert_tasks:
            await asyncio.wait(set(self._alert_tasks))

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


def _clamp(seconds: float) -> float:
    return min(MAX_INTERVAL, max(MIN_INTERVAL, float(seconds)))


def _row(state: _ProbeState, *, error_code: str | None, detail: str | None) -> ProbeRow:
    """Derive the row from the probe's window of runs (the last point is the latest run)."""
    spec = state.spec
    points = list(state.points)
    last = points[-1]
    history = [p.latency_ms if p.ok else None for p in points]
    p50, p95 = p50_p95(history)
    failures = [p for p in points if p.ok is not True]
    last_bad = failures[-1] if failures else None
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
        consecutive_failures=state.consecutive,
        last_error=last_bad.error if last_bad else None,
        correlation_id=last_bad.correlation_id if last_bad else None,
        checked_at=last.run_at,
        ok=last.ok,
        error_code=None if last.ok else error_code,
        error_detail=None if last.ok else detail,
    )
