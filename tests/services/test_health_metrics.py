"""Prometheus exposition: the gauges, over loopback, with no secret."""

from __future__ import annotations

import urllib.request

import pytest

from gctui.genesys.session import Session
from gctui.services.health import HealthMonitor, default_probes
from gctui.services.health.metrics import MetricsServer, build_registry, render
from tests.services.test_health_support import WEBHOOK, FakeOrg, assert_no_secret, service_unavailable


def test_before_the_first_run_every_probe_is_unknown(session: Session) -> None:
    text = render(build_registry(HealthMonitor(session, default_probes())))
    assert 'gctui_probe_status{probe="org"} -1.0' in text
    assert "gctui_probe_latency_ms{" not in text


async def test_metrics_served_on_loopback(org: FakeOrg, session: Session) -> None:
    org.router.post(WEBHOOK).respond(200)
    org.handlers["/api/v2/flows"] = service_unavailable
    monitor = HealthMonitor(session, default_probes(), webhook_url=WEBHOOK)
    await monitor.run_once()
    await monitor.flush_alerts()

    with MetricsServer(build_registry(monitor), port=0) as server:
        assert server.host == "127.0.0.1"
        url = f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as resp:
            text = resp.read().decode()
    with pytest.raises(RuntimeError):
        _ = server.port  # stopped

    assert 'gctui_probe_status{probe="org"} 0.0' in text
    assert 'gctui_probe_status{probe="flows"} 1.0' in text  # one 503: degraded
    assert 'gctui_probe_latency_ms{probe="org"}' in text
    assert 'gctui_probe_p95_ms{probe="org"}' in text
    assert 'gctui_probe_status_code{probe="flows"} 503.0' in text
    assert 'gctui_probe_errors_total{probe="flows"} 1.0' in text
    assert 'gctui_probe_errors_total{probe="org"} 0.0' in text
    assert "gctui_token_expires_in_seconds " in text
    assert "gctui_rate_budget_used " in text
    assert "gctui_rate_budget_limit 300.0" in text
    assert "gctui_rate_limited_total 0.0" in text
    assert "gctui_health_last_run_duration_seconds " in text
    assert "# TYPE gctui_probe_status gauge" in text
    assert_no_secret(text)
    assert "hooks.example.com" not in text
