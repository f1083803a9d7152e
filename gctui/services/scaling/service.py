"""The scaling service: sample the org into history, forecast every resource, staff the busiest
queues with Erlang C, recommend per node group, build the payload and apply it.

Plain asyncio, no Textual: the tab and ``gctui scale`` both drive it. History comes from the
store (samples older than ``history_window_minutes`` are outside the trend window); the CLI
adds a few fresh samples so a first run has a trend to show (see ``gctui.cli.scale_common``)."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gctui.config.scaling import ScalingConfig, ThresholdMatrix
from gctui.genesys.api import GenesysApi
from gctui.services.scaling import erlang
from gctui.services.scaling.apply import ApplyOutcome, Verifier, WebhookTarget, apply
from gctui.services.scaling.forecast import ForecastSettings, Series, forecast_all
from gctui.services.scaling.models import (
    ArrivalTrend,
    Forecast,
    NodeGroup,
    QueueStaffing,
    Recommendation,
    Sample,
)
from gctui.services.scaling.payload import idempotency_key, payload_bytes
from gctui.services.scaling.rule import recommend_all
from gctui.services.scaling.sampler import Pass, QueueLoad, sample_pass
from gctui.services.scaling.store import ScalingStore

DEMO_PROFILE = "demo"
DEMO_RECEIVER = "/sim/webhooks/scaling"  # the simulator's receiver: where the demo org's scaler is


def webhook_url(
    config: ScalingConfig, profile: str, api_base: str, override: str | None = None
) -> str | None:
    """``--webhook`` first, then ``[scaling] webhook_url``; the demo org (the simulator) falls
    back to its own receiver, so ``--demo`` can apply end to end and page no one."""
    if override:
        return override
    configured = config.webhook_url.get_secret_value()
    if configured:
        return configured
    if profile == DEMO_PROFILE:
        return api_base.rstrip("/") + DEMO_RECEIVER
    return None


# A trend needs a window of at least this share of the horizon (1 min of samples for a 1 h
# horizon): extrapolating seconds of noise over an hour says nothing.
TREND_SHARE = 1 / 60


@dataclass(frozen=True, slots=True)
class Plan:
    """One recommendation with the exact bytes that would be posted."""

    recommendation: Recommendation
    payload: bytes
    sha256: str
    idempotency_key: str  # what the next apply of the group will send (unless one is pending)


@dataclass(frozen=True, slots=True)
class ScalingView:
    """Everything one refresh computed (what the tab shows, what the CLI prints)."""

    at: float
    forecasts: list[Forecast]
    groups: list[NodeGroup]
    plans: list[Plan]
    staffing: list[QueueStaffing]
    arrivals: ArrivalTrend | None
    history_points: int  # samples per resource used, at most (the window)
    history_seconds: float  # the span of history used
    horizon_seconds: float
    thresholds: ThresholdMatrix
    problems: list[str] = field(default_factory=list)

    @property
    def crossing_critical(self) -> list[Forecast]:
        return [f for f in self.forecasts if f.crosses_critical]


def arrival_trend(counts: Sequence[int], interval_s: float, horizon_s: float) -> ArrivalTrend | None:
    """A linear trend over the full intervals' arrivals, projected to the horizon (per hour)."""
    if len(counts) < 2:
        return None
    x = np.arange(len(counts), dtype=float)
    y = np.asarray(counts, dtype=float)
    slope, intercept = (float(v) for v in np.polyfit(x, y, 1))
    now = intercept + slope * float(x[-1])
    later = now + slope * horizon_s / interval_s
    per_hour = 3600.0 / interval_s
    return ArrivalTrend(
        interval_s, tuple(int(c) for c in counts), max(0.0, now) * per_hour, max(0.0, later) * per_hour
    )


def staffing_of(load: QueueLoad) -> QueueStaffing:
    rate = load.offered / load.window_s if load.window_s > 0 else 0.0
    aht = load.handle_sum_ms / load.handle_count / 1000.0 if load.handle_count else 0.0
    traffic = rate * aht
    needed = erlang.agents_needed(rate, aht, load.sl_target, load.sl_threshold_s)
    now = None
    if load.agents_on_queue is not None and traffic > 0 and aht > 0:
        now = erlang.service_level(load.agents_on_queue, traffic, aht, load.sl_threshold_s)
    return QueueStaffing(
        load.queue_id, load.name, rate * 3600.0, aht, traffic, load.sl_target, load.sl_threshold_s,
        needed, load.agents_on_queue, now,
    )  # fmt: skip


class ScalingService:
    def __init__(
        self,
        api: GenesysApi,
        config: ScalingConfig,
        store: ScalingStore,
        *,
        profile: str = "",
        read_only: bool = False,
        thresholds: ThresholdMatrix | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api = api
        self.config = config
        self.store = store
        self.profile = profile
        self.read_only = read_only
        self.thresholds = thresholds or config.thresholds
        self.clock = clock
        self.last_pass: Pass | None = None
        # Each resource's recent (times, values), loaded from the store once, then appended to
        # by every sample: a refresh forecasts from memory, not from a 360k-row read.
        self._windows: dict[str, tuple[list[float], list[float]]] | None = None

    def _record(self, samples: Sequence[Sample]) -> None:
        self.store.record(samples)
        if self._windows is None:
            return
        for s in samples:
            if s.value is None:
                continue
            times, values = self._windows.get(s.key) or self._windows.setdefault(s.key, ([], []))
            if not times or times[-1] < s.at:
                times.append(s.at)
                values.append(s.value)

    def windows(self, now: float) -> dict[str, tuple[list[float], list[float]]]:
        """Every resource's samples within ``history_window_minutes`` of ``now``."""
        since = now - self.config.history_window_minutes * 60.0
        if self._windows is None:
            self._windows = self.store.windows(since)
        for times, values in self._windows.values():
            cut = bisect.bisect_left(times, since)
            if cut:
                del times[:cut]
                del values[:cut]
        return self._windows

    # -------------------------------------------------------------------------- sampling
    async def sample(self, *, with_queues: bool = False) -> Pass:
        """Read the org once and record the samples."""
        result = await sample_pass(self.api, self.config, clock=self.clock, with_queues=with_queues)
        self._record(result.samples)
        self.last_pass = result
        return result

    # -------------------------------------------------------------------------- computing
    async def refresh(self) -> ScalingView:
        """Sample once (with the queues' load) and compute the view from the stored window."""
        result = await sample_pass(self.api, self.config, clock=self.clock, with_queues=True)
        self._record(result.samples)
        self.last_pass = result
        # The first compute reads the window from SQLite (~1 s at 3,000 resources): off the loop.
        return await asyncio.to_thread(self.compute, result)

    def compute(self, result: Pass, thresholds: ThresholdMatrix | None = None) -> ScalingView:
        thresholds = thresholds or self.thresholds
        horizon = self.config.horizon_minutes * 60.0
        history = self.windows(result.at)
        trend = arrival_trend(result.arrivals, result.arrival_interval_s, horizon)
        series = [_series(s, history.get(s.key)) for s in result.samples]
        settings = ForecastSettings(
            horizon_seconds=horizon,
            model=self.config.model,
            alpha=self.config.holt_alpha,
            beta=self.config.holt_beta,
            arrival_factor=trend.factor if trend else 1.0,
            min_span_seconds=horizon * TREND_SHARE,
        )
        forecasts = forecast_all(series, thresholds, settings)
        plans = [self.plan(r, thresholds) for r in recommend_all(result.groups, forecasts, thresholds)]
        points = max((f.window_points for f in forecasts), default=0)
        span = max((f.window_seconds for f in forecasts), default=0.0)
        return ScalingView(
            at=result.at,
            forecasts=forecasts,
            groups=result.groups,
            plans=plans,
            staffing=[staffing_of(q) for q in result.queues],
            arrivals=trend,
            history_points=points,
            history_seconds=span,
            horizon_seconds=horizon,
            thresholds=thresholds,
        )

    def plan(self, rec: Recommendation, thresholds: ThresholdMatrix | None = None) -> Plan:
        data, sha = payload_bytes(
            rec, thresholds or self.thresholds, template=self.config.payload_template, profile=self.profile
        )
        generation = self.store.settled_count(rec.group.id)
        return Plan(rec, data, sha, idempotency_key(self.store.scope, rec.group.id, sha, generation))

    # ---------------------------------------------------------------------------- apply
    def target(self, url: str | None = None) -> WebhookTarget | None:
        chosen = url if url is not None else self.config.webhook_url.get_secret_value()
        if not chosen:
            return None
        headers = {k: v.get_secret_value() for k, v in self.config.webhook_headers.items()}
        return WebhookTarget(chosen, self.config.webhook_timeout, headers, self.config.webhook_retries)

    async def apply(
        self, plan: Plan, *, target: WebhookTarget | None, verify: Verifier | None = None
    ) -> ApplyOutcome:
        rec = plan.recommendation
        self.thresholds.check_nodes(rec.group.name, rec.current_nodes)
        return await apply(
            self.store,
            group_id=rec.group.id,
            current=rec.current_nodes,
            requested=rec.requested_nodes,
            payload=plan.payload,
            sha256=plan.sha256,
            target=target,
            read_only=self.read_only,
            cooldown_s=self.thresholds.cooldown_seconds,
            profile=self.profile,
            verify=verify,
            clock=self.clock,
        )


def _series(latest: Sample, window: tuple[list[float], list[float]] | None) -> Series:
    """The window of one resource, ending with the latest sample (recorded already, usually)."""
    times, values = window if window is not None else ([], [])
    if latest.value is not None and (not times or times[-1] < latest.at):
        times, values = [*times, latest.at], [*values, latest.value]
    return Series(
        key=latest.key,
        kind=latest.kind,
        name=latest.name,
        group_id=latest.group_id,
        group_name=latest.group_name,
        times=times,
        values=values,
        raw=latest.raw,
        capacity=latest.capacity,
    )
