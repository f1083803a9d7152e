"""Probe history in SQLite: survives a restart, is pruned, keeps orgs apart, holds no secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gctui.genesys.session import Session
from gctui.services.health import (
    HealthMonitor,
    HistoryStore,
    ProbeRow,
    ProbeSpec,
    ProbeStatus,
    default_history_path,
    default_probes,
)
from tests.services.test_health_support import FakeOrg, assert_no_secret, service_unavailable


def test_default_path_is_in_the_platform_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == tmp_path / "gctui" / "health.sqlite3"


async def test_history_survives_a_new_monitor(org: FakeOrg, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "health.sqlite3"
    with HistoryStore(path, scope="prod") as store:
        monitor = HealthMonitor(session, default_probes(), store=store, window=3)
        await monitor.run_once()
        org.handlers["/api/v2/flows"] = service_unavailable
        await monitor.run_once()
        await monitor.run_once()
        before = {r.name: r for r in monitor.rows()}
    assert path.exists()

    with HistoryStore(path, scope="prod") as store:
        restarted = HealthMonitor(session, default_probes(), store=store, window=3, failures_critical=10)
        after = {r.name: r for r in restarted.rows()}
        assert after["org"].history == before["org"].history and len(after["org"].history) == 3
        assert after["org"].p95_ms == before["org"].p95_ms is not None
        flows = after["flows"]
        assert flows.status is ProbeStatus.DEGRADED and flows.consecutive_failures == 2
        assert (flows.errors, flows.last_error, flows.correlation_id) == (
            2,
            "503 service.unavailable",
            "ctx-503",
        )
        assert flows.checked_at == before["flows"].checked_at
        # The restored status is the baseline: a recovery is a transition, a repeat is not.
        seen = []
        restarted.on_transition.append(seen.append)
        await restarted.run_once()
        assert [t.probe for t in seen] == []
        del org.handlers["/api/v2/flows"]
        await restarted.run_once()
        assert [(t.probe, t.new) for t in seen] == [("flows", ProbeStatus.HEALTHY)]

    with HistoryStore(path, scope="other-org") as store:
        assert HealthMonitor(session, default_probes(), store=store).rows()[0].status is ProbeStatus.UNKNOWN


async def test_sqlite_file_holds_no_secret(org: FakeOrg, session: Session, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        monitor = HealthMonitor(session, default_probes(), store=store)
        org.handlers["/api/v2/flows"] = service_unavailable
        await monitor.run_once()
        assert store.count() == 7
    files = list(tmp_path.iterdir())
    assert files
    for f in files:
        assert_no_secret(f.read_bytes())


def _row(name: str, latency: float) -> ProbeRow:
    return ProbeRow(
        name, "GET", "/x", ProbeStatus.HEALTHY, 200, latency, checked_at=datetime.now(UTC), ok=True
    )


def test_retention_prunes_old_runs(tmp_path: Path) -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record([_row("org", 10)], now - timedelta(days=10))
        store.record([_row("org", 20)], now - timedelta(days=3))
        store.record([_row("org", 30)], now)
        assert [p.latency_ms for p in store.load("org", 10)] == [10, 20, 30]
        assert [p.latency_ms for p in store.load("org", 2)] == [20, 30]  # the newest, oldest first
        assert store.prune(7, now) == 1
        assert [p.latency_ms for p in store.load("org", 10)] == [20, 30]
        with pytest.raises(ValueError):
            store.record([_row("org", 1)], datetime(2025, 1, 1))  # noqa: DTZ001 - naive on purpose


async def test_monitor_prunes_with_its_retention(org: FakeOrg, session: Session, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record([_row("org", 5)], datetime.now(UTC) - timedelta(days=30))
        monitor = HealthMonitor(
            session, [ProbeSpec("org", "GET", "/api/v2/organizations/me")], store=store, retention_days=7
        )
        assert monitor.rows()[0].history == []
        await monitor.run_once()
        assert len(store.load("org", 10)) == 1
