"""HealthMonitor against a respx-mocked org: statuses, transitions, overlap, scheduling, alerts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from gctui.genesys.session import Session
from gctui.services.health import (
    HealthEvent,
    HealthMonitor,
    ProbeRow,
    ProbeSpec,
    ProbeStatus,
    Transition,
    default_probes,
)
from tests.genesys.conftest import LOGIN
from tests.services.test_health_support import (
    WEBHOOK,
    FakeClock,
    FakeOrg,
    assert_no_secret,
    service_unavailable,
)

ORG = "/api/v2/organizations/me"
QUEUES = "/api/v2/routing/queues"
OBS = "/api/v2/analytics/queues/observations/query"




def by_name(rows: list[ProbeRow]) -> dict[str, ProbeRow]:
    return {r.name: r for r in rows}


async def test_unknown_before_first_run_then_all_healthy(org: FakeOrg, session: Session) -> None:
    monitor = HealthMonitor(session, default_probes())
    assert {r.status for r in monitor.rows()} == {ProbeStatus.UNKNOWN}
    assert monitor.next_run_in() == 0 and monitor.due()

    rows = by_name(await monitor.run_once())

    assert {r.status for r in rows.values()} == {ProbeStatus.HEALTHY}
    assert rows["token"].method == "HEAD" and org.calls("/api/v2/tokens/me", "HEAD")
    assert all(r.status_code == 200 and r.latency_ms is not None and r.checked_at for r in rows.values())
    assert rows["org"].checked_at is not None and rows["org"].checked_at.tzinfo is not None
    assert monitor.org_name == "Acme Support"  # learned from the organizations/me probe
    assert monitor.last_duration is not None and monitor.runs == 1
    assert monitor.token_status is not None and monitor.budget_status is not None
    # The analytics probe observes the looked-up queue.
    (obs,) = org.calls(OBS)
    assert json.loads(obs.content) == {
        "filter": {"type": "or", "predicates": [{"dimension": "queueId", "value": "queue-1"}]},
        "metrics": ["oWaiting", "oInteracting"],
    }
    # Queue lookup is cached: one lookup plus one queues probe per run.
    await monitor.run_once()
    lookups = [r for r in org.calls(QUEUES) if r.url.params.get("pageSize") == "1"]
    assert len(lookups) == 3
    assert len(by_name(monitor.rows())["org"].history) == 2


async def test_latency_thresholds_use_the_probe_clock(org: FakeOrg, session: Session) -> None:
    clock = FakeClock()
    delays = {ORG: 1.5, QUEUES: 3.5}

    def slow(request: httpx.Request) -> httpx.Response:
        clock.advance(delays[request.url.path])
        return httpx.Response(200, json={"name": "Acme", "entities": [{"id": "queue-1"}]})

    org.handlers[ORG] = slow
    org.handlers[QUEUES] = slow
    specs = [s for s in default_probes(1000, 3000) if s.name in ("org", "queues")]
    monitor = HealthMonitor(session, specs, clock=clock)
    rows = by_name(await monitor.run_once())
    assert rows["org"].status is ProbeStatus.DEGRADED and rows["org"].latency_ms == pytest.approx(1500)
    assert rows["queues"].status is ProbeStatus.CRITICAL and rows["queues"].p95_ms == pytest.approx(3500)


async def test_503s_degrade_then_turn_critical_and_recover(
    org: FakeOrg, session: Session
) -> None:
    monitor = HealthMonitor(session, default_probes())
    seen: list[Transition] = []
    batches: list[list[ProbeRow]] = []
    monitor.on_transition.append(seen.append)
    monitor.on_rows.append(batches.append)

    await monitor.run_once()
    assert [(t.probe, t.old, t.new) for t in seen if t.probe == "flows"] == [
        ("flows", ProbeStatus.UNKNOWN, ProbeStatus.HEALTHY)
    ]
    seen.clear()

    org.handlers["/api/v2/flows"] = service_unavailable
    for _ in range(3):
        await monitor.run_once()
    flows = by_name(monitor.rows())["flows"]
    assert flows.status is ProbeStatus.CRITICAL
    assert flows.status_code == 503 and flows.ok is False
    assert flows.last_error == "503 service.unavailable"
    assert flows.correlation_id == "ctx-503"  # the ErrorBody's contextId wins over the header
    assert flows.error_code == "service.unavailable" and "unavailable" in (flows.error_detail or "")
    assert flows.errors == 3 and flows.consecutive_failures == 3
    assert flows.history[0] is not None and flows.history[1:] == [None, None, None]
    assert [(t.probe, t.old, t.new) for t in seen] == [
        ("flows", ProbeStatus.HEALTHY, ProbeStatus.DEGRADED),
        ("flows", ProbeStatus.DEGRADED, ProbeStatus.CRITICAL),
    ]
    assert seen[1].is_alert and seen[1].row.status is ProbeStatus.CRITICAL
    assert len(org.calls("/api/v2/flows")) == 4  # retry=False: a 5xx is measured, not retried

    del org.handlers["/api/v2/flows"]
    await monitor.run_once()
    flows = by_name(monitor.rows())["flows"]
    assert flows.status is ProbeStatus.HEALTHY and flows.consecutive_failures == 0
    assert flows.errors == 3 and flows.last_error == "503 service.unavailable"  # still in the window
    assert flows.error_code is None and flows.error_detail is None
    assert [(t.old, t.new) for t in seen] == [
        (ProbeStatus.HEALTHY, ProbeStatus.DEGRADED),
        (ProbeStatus.DEGRADED, ProbeStatus.CRITICAL),
        (ProbeStatus.CRITICAL, ProbeStatus.HEALTHY),
    ]
    assert seen[-1].is_recovery
    assert len(batches) == 5 and all(len(b) == 7 for b in batches)


async def test_dropped_connections_degrade_then_turn_critical(org: FakeOrg, session: Session) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    org.handlers["/api/v2/integrations/actions"] = drop
    spec = ProbeSpec("actions", "GET", "/api/v2/integrations/actions?pageSize=1")
    monitor = HealthMonitor(session, [spec], failures_critical=3, window=2)
    statuses = []
    for _ in range(3):
        (row,) = await monitor.run_once()
        statuses.append(row.status)
    assert statuses == [ProbeStatus.DEGRADED, ProbeStatus.DEGRADED, ProbeStatus.CRITICAL]
    assert row.last_error.startswith("cannot connect to api.mypurecloud.ie") and row.error_code == "connect"
    assert row.consecutive_failures == 3
    assert row.errors == 2 and len(row.history) == 2  # window of two runs
    assert monitor.errors_total() == {"actions": 3}


async def test_expected_status_and_unexpected_2xx(org: FakeOrg, session: Session) -> None:
    org.handlers["/api/v2/users/me"] = lambda r: httpx.Response(
        404, json={"code": "not.found", "status": 404}
    )
    org.handlers["/api/v2/flows"] = lambda r: httpx.Response(204)
    specs = [
        ProbeSpec("me", "GET", "/api/v2/users/me", expect_status=(404,)),
        ProbeSpec("flows", "GET", "/api/v2/flows"),
    ]
    rows = by_name(await HealthMonitor(session, specs).run_once())
    assert rows["me"].status is ProbeStatus.HEALTHY and rows["me"].status_code == 404
    assert rows["flows"].status is ProbeStatus.CRITICAL and rows["flows"].last_error == "unexpected 204"


async def test_login_failure_fails_every_probe_without_sending_them(org: FakeOrg, session: Session) -> None:
    org.router.post(f"{LOGIN}/oauth/token").mock(
        return_value=httpx.Response(401, json={"error": "invalid_client"})
    )
    monitor = HealthMonitor(session, default_probes())
    rows = await monitor.run_once()
    assert {r.status for r in rows} == {ProbeStatus.CRITICAL}  # a failed login pages at once
    assert {r.last_error for r in rows} == {"login failed (invalid_client)"}
    assert org.requests == []  # nothing reached the API
    for row in rows:
        assert_no_secret(repr(row))


async def test_no_queue_makes_the_analytics_probe_unknown(org: FakeOrg, session: Session) -> None:
    org.queues = []
    rows = by_name(await HealthMonitor(session, default_probes()).run_once())
    assert rows["analytics"].status is ProbeStatus.UNKNOWN
    assert rows["analytics"].last_error == "no queue to observe" and rows["analytics"].errors == 0
    assert rows["queues"].status is ProbeStatus.HEALTHY


async def test_overlapping_runs_are_skipped_and_counted(org: FakeOrg, session: Session) -> None:
    gate = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(200, json={"entities": []})

    org.handlers["/api/v2/flows"] = hang
    monitor = HealthMonitor(session, [ProbeSpec("flows", "GET", "/api/v2/flows?pageSize=1")])
    first = asyncio.create_task(monitor.run_once())
    while not org.calls("/api/v2/flows"):
        await asyncio.sleep(0.001)
    assert monitor.running and monitor.next_run_in() is None and not monitor.due()
    skipped = await monitor.run_once()
    assert monitor.skipped_runs == 1 and skipped[0].status is ProbeStatus.UNKNOWN
    assert any("skipped" in e.message for e in monitor.events)
    gate.set()
    (row,) = await first
    assert row.status is ProbeStatus.HEALTHY and monitor.runs == 1
    assert len(org.calls("/api/v2/flows")) == 1


async def test_scheduler_pause_resume_force_and_retime(org: FakeOrg, session: Session) -> None:
    clock = FakeClock()
    monitor = HealthMonitor(session, [ProbeSpec("org", "GET", ORG)], clock=clock, interval=1)
    assert monitor.interval == 5  # the floor
    monitor.interval = 10_000
    assert monitor.interval == 3600
    monitor.interval = 30

    async def until(cond: Any) -> None:
        for _ in range(500):
            if cond():
                return
            await asyncio.sleep(0.002)
        raise AssertionError("condition not reached")

    await monitor.start()
    assert monitor.scheduled
    await until(lambda: monitor.runs == 1)
    await until(lambda: not monitor.running)
    assert monitor.next_run_in() == 30

    monitor.pause()
    assert monitor.paused and monitor.next_run_in() is None
    clock.advance(100)  # overdue, but paused
    monitor.interval = 5  # wakes the loop
    await asyncio.sleep(0.02)
    assert monitor.runs == 1

    monitor.request_run()  # space: a forced run works even while paused
    await until(lambda: monitor.runs == 2)
    await asyncio.sleep(0.02)
    assert monitor.runs == 2

    assert monitor.toggle_pause() is False  # resume: due again after 5 s of fake time
    await asyncio.sleep(0.02)
    assert monitor.runs == 2
    clock.advance(5)
    monitor.interval = 5
    await until(lambda: monitor.runs == 3)
    await monitor.stop()
    assert not monitor.scheduled


async def test_webhook_posted_on_alert_and_recovery_without_secrets(org: FakeOrg, session: Session) -> None:
    hook = org.router.post(WEBHOOK).mock(return_value=httpx.Response(200))
    monitor = HealthMonitor(
        session, [ProbeSpec("flows", "GET", "/api/v2/flows")], webhook_url=WEBHOOK, failures_critical=1
    )
    await monitor.run_once()  # unknown -> healthy: not an alert
    org.handlers["/api/v2/flows"] = service_unavailable
    await monitor.run_once()
    await monitor.run_once()  # still critical: no second alert
    del org.handlers["/api/v2/flows"]
    await monitor.run_once()
    await monitor.flush_alerts()

    payloads = [json.loads(call.request.content) for call in hook.calls]
    assert [(p["old"], p["new"]) for p in payloads] == [("healthy", "critical"), ("critical", "healthy")]
    alert = payloads[0]
    assert alert["probe"] == "flows" and alert["org"] is None
    assert alert["statusCode"] == 503 and alert["errorCode"] == "service.unavailable"
    assert alert["correlationId"] == "ctx-503" and alert["latencyMs"] is not None
    assert "Authorization" not in hook.calls[0].request.headers
    assert_no_secret(hook.calls[0].request.content)
    assert monitor.webhook_sent == 2 and monitor.webhook_failures == 0


@pytest.mark.parametrize("failure", ["status", "connect"])
async def test_a_failing_webhook_is_an_event_not_a_crash(
    org: FakeOrg, session: Session, failure: str
) -> None:
    route = org.router.post(WEBHOOK)
    if failure == "status":
        route.mock(return_value=httpx.Response(500))
    else:
        route.mock(side_effect=httpx.ConnectError("refused"))
    org.handlers["/api/v2/flows"] = service_unavailable
    events: list[HealthEvent] = []
    monitor = HealthMonitor(
        session, [ProbeSpec("flows", "GET", "/api/v2/flows")], webhook_url=WEBHOOK, failures_critical=1
    )
    monitor.on_event.append(events.append)
    await monitor.run_once()
    await monitor.flush_alerts()
    (row,) = await monitor.run_once()
    assert row.status is ProbeStatus.CRITICAL and monitor.webhook_failures == 1
    (event,) = [e for e in events if "webhook" in e.message]
    assert event.level == "warning"
    assert "hooks.example.com" not in event.message and "XXXX" not in event.message


async def test_a_broken_listener_does_not_break_the_run(org: FakeOrg, session: Session) -> None:
    monitor = HealthMonitor(session, [ProbeSpec("org", "GET", ORG)])

    def boom(rows: list[ProbeRow]) -> None:
        raise RuntimeError("listener bug")

    monitor.on_rows.append(boom)
    (row,) = await monitor.run_once()
    assert row.status is ProbeStatus.HEALTHY
    assert any(e.level == "error" and "listener" in e.message for e in monitor.events)
