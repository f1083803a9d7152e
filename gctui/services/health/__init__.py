"""Health service: the probe matrix, its status rules, history, alerts and scheduler.

Plain Python on top of :mod:`gctui.genesys` (never Textual). The TUI's Health tab and the
``gctui health`` command are both thin views over :class:`HealthMonitor`::

    scope = history_scope(profile.name, profile.options.region.api_base, profile.options.client_id)
    store = HistoryStore(default_history_path(), scope)
    store, problem = open_history(path, profile)                          # one opener for CLI and TUI
    monitor = HealthMonitor.from_profile(session, profile, store=store)   # [health] probes, thresholds...
    monitor.on_transition.append(toast)      # plain callables, called on the event loop
    rows = await monitor.run_once()          # publishes monitor.snapshot (one immutable HealthSnapshot)
    poller = health_poller(monitor, 30)      # or: scheduled by the one poller (gctui.services.poller)

Prometheus exposition lives in :mod:`gctui.services.health.metrics` (imported on demand).
"""

from __future__ import annotations

from gctui.services.health.models import (
    QUEUE_ID_PLACEHOLDER,
    HealthEvent,
    HistoryPoint,
    ProbeResult,
    ProbeRow,
    ProbeSpec,
    ProbeStatus,
    Transition,
)
from gctui.services.health.monitor import HealthMonitor
from gctui.services.health.probes import default_probes, probes_from_config
from gctui.services.health.report import matrix_document, render_table, row_document
from gctui.services.health.schedule import health_poller, open_history
from gctui.services.health.snapshot import HealthSnapshot
from gctui.services.health.stats import classify, p50_p95, percentile, sparkline, worst
from gctui.services.health.store import HistoryStore, default_history_path, history_scope
from gctui.services.poller import MAX_INTERVAL, MIN_INTERVAL

__all__ = [
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "QUEUE_ID_PLACEHOLDER",
    "HealthEvent",
    "HealthMonitor",
    "HealthSnapshot",
    "HistoryPoint",
    "HistoryStore",
    "ProbeResult",
    "ProbeRow",
    "ProbeSpec",
    "ProbeStatus",
    "Transition",
    "classify",
    "default_history_path",
    "default_probes",
    "health_poller",
    "history_scope",
    "matrix_document",
    "open_history",
    "p50_p95",
    "percentile",
    "probes_from_config",
    "render_table",
    "row_document",
    "sparkline",
    "worst",
]
