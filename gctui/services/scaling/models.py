"""What the scaling service reads, forecasts and recommends: plain frozen dataclasses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gctui.text import duration


class Kind(enum.StrEnum):
    CPU = "cpu"  # an edge's total CPU busy share
    MEMORY = "memory"  # an edge's physical memory used share
    TRUNK = "trunk"  # a trunk's concurrent calls / its configured channels


class State(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    UNKNOWN = "unknown"  # no sample (an offline edge, a trunk without metrics)


@dataclass(frozen=True, slots=True)
class Sample:
    """One resource at one instant. ``value`` is a utilization share (0-1, a trunk over its
    configured channels can exceed 1); ``raw``: concurrent calls for a trunk, CPU % for an edge."""

    key: str  # "edge:<id>:cpu", "edge:<id>:memory", "trunk:<id>"
    kind: Kind
    name: str
    group_id: str | None
    group_name: str | None
    at: float  # epoch seconds
    value: float | None
    raw: float | None = None
    capacity: float | None = None  # trunk channels (configured: the API has none)


@dataclass(frozen=True, slots=True)
class NodeGroup:
    """An edge group: its nodes are its edges; sessions = concurrent calls on its trunks."""

    id: str
    name: str
    edge_ids: tuple[str, ...]
    sessions: int = 0

    @property
    def nodes(self) -> int:
        return len(self.edge_ids)


@dataclass(frozen=True, slots=True)
class ArrivalTrend:
    """Org-wide arrivals (nOffered per interval, analytics reference §1.5) and where they go."""

    interval_s: float
    counts: tuple[int, ...]  # oldest first, full intervals only
    rate_now: float  # arrivals per hour, the fitted value at the last interval
    rate_at_horizon: float

    @property
    def factor(self) -> float:
        """How much the arrival rate grows over the horizon (1.0 when flat or unknown)."""
        if self.rate_now <= 0:
            return 1.0
        return max(0.0, min(5.0, self.rate_at_horizon / self.rate_now))


@dataclass(frozen=True, slots=True)
class Forecast:
    """One resource over the horizon, and why: model, window, slope and what drove it."""

    key: str
    kind: Kind
    name: str
    group_id: str | None
    group_name: str | None
    current: float | None
    forecast: float | None
    warning: float
    critical: float
    model: str  # "holt", "linear", "none" (too little history)
    window_points: int
    window_seconds: float
    slope_per_hour: float  # share per hour of the projection used
    driver: str  # "trend", "arrivals", "flat"
    horizon_seconds: float
    seconds_to_warning: float | None  # None: not within the horizon
    seconds_to_critical: float | None
    raw: float | None = None
    capacity: float | None = None
    history: tuple[float, ...] = field(default=(), repr=False)  # the window's values, oldest first

    @property
    def state(self) -> State:
        return _state(self.current, self.warning, self.critical)

    @property
    def forecast_state(self) -> State:
        return _state(self.forecast, self.warning, self.critical)

    @property
    def crosses_critical(self) -> bool:
        return self.seconds_to_critical is not None

    def explain(self) -> str:
        if self.model == "none":
            return (
                f"{self.window_points} sample(s) over {_minutes(self.window_seconds)}: too little "
                "history for a trend, holding the current value"
            )
        base = (
            f"{self.model} on {self.window_points} samples over {_minutes(self.window_seconds)}, "
            f"slope {self.slope_per_hour:+.3f}/h"
        )
        if self.driver == "arrivals":
            base += " (arrival rate growth outpaces the trend)"
        return base


def _state(value: float | None, warning: float, critical: float) -> State:
    if value is None:
        return State.UNKNOWN
    if value >= critical:
        return State.CRITICAL
    if value >= warning:
        return State.WARNING
    return State.OK


def _minutes(seconds: float) -> str:
    return duration(seconds)


@dataclass(frozen=True, slots=True)
class QueueStaffing:
    """Erlang C for one queue: agents needed for its service-level target vs on queue now."""

    queue_id: str
    name: str
    arrivals_per_hour: float
    aht_seconds: float
    traffic_erlangs: float
    sl_target: float  # share answered within the threshold (mediaSettings.call.serviceLevel)
    sl_threshold_seconds: float
    agents_needed: int | None  # None: no arrivals or no handle time
    agents_on_queue: int | None
    service_level_now: float | None  # with the agents on queue now (0 when overloaded)

    @property
    def gap(self) -> int | None:
        if self.agents_needed is None or self.agents_on_queue is None:
            return None
        return self.agents_needed - self.agents_on_queue


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What the rule asks of one node group, and why."""

    group: NodeGroup
    current_nodes: int
    requested_nodes: int
    reasons: tuple[str, ...]
    trigger: Forecast | None  # the forecast that triggered it (the most urgent)

    @property
    def scale_up(self) -> bool:
        return self.requested_nodes > self.current_nodes
