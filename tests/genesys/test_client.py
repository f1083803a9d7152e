"""Retries, error mapping, read-only mode: the HTTP edge cases a user runs into."""

from __future__ import annotations

import httpx
import pytest
import respx

from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import (
    BadRequestError,
    ConflictError,
    DecodeError,
    ForbiddenError,
    NotFoundError,
    ReadOnlyError,
    ServerError,
    TransportError,
)
from gctui.genesys.session import Session
from tests.genesys.conftest import API, LOGIN, TokenServer, error_body, make_options

ORG = f"{API}/api/v2/organizations/me"
ACTION = f"{API}/api/v2/integrations/actions/custom_-_1"


async def test_5xx_storm_on_a_get_is_retried_then_reported(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    route = mock.get(ORG).respond(503, json=error_body(503, "service.unavailable", "try later"))
    with pytest.raises(ServerError) as info:
        await client.get_json("/api/v2/organizations/me")
    assert route.call_count == client.options.max_retries + 1
    assert "503" in str(info.value) and "ctx-503" in str(info.value)


async def test_transient_5xx_then_success_is_invisible(client: GenesysClient, mock: respx.MockRouter) -> None:
    mock.get(ORG).side_effect = [
        httpx.Response(502),
        httpx.Response(504),
        httpx.Response(200, json={"id": "o", "name": "Acme"}),
    ]
    assert (await client.get_json("/api/v2/organizations/me"))["name"] == "Acme"


async def test_a_write_is_never_retried_blindly(client: GenesysClient, mock: respx.MockRouter) -> None:
    route = mock.patch(ACTION).respond(503, json=error_body(503, "service.unavailable", "later"))
    with pytest.raises(ServerError):
        await client.request("PATCH", "/api/v2/integrations/actions/custom_-_1", json={"version": 1})
    assert route.call_count == 1


async def test_connection_reset_get_retried_write_reported_as_maybe_applied(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    mock.get(ORG).side_effect = [httpx.ReadError("reset"), httpx.Response(200, json={"id": "o", "name": "A"})]
    assert (await client.get_json("/api/v2/organizations/me"))["id"] == "o"
    route = mock.patch(ACTION).mock(side_effect=httpx.RemoteProtocolError("dropped"))
    with pytest.raises(TransportError) as info:
        await client.request("PATCH", "/api/v2/integrations/actions/custom_-_1", json={"version": 1})
    assert info.value.maybe_applied and "may or may not have been applied" in str(info.value)
    assert route.call_count == 1


async def test_connect_failure_on_a_write_is_safe_to_resend(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    route = mock.patch(ACTION)
    route.side_effect = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"id": "a", "name": "n", "version": 2}),
    ]
    resp = await client.request("PATCH", "/api/v2/integrations/actions/custom_-_1", json={"version": 1})
    assert resp.json()["version"] == 2 and route.call_count == 2


async def test_malformed_json_is_a_clear_error(client: GenesysClient, mock: respx.MockRouter) -> None:
    mock.get(ORG).respond(200, content=b"<html>proxy error</html>", headers={"ININ-Correlation-Id": "corr-9"})
    with pytest.raises(DecodeError) as info:
        await client.get_json("/api/v2/organizations/me")
    assert "not JSON" in str(info.value) and "corr-9" in str(info.value)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "bad.request", BadRequestError),
        (403, "missing.any.permissions", ForbiddenError),
        (404, "not.found", NotFoundError),
        (409, "general.conflict", ConflictError),
    ],
)
async def test_error_body_fields_reach_the_exception(
    client: GenesysClient, mock: respx.MockRouter, status: int, code: str, cls: type
) -> None:
    mock.get(ORG).respond(status, json=error_body(status, code, "human text"))
    with pytest.raises(cls) as info:
        await client.get_json("/api/v2/organizations/me")
    err = info.value
    assert (err.status, err.code, err.context_id, err.message) == (
        status,
        code,
        f"ctx-{status}",
        "human text",
    )


async def test_version_mismatch_400_is_a_conflict(client: GenesysClient, mock: respx.MockRouter) -> None:
    mock.patch(ACTION).respond(
        400, json=error_body(400, "bad.request", "Version 3 does not match the current version 4")
    )
    with pytest.raises(ConflictError):
        await client.request("PATCH", "/api/v2/integrations/actions/custom_-_1", json={"version": 3})


async def test_read_only_refuses_writes_before_they_leave(
    mock: respx.MockRouter, tokens: TokenServer
) -> None:
    route = mock.patch(ACTION).respond(200, json={})
    client = GenesysClient(make_options(read_only=True))
    with pytest.raises(ReadOnlyError):
        await client.request("PATCH", "/api/v2/integrations/actions/custom_-_1", json={"version": 1})
    # Even code that goes around request() and uses the raw httpx client is stopped.
    with pytest.raises(ReadOnlyError):
        await client.http.patch("/api/v2/integrations/actions/custom_-_1", json={})
    with pytest.raises(ReadOnlyError):
        await client.http.post("/api/v2/integrations/actions/custom_-_1/test", json={})
    assert route.call_count == 0
    # Reads, the token request and analytics queries still work.
    mock.get(ORG).respond(200, json={"id": "o", "name": "A"})
    mock.post(f"{API}/api/v2/analytics/queues/observations/query").respond(200, json={"results": []})
    await client.get_json("/api/v2/organizations/me")
    await client.post_json("/api/v2/analytics/queues/observations/query", {"filter": {}})
    assert tokens.issued == 1
    await client.aclose()


async def test_limits_api_sets_the_budget_and_fallback_is_labelled(mock: respx.MockRouter) -> None:
    mock.get(ORG).respond(200, json={"id": "o", "name": "A"})
    client = GenesysClient(make_options())
    await client.get_json("/api/v2/organizations/me")
    status = client.governor.status()
    assert (status.limit, status.source) == (300, "limits API")
    await client.aclose()
    mock.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").respond(
        403, json=error_body(403, "missing.any.permissions", "no")
    )
    client = GenesysClient(make_options(rate_limit_fallback=120))
    await client.get_json("/api/v2/organizations/me")
    status = client.governor.status()
    assert status.limit == 120 and "fallback" in status.source and "missing.any.permissions" in status.source
    await client.aclose()


async def test_session_shares_one_client_and_pool(mock: respx.MockRouter) -> None:
    mock.get(ORG).respond(200, json={"id": "o", "name": "Acme", "state": "active", "unknownField": 1})
    async with Session.create(make_options()) as session:
        org = await session.pool.run("org", lambda job: session.api.organization())
        assert org.name == "Acme"
        assert session.api.client is session.client


def test_login_url_comes_from_the_region() -> None:
    assert GenesysClient(make_options()).tokens.token_url == f"{LOGIN}/oauth/token"
