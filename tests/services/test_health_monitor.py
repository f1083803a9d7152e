"""HealthMonitor against a respx-mocked org: statuses, transitions, overlap, scheduling, alerts."""

from __future__ import annotations

import asyncio
import dataclasses
import json

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
    health_poller,
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
    assert monitor.snapshot.runs == 0 and monitor.snapshot.started_at is None

    rows = by_name(await monitor.run_once())

    assert {r.status for r in rows.values()} == {ProbeStatus.HEALTHY}
    assert rows["token"].method == "HEAD" and org.calls("/api/v2/tokens/me", "HEAD")
    assert all(r.status_code == 200 and r.latency_ms is not None and r.checked_at for r in rows.values())
    assert rows["org"].checked_at is not None and rows["org"].checked_at.tzinfo is not None
    assert monitor.org_name == "Acme Support"  # learned from the organizations/me probe
    snap = monitor.snapshot
    assert snap.duration is not None and snap.runs == 1 and monitor.runs == 1
    assert snap.token is not None and snap.budget is not None and snap.status_at is not None
    assert snap.started_at is not None and snap.finished_at is not None
    assert snap.started_at <= snap.finished_at and snap.overall() is ProbeStatus.HEALTHY
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


async def test_503s_degrade_then_turn_critical_and_recover(org: FakeOrg, session: Session) -> None:
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
    assert monitor.snapshot.errors_total == {"actions": 3}
    # A refused connection got no answer: it has no latency (it is not "fast").
    assert row.latency_ms is None and row.history == [None, None]


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
    assert monitor.running
    skipped = await monitor.run_once()
    assert skipped[0].status is ProbeStatus.UNKNOWN
    assert any("skipped" in e.message for e in monitor.events)
    gate.set()
    (row,) = await first
    assert row.status is ProbeStatus.HEALTHY and monitor.runs == 1
    assert monitor.snapshot.skipped_runs == 1
    assert len(org.calls("/api/v2/flows")) == 1


async def test_the_poller_drives_the_monitor_and_backs_off_when_nothing_answers(
    org: FakeOrg, session: Session
) -> None:
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    monitor = HealthMonitor(session, [ProbeSpec("org", "GET", ORG)], clock=clock)
    poller = health_poller(monitor, 30, clock=clock, sleep=sleep)
    await poller.run_forever(max_runs=1)
    assert monitor.runs == 1 and poller.consecutive_failures == 0 and poller.backoff() == 30
    org.handlers[ORG] = drop
    await poller.run_forever(max_runs=3)
    assert monitor.runs == 3 and poller.consecutive_failures == 2 and poller.backoff() == 120


async def test_a_run_held_by_the_governor_starts_late_and_says_by_how_much(
    org: FakeOrg, session: Session
) -> None:
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    monitor = HealthMonitor(session, [ProbeSpec("org", "GET", ORG)], clock=clock)
    governor = session.client.governor
    real_status = governor.status
    holds = iter([20.0])  # a 429's Retry-After holds the token when the run is due
    governor.status = lambda: dataclasses.replace(  # type: ignore[method-assign]
        real_status(), held_for=next(holds, 0.0)
    )
    poller = health_poller(monitor, 30, clock=clock, sleep=sleep)
    await poller.run_forever(max_runs=1)
    assert poller.late == 20 and monitor.runs == 1


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


HOSTILE = "\x1b]0;x\x07\x1b[2J"


async def test_hostile_server_text_is_cleaned_before_it_reaches_a_row(org: FakeOrg, session: Session) -> None:
    org.handlers["/api/v2/flows"] = lambda r: httpx.Response(
        503,
        json={"message": f"down{HOSTILE}", "code": f"bad{HOSTILE}", "contextId": f"ctx{HOSTILE}"},
    )
    org.handlers["/api/v2/integrations/actions"] = lambda r: httpx.Response(
        418, headers={"ININ-Correlation-Id": f"c{HOSTILE}"}
    )
    org.handlers[ORG] = lambda r: httpx.Response(200, json={"name": f"Org{HOSTILE}"})
    monitor = HealthMonitor(session, default_probes())
    rows = by_name(await monitor.run_once())
    for row in (rows["flows"], rows["actions"]):
        for text in (row.last_error, row.error_detail, row.correlation_id, row.error_code):
            assert text is None or ("\x1b" not in text and "\x07" not in text), text
    assert rows["flows"].correlation_id == "ctx\\x1b]0;x\\x07\\x1b[2J"
    assert rows["actions"].correlation_id == "c\\x1b]0;x\\x07\\x1b[2J"
    assert monitor.org_name == "Org\\x1b]0;x\\x07\\x1b[2J"


async def test_a_probe_failing_often_over_its_window_is_degraded(org: FakeOrg, session: Session) -> None:
    flaky = iter([True, False] * 10)
    org.handlers["/api/v2/flows"] = lambda r: (
        httpx.Response(200, json={}) if next(flaky) else service_unavailable(r)
    )
    monitor = HealthMonitor(session, [ProbeSpec("flows", "GET", "/api/v2/flows")], error_rate=0.3)
    statuses = []
    for _ in range(12):
        (row,) = await monitor.run_once()
        statuses.append(row.status)
    # Passing runs stay healthy until the window holds 10 runs; then half of them failed.
    assert statuses[:9:2] == [ProbeStatus.HEALTHY] * 5
    assert statuses[10] is ProbeStatus.DEGRADED and row.ok is False


async def test_a_custom_probe_posts_its_analytics_query(org: FakeOrg, session: Session) -> None:
    from gctui.config import HealthConfig
    from gctui.services.health import probes_from_config

    config = HealthConfig.model_validate(
        {
            "probes": [
                {
                    "name": "stats",
                    "method": "POST",
                    "path": "/api/v2/analytics/queues/observations/query",
                    "body": {"filter": {"type": "or", "predicates": [{"value": "${queueId}"}]}},
                }
            ]
        }
    )
    spec = probes_from_config(config)[-1]
    (row,) = await HealthMonitor(session, [spec]).run_once()
    assert row.status is ProbeStatus.HEALTHY
    (call,) = org.calls(OBS)
    assert json.loads(call.content)["filter"]["predicates"][0]["value"] == "queue-1"
    with pytest.raises(ValueError, match="'POST' only to an analytics query"):
        HealthConfig.model_validate(
            {"probes": [{"name": "x", "method": "POST", "path": "/api/v2/users", "body": {}}]}
        )
