"""Every way a token request can be malformed gets a 400/401 OAuth error body, never a 500."""

from __future__ import annotations

import base64

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim.server import SimServer

GRANT = {"grant_type": "client_credentials"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
BAD_CLIENT = {
    "error": "invalid_client",
    "description": "authentication failed",
    "error_description": "authentication failed",
}


def basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def assert_oauth_error(r: httpx.Response, status: int, error: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error and body["error_description"] and body["description"]


@pytest.mark.parametrize(
    "headers",
    [
        basic("gctui-demo:sécret".encode()),  # UTF-8 secret (httpx, curl)
        basic("clïent:gctui-demo-secret".encode()),  # UTF-8 client id
        basic("gctui-demo:sécret".encode("latin-1")),  # latin-1 (requests): not UTF-8
        basic(b"gctui-demo:\xff\xfe\x00"),  # arbitrary bytes
        basic("gctui-dé:".encode()),  # empty secret
        basic(b":gctui-demo-secret"),  # empty client id
    ],
    ids=["utf8-secret", "utf8-id", "latin1", "binary", "empty-secret", "empty-id"],
)
async def test_non_ascii_or_wrong_credentials_are_401(sim: SimServer, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/oauth/token", data=GRANT, headers=headers)
    assert r.status_code == 401 and r.json() == BAD_CLIENT


@pytest.mark.parametrize(
    "authorization",
    [
        b"Basic \xe9t\xe9",  # non-ASCII header bytes
        "Basic " + base64.b64encode("é".encode()).decode() + "é",  # base64 then junk
        "Basic !!!garbage",
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        "Basic =",
        "Bearer abc",
    ],
    ids=["latin1-header", "trailing-junk", "not-base64", "no-colon", "empty", "not-basic"],
)
async def test_malformed_basic_header_is_400(sim: SimServer, authorization: str | bytes) -> None:
    raw = authorization if isinstance(authorization, bytes) else authorization.encode("latin-1")
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/oauth/token", data=GRANT, headers={"Authorization": raw})
    assert_oauth_error(r, 400, "invalid_request")


@pytest.mark.parametrize(
    "body",
    [b"grant_type=client_\xff\xfecredentials", b"grant_type=%ff%fe", b"\xff\xfe\xfd", b"{}", b""],
    ids=["raw-bytes", "bad-percent-utf8", "binary", "json", "empty"],
)
async def test_bad_form_body_is_400(sim: SimServer, body: bytes) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/oauth/token", content=body, headers=FORM, auth=("gctui-demo", "gctui-demo-secret"))
    assert_oauth_error(r, 400, "unsupported_grant_type")


async def test_stray_non_utf8_form_field_does_not_spoil_a_good_request(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post(
            "/oauth/token",
            content=b"grant_type=client_credentials&scope=\xe9\xff",
            headers=FORM,
            auth=("gctui-demo", "gctui-demo-secret"),
        )
    assert r.status_code == 200 and r.json()["access_token"]
    assert sim.control.stats()["byStatus"].get("500") is None


async def test_non_ascii_configured_secret_logs_in_with_utf8_basic() -> None:
    cfg = SimConfig(client_id="équipe", client_secret="sécret-ü")
    async with SimServer(cfg) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        ok = await c.post("/oauth/token", data=GRANT, headers=basic("équipe:sécret-ü".encode()))
        assert ok.status_code == 200 and ok.json()["access_token"]
        wrong = await c.post("/oauth/token", data=GRANT, headers=basic("équipe:sécret-u".encode()))
        assert wrong.status_code == 401 and wrong.json() == BAD_CLIENT
