"""Scripted and random faults, latency, and the HTTP control routes."""

from __future__ import annotations

import time

import httpx
import pytest

from gctui.sim.server import SimServer


async def test_scripted_before_does_not_apply(sim: SimServer, client: httpx.AsyncClient) -> None:
    action = sim.runtime.org.actions[1]
    v = action["version"]
    sim.control.script_fault("PATCH", "/api/v2/integrations/actions/*", 503, count=2, when="before")
    for _ in range(2):
        r = await client.patch(
            f"/api/v2/integrations/actions/{action['id']}",
            json={"version": v, "config": {"timeoutSeconds": 30}},
        )
        assert r.status_code == 503
        assert r.json()["contextId"] == r.headers["ININ-Correlation-Id"]
    assert action["version"] == v
    r = await client.patch(
        f"/api/v2/integrations/actions/{action['id']}", json={"version": v, "config": {"timeoutSeconds": 30}}
    )
    assert r.status_code == 200 and r.json()["version"] == v + 1


async def test_scripted_after_applies_then_fails(sim: SimServer, client: httpx.AsyncClient) -> None:
    action = sim.runtime.org.actions[2]
    v = action["version"]
    sim.control.script_fault("PATCH", f"/api/v2/integrations/actions/{action['id']}", 504, when="after")
    r = await client.patch(
        f"/api/v2/integrations/actions/{action['id']}", json={"version": v, "config": {"timeoutSeconds": 42}}
    )
    assert r.status_code == 504
    got = (await client.get(f"/api/v2/integrations/actions/{action['id']}?includeConfig=true")).json()
    assert got["version"] == v + 1 and got["config"]["timeoutSeconds"] == 42
    # the client retries with its old version: now stale
    r = await client.patch(
        f"/api/v2/integrations/actions/{action['id']}", json={"version": v, "config": {"timeoutSeconds": 42}}
    )
    assert r.status_code == 409


async def test_drop_connection(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.control.script_fault("GET", "/api/v2/organizations/me", "drop")
    with pytest.raises(httpx.TransportError):
        await client.get("/api/v2/organizations/me")
    assert (await client.get("/api/v2/organizations/me")).status_code == 200
    assert sim.control.stats()["dropped"] == 1


async def test_fault_rate_and_latency(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.control.set_fault_rate(1.0)
    statuses = set()
    for _ in range(12):
        try:
            statuses.add((await client.get("/api/v2/organizations/me")).status_code)
        except httpx.TransportError:
            statuses.add("drop")
    assert statuses <= {500, 502, 503, 504, "drop"} and len(statuses) >= 2
    sim.control.set_fault_rate(0.0)
    sim.control.set_latency_ms(100)
    t = time.perf_counter()
    assert (await client.get("/api/v2/organizations/me")).status_code == 200
    assert time.perf_counter() - t >= 0.045
    with pytest.raises(ValueError):
        sim.control.set_fault_rate(2)


async def test_http_control_routes(sim: SimServer, client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/sim/control/faults",
        json={"method": "GET", "pathPattern": "/api/v2/flows", "status": 502, "count": 1},
    )
    assert r.status_code == 201
    assert (await client.get("/api/v2/flows")).status_code == 502
    assert (await client.get("/api/v2/flows")).status_code == 200
    await client.post("/sim/control/faults", json={"pathPattern": "*", "count": 5})
    assert (await client.delete("/sim/control/faults")).status_code == 204
    assert (await client.get("/api/v2/flows")).status_code == 200
    assert (await client.put("/sim/control/fault-rate", json={"value": 3})).status_code == 400
    assert (await client.put("/sim/control/latency", json={"value": 0})).status_code == 204
    stats = (await client.get("/sim/control/stats")).json()
    assert stats["byStatus"]["502"] == 1 and stats["tokensIssued"] == 1
    assert (await client.post("/sim/control/expire-tokens")).json() == {"expired": 1}
    assert (await client.get("/api/v2/flows")).status_code == 401
