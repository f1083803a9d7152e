"""Health service: the probe matrix, its status rules, history, alerts and scheduler.

Plain Python on top of :mod:`gctui.genesys` (never Textual). The TUI's Health tab and the
``gctui health`` command are both thin views over :class:`HealthMonitor`::

    scope = history_scope(profile.name, profile.options.region.api_base, profile.options.client_id)
    store = HistoryStore(default_history_path(), scope)
    monitor = HealthMonitor.from_profile(session, profile, store=store)   # [health] probes, thresholds...
    monitor.on_transition.append(toast)      # plain callables, called on the event loop
    rows = await monitor.run_once()          # or: await monitor.start() ... await monitor.stop()

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
from gctui.services.health.monitor import MAX_INTERVAL, MIN_INTERVAL, HealthMonitor
from gctui.services.health.probes import default_probes, probes_from_config
from gctui.services.health.report import matrix_document, render_table, row_document
from gctui.services.health.stats import classify, p50_p95, percentile, sparkline, worst
from gctui.services.health.store import HistoryStore, default_history_path, history_scope

__all__ = [
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "QUEUE_ID_PLACEHOLDER",
    "HealthEvent",
    "HealthMonitor",
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
    "history_scope",
    "matrix_document",
    "p50_p95",
    "percentile",
    "probes_from_config",
    "render_table",
    "row_document",
    "sparkline",
    "worst",
]
