"""OAuth token endpoint, bearer checks, token expiry, restricted client."""

from __future__ import annotations

import asyncio

import httpx

from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.sim.conftest import RESTRICTED, async_token

GRANT = {"grant_type": "client_credentials"}


async def test_token_issued(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/oauth/token", data=GRANT, auth=("gctui-demo", "gctui-demo-secret"))
        body = r.json()
        assert r.status_code == 200
        assert body["token_type"] == "bearer" and body["expires_in"] == 86400 and body["access_token"]


async def test_bad_credentials_oauth_shape(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/oauth/token", data=GRANT, auth=("gctui-demo", "wrong"))
        assert r.status_code == 401
        assert r.json() == {
            "error": "invalid_client",
            "description": "authentication failed",
            "error_description": "authentication failed",
        }
        r = await c.post("/oauth/token", data=GRANT)
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
        r = await c.post("/oauth/token", data=GRANT, headers={"Authorization": "Basic !!!garbage"})
        assert r.status_code == 400
        r = await c.post(
            "/oauth/token", data={"grant_type": "password"}, auth=("gctui-demo", "gctui-demo-secret")
        )
        assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


async def test_api_auth_errors(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.get("/api/v2/organizations/me")
        body = r.json()
        assert r.status_code == 401 and body["code"] == "authentication.required"
        assert r.headers["ININ-Correlation-Id"] == body["contextId"]
        assert set(body) >= {"message", "code", "status", "contextId", "details", "errors"}
        r = await c.get("/api/v2/organizations/me", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.json()["code"] == "bad.credentials"
        token = await async_token(c)
        h = {"Authorization": f"Bearer {token}"}
        assert (await c.get("/api/v2/organizations/me", headers=h)).status_code == 200
        assert (await c.head("/api/v2/tokens/me", headers=h)).status_code == 200
        assert sim.control.expire_tokens() == 1
        r = await c.get("/api/v2/organizations/me", headers=h)
        assert r.status_code == 401 and r.json()["code"] == "credentials.expired"


async def test_token_ttl_expires() -> None:
    async with SimServer(SimConfig(token_ttl=1)) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        token = await async_token(c)
        h = {"Authorization": f"Bearer {token}"}
        assert (await c.get("/api/v2/tokens/me", headers=h)).status_code == 200
        await asyncio.sleep(1.05)
        assert (await c.get("/api/v2/tokens/me", headers=h)).status_code == 401


async def test_token_endpoint_rate_limit() -> None:
    async with SimServer(SimConfig(token_rate_limit=3)) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        for _ in range(3):
            await async_token(c)
        r = await c.post("/oauth/token", data=GRANT, auth=("gctui-demo", "gctui-demo-secret"))
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.json()["code"] == "too.many.requests.retry.after"
        assert sim.control.stats()["tokenRateLimited"] == 1


async def test_restricted_client_gets_403(sim: SimServer, client: httpx.AsyncClient) -> None:
    token = await async_token(client, RESTRICTED)
    h = {"Authorization": f"Bearer {token}"}
    action = sim.runtime.org.actions[0]
    r = await client.get(f"/api/v2/integrations/actions/{action['id']}", headers=h)
    assert r.status_code == 200
    r = await client.patch(
        f"/api/v2/integrations/actions/{action['id']}",
        headers=h,
        json={"version": action["version"], "config": {"timeoutSeconds": 30}},
    )
    body = r.json()
    assert r.status_code == 403 and body["code"] == "missing.any.permissions"
    assert "integrations:action:edit" in body["message"]
    me = (await client.get("/api/v2/tokens/me", headers=h)).json()
    assert me["OAuthClient"]["id"] == "gctui-restricted"
