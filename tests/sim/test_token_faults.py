"""Scripted faults fire on /oauth/token too (a login outage); random faults leave it alone."""

from __future__ import annotations

import httpx
import pytest

from gctui.sim.server import SimServer
from tests.sim.conftest import DEMO

GRANT = {"grant_type": "client_credentials"}


async def login(c: httpx.AsyncClient) -> httpx.Response:
    return await c.post("/oauth/token", data=GRANT, auth=DEMO)


async def test_http_scripted_503_on_the_next_token_requests(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post(
            "/sim/control/faults",
            json={"method": "POST", "pathPattern": "/oauth/token", "status": 503, "count": 2},
        )
        assert r.status_code == 201
        for _ in range(2):
            r = await login(c)
            assert r.status_code == 503
            body = r.json()
            assert body["code"] == "service.unavailable"
            assert body["contextId"] == r.headers["ININ-Correlation-Id"]
        assert sim.control.stats()["tokensIssued"] == 0
        r = await login(c)
        assert r.status_code == 200 and r.json()["access_token"]
    stats = sim.control.stats()
    assert stats["faultsInjected"] == 2 and stats["byStatus"] == {"200": 1, "503": 2}
    assert stats["scriptedFaultsPending"] == 0


async def test_dropped_token_response(sim: SimServer) -> None:
    sim.control.script_fault("POST", "/oauth/token", "drop")
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        with pytest.raises(httpx.TransportError):
            await login(c)
        assert (await login(c)).status_code == 200
    assert sim.control.stats()["dropped"] == 1


async def test_after_fault_issues_the_token_but_loses_the_answer(sim: SimServer) -> None:
    sim.control.script_fault("POST", "/oauth/token", 504, when="after")
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await login(c)
        assert r.status_code == 504 and "access_token" not in r.json()
        assert sim.control.stats()["tokensIssued"] == 1
        assert (await login(c)).status_code == 200


async def test_wildcard_fault_covers_the_token_endpoint(sim: SimServer) -> None:
    sim.control.script_fault("*", "*", 502)
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        assert (await login(c)).status_code == 502
        assert (await login(c)).status_code == 200


async def test_other_methods_or_paths_do_not_fire_on_the_token_endpoint(sim: SimServer) -> None:
    sim.control.script_fault("GET", "/oauth/token", 503)
    sim.control.script_fault("POST", "/api/v2/*", 503)
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        assert (await login(c)).status_code == 200
    assert sim.control.stats()["scriptedFaultsPending"] == 2


async def test_random_fault_rate_never_hits_the_token_endpoint(sim: SimServer) -> None:
    sim.control.set_fault_rate(1.0)
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        for _ in range(5):
            r = await login(c)
            assert r.status_code == 200
        token = r.json()["access_token"]
        try:
            status: object = (
                await c.get("/api/v2/organizations/me", headers={"Authorization": f"Bearer {token}"})
            ).status_code
        except httpx.TransportError:
            status = "drop"
        assert status in {500, 502, 503, 504, "drop"}
