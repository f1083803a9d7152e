"""Per-token sliding-window budget, 429 body and Retry-After, limits API."""

from __future__ import annotations

import asyncio

import httpx

from gctui.sim import SimConfig
from gctui.sim.ratelimit import SlidingWindow
from gctui.sim.server import SimServer
from tests.sim.conftest import async_token


def test_sliding_window_unit() -> None:
    w = SlidingWindow(2, 10.0)
    assert w.admit("t", 0.0) == 0 and w.admit("t", 1.0) == 0
    assert w.admit("t", 2.0) == 8
    assert w.admit("t", 9.5) == 1  # rounds up, never 0
    assert w.admit("t", 10.0) == 0
    assert w.admit("other", 10.0) == 0


async def test_429_shape_and_recovery() -> None:
    async with (
        SimServer(SimConfig(rate_limit=5, rate_window=0.6)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        token = await async_token(c)
        h = {"Authorization": f"Bearer {token}"}
        for _ in range(5):
            r = await c.get("/api/v2/organizations/me", headers=h)
            assert r.status_code == 200
            assert not [k for k in r.headers if "ratelimit" in k.lower() or "rate-limit" in k.lower()]
        r = await c.get("/api/v2/organizations/me", headers=h)
        body = r.json()
        assert r.status_code == 429
        assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) >= 1
        assert body["code"] == "too.many.requests.retry.after"
        assert body["message"].startswith("Rate limit exceeded the maximum. Retry the request in [")
        assert body["limit"] == {
            "key": "client.credentials.token.rate.per.minute",
            "namespace": "platform.api",
            "value": 5,
        }
        assert body["contextId"] == r.headers["ININ-Correlation-Id"]
        # another token has its own budget
        other = await async_token(c)
        assert (
            await c.get("/api/v2/organizations/me", headers={"Authorization": f"Bearer {other}"})
        ).status_code == 200
        await asyncio.sleep(0.65)
        assert (await c.get("/api/v2/organizations/me", headers=h)).status_code == 200
        assert sim.control.stats()["rateLimited"] == 1


async def test_limits_api_reports_enforced_values() -> None:
    async with (
        SimServer(SimConfig(rate_limit=123, token_rate_limit=9)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        h = {"Authorization": f"Bearer {await async_token(c)}"}
        r = await c.get("/api/v2/organizations/limits/namespaces/platform.api", headers=h)
        assert r.json()["entities"] == [
            {"key": "client.credentials.token.rate.per.minute", "namespace": "platform.api", "value": 123}
        ]
        r = await c.get("/api/v2/organizations/limits/namespaces/auth.api", headers=h)
        assert r.json()["entities"][0]["value"] == 9
        r = await c.get("/api/v2/organizations/limits/namespaces/platform.api/defaults", headers=h)
        assert r.json()["entities"][0]["value"] == 300
        r = await c.get("/api/v2/organizations/limits/namespaces", headers=h)
        assert {e["name"] for e in r.json()["entities"]} >= {"platform.api", "auth.api"}
