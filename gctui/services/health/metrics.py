"""Prometheus exposition of a :class:`HealthMonitor` (``gctui health --metrics-port``).

A dedicated ``CollectorRegistry`` with one collector that reads the monitor's last results at
scrape time, so nothing has to be pushed after each run. Labels are probe names only: no URL,
no token, no webhook. The HTTP server is prometheus-client's own (a daemon thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from gctui.services.health.monitor import HealthMonitor
from gctui.services.health.snapshot import HealthSnapshot

DEFAULT_HOST = "127.0.0.1"


class HealthCollector(Collector):
    def __init__(self, monitor: HealthMonitor) -> None:
        self.monitor = monitor

    def collect(self) -> Iterator[Metric]:
        # One read of the published snapshot: a scrape during a run sees the last whole run.
        snap = self.monitor.snapshot
        yield from _probe_metrics(snap)
        yield from _session_metrics(snap, self.monitor.token_expires_in())
        yield from _run_metrics(snap)


def _probe_metrics(snap: HealthSnapshot) -> Iterator[Metric]:
    latency = GaugeMetricFamily(
        "gctui_probe_latency_ms", "Latency of the last probe run (ms)", labels=["probe"]
    )
    p50 = GaugeMetricFamily(
        "gctui_probe_p50_ms", "Median probe latency over the window (ms)", labels=["probe"]
    )
    p95 = GaugeMetricFamily(
        "gctui_probe_p95_ms", "95th percentile probe latency over the window (ms)", labels=["probe"]
    )
    status = GaugeMetricFamily(
        "gctui_probe_status",
        "Probe status: 0 healthy, 1 degraded, 2 critical, -1 unknown",
        labels=["probe"],
    )
    code = GaugeMetricFamily("gctui_probe_status_code", "HTTP status of the last probe run", labels=["probe"])
    streak = GaugeMetricFamily(
        "gctui_probe_consecutive_failures", "Probe failures in a row", labels=["probe"]
    )
    checked = GaugeMetricFamily(
        "gctui_probe_last_checked_timestamp_seconds",
        "When the probe last ran (Unix time)",
        labels=["probe"],
    )
    errors = CounterMetricFamily(
        "gctui_probe_errors", "Failed probe runs since the exporter started", labels=["probe"]
    )
    totals = snap.errors_total
    for row in snap.rows:
        labels = [row.name]
        status.add_metric(labels, row.status.severity)
        if row.latency_ms is not None:
            latency.add_metric(labels, row.latency_ms)
        if row.p50_ms is not None:
            p50.add_metric(labels, row.p50_ms)
        if row.p95_ms is not None:
            p95.add_metric(labels, row.p95_ms)
        if row.status_code is not None:
            code.add_metric(labels, row.status_code)
        if row.checked_at is not None:
            checked.add_metric(labels, row.checked_at.timestamp())
        streak.add_metric(labels, row.consecutive_failures)
        errors.add_metric(labels, totals.get(row.name, 0))
    yield from (status, latency, p50, p95, code, streak, checked, errors)


def _session_metrics(snap: HealthSnapshot, expires: float | None) -> Iterator[Metric]:
    if expires is not None:
        yield GaugeMetricFamily(
            "gctui_token_expires_in_seconds", "Seconds until the access token expires", value=expires
        )
    budget = snap.budget
    if budget is not None:
        yield GaugeMetricFamily(
            "gctui_rate_budget_used", "Requests in the current rate-limit window", value=budget.used
        )
        yield GaugeMetricFamily(
            "gctui_rate_budget_limit", "Requests allowed per rate-limit window", value=budget.limit
        )
        yield CounterMetricFamily(
            "gctui_rate_limited",
            "429 answers seen (client retries and probes)",
            value=snap.rate_limited,
        )


def _run_metrics(snap: HealthSnapshot) -> Iterator[Metric]:
    yield GaugeMetricFamily("gctui_health_runs", "Probe matrix runs completed", value=snap.runs)
    yield CounterMetricFamily(
        "gctui_health_skipped_runs",
        "Runs skipped because one was still going",
        value=snap.skipped_runs,
    )
    if snap.duration is not None:
        yield GaugeMetricFamily(
            "gctui_health_last_run_duration_seconds",
            "How long the last run took",
            value=snap.duration,
        )


def build_registry(monitor: HealthMonitor) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HealthCollector(monitor))
    return registry


def render(registry: CollectorRegistry) -> str:
    """The text exposition format (what a scrape returns)."""
    return generate_latest(registry).decode("utf-8")


class MetricsServer:
    """prometheus-client's HTTP server on ``host:port`` (loopback by default), stoppable."""

    def __init__(self, registry: CollectorRegistry, *, host: str = DEFAULT_HOST, port: int = 0) -> None:
        self.registry = registry
        self.host = host
        self.requested_port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        if self._server is None:
            raise RuntimeError("metrics server is not running")
        return int(self._server.server_address[1])

    def start(self) -> MetricsServer:
        """Bind and serve; raises OSError when the address is taken or not allowed."""
        self._server, self._thread = start_http_server(self.requested_port, self.host, self.registry)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> MetricsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
