"""Pure helpers: percentiles, sparklines, status classification, probe config mapping."""

from __future__ import annotations

import pytest

from gctui.config import HealthConfig, ProbeConfig
from gctui.services.health import (
    ProbeResult,
    ProbeRow,
    ProbeSpec,
    ProbeStatus,
    Transition,
    classify,
    default_probes,
    percentile,
    probes_from_config,
    sparkline,
    worst,
)

SPEC = ProbeSpec("org", "GET", "/api/v2/organizations/me", degraded_ms=1000, critical_ms=3000)


def test_percentile_interpolates_and_ignores_failed_runs() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, None, 1, 3, 2], 95) == pytest.approx(3.85)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None
    assert percentile([None, None], 50) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_sparkline_scales_from_zero_and_marks_failures() -> None:
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([10, None, 20]) == "▅·█"
    assert sparkline([10, 20], 5) == "   ▅█"  # left-padded: missing runs are blank
    assert sparkline([1, 2, 3, 4, 5, 6], 3) == "▆▇█"  # the newest `width` values
    assert sparkline([None, None]) == "··"
    assert sparkline([5, 5, 5], floor=None) == "▁▁▁"
    assert sparkline([], 3) == "   "
    assert sparkline([1, 2], 0) == ""


@pytest.mark.parametrize(
    ("result", "streak", "expected"),
    [
        (None, 0, ProbeStatus.UNKNOWN),
        (ProbeResult(ok=None, error="no queue to observe"), 0, ProbeStatus.UNKNOWN),
        (ProbeResult(ok=True, status_code=200, latency_ms=999), 0, ProbeStatus.HEALTHY),
        (ProbeResult(ok=True, status_code=200, latency_ms=1000), 0, ProbeStatus.HEALTHY),
        (ProbeResult(ok=True, status_code=200, latency_ms=1001), 0, ProbeStatus.DEGRADED),
        (ProbeResult(ok=True, status_code=200, latency_ms=3001), 0, ProbeStatus.CRITICAL),
        (ProbeResult(ok=False, status_code=503, kind="status"), 1, ProbeStatus.DEGRADED),
        (ProbeResult(ok=False, status_code=503, kind="status"), 3, ProbeStatus.CRITICAL),
        (ProbeResult(ok=False, status_code=404, kind="status"), 1, ProbeStatus.CRITICAL),
        (ProbeResult(ok=False, kind="transport"), 1, ProbeStatus.DEGRADED),
        (ProbeResult(ok=False, kind="transport"), 2, ProbeStatus.DEGRADED),
        (ProbeResult(ok=False, kind="transport"), 3, ProbeStatus.CRITICAL),
        (ProbeResult(ok=False, status_code=429, kind="rate_limited"), 1, ProbeStatus.DEGRADED),
        (ProbeResult(ok=False, kind="auth"), 1, ProbeStatus.CRITICAL),
        (ProbeResult(ok=False, status_code=403, kind="auth"), 1, ProbeStatus.CRITICAL),
    ],
)
def test_classify(result: ProbeResult | None, streak: int, expected: ProbeStatus) -> None:
    assert classify(SPEC, result, streak, failures_critical=3) is expected


def test_status_severity_worst_and_transition_kinds() -> None:
    assert [s.severity for s in ProbeStatus] == [0, 1, 2, -1]
    assert worst([ProbeStatus.HEALTHY, ProbeStatus.UNKNOWN, ProbeStatus.DEGRADED]) is ProbeStatus.DEGRADED
    assert worst([]) is ProbeStatus.UNKNOWN
    row = ProbeRow("org", "GET", "/x")
    H, D, C, U = ProbeStatus.HEALTHY, ProbeStatus.DEGRADED, ProbeStatus.CRITICAL, ProbeStatus.UNKNOWN
    assert Transition("org", H, C, row).is_alert
    assert Transition("org", U, D, row).is_alert
    assert not Transition("org", C, D, row).is_alert
    assert not Transition("org", U, H, row).is_alert and not Transition("org", U, H, row).is_recovery
    assert Transition("org", C, H, row).is_recovery


def test_default_probes_cover_the_reference_matrix() -> None:
    specs = default_probes()
    assert [(s.method, s.path.split("?")[0]) for s in specs] == [
        ("GET", "/api/v2/organizations/me"),
        ("HEAD", "/api/v2/tokens/me"),
        ("GET", "/api/v2/routing/queues"),
        ("GET", "/api/v2/telephony/providers/edges/trunks"),
        ("GET", "/api/v2/flows"),
        ("GET", "/api/v2/integrations/actions"),
        ("POST", "/api/v2/analytics/queues/observations/query"),
    ]
    assert [s.needs_queue_id for s in specs].count(True) == 1


def test_probes_from_config_overrides_by_name_and_appends() -> None:
    health = HealthConfig(
        degraded_ms=500,
        critical_ms=2500,
        probes=[
            ProbeConfig(
                name="queues", path="/api/v2/routing/queues?pageSize=2", degraded_ms=800, critical_ms=2000
            ),
            ProbeConfig(
                name="users", method="get", path="/api/v2/users?pageSize=1", expect_status=[200, 206]
            ),
        ],
    )
    specs = {s.name: s for s in probes_from_config(health)}
    assert list(specs)[-1] == "users" and len(specs) == 8
    assert specs["queues"].path.endswith("pageSize=2")
    assert (specs["queues"].degraded_ms, specs["queues"].critical_ms) == (800, 2000)
    assert specs["users"].expect_status == (200, 206)
    assert (specs["org"].degraded_ms, specs["users"].critical_ms) == (500, 2500)


def test_the_service_never_imports_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, gctui.services.health, gctui.services.health.metrics, gctui.cli.health_cmd\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in {'textual', 'pandas', 'networkx'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
