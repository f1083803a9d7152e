"""Token manager behaviour a user notices: one login, silent refresh, clear failures."""

from __future__ import annotations

import asyncio
import base64
import traceback

import httpx
import pytest
import respx

from gctui.genesys.auth import BreakerState
from gctui.genesys.client import AUTH_RETRIES, GenesysClient
from gctui.genesys.errors import AuthError, CircuitOpenError, WithdrawnError
from tests.genesys.conftest import API, CLIENT_ID, CLIENT_SECRET, LOGIN, TokenServer, error_body, make_options


async def test_token_request_is_exactly_what_the_sdk_sends(
    client: GenesysClient, mock: respx.MockRouter, tokens: TokenServer
) -> None:
    mock.get(f"{API}/api/v2/organizations/me").respond(200, json={"id": "o1", "name": "Acme"})
    org = await client.get_json("/api/v2/organizations/me")
    assert org["name"] == "Acme"
    req = tokens.requests[0]
    assert req.url == f"{LOGIN}/oauth/token"
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert req.headers["Authorization"] == f"Basic {expected}"
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert req.content == b"grant_type=client_credentials"
    api_call = mock.calls[-1].request
    assert api_call.headers["Authorization"] == "Bearer tok-1-SECRETBEARER"


async def test_401_refreshes_once_and_retries_the_request(
    client: GenesysClient, mock: respx.MockRouter, tokens: TokenServer
) -> None:
    route = mock.get(f"{API}/api/v2/organizations/me")
    route.side_effect = [
        httpx.Response(401, json=error_body(401, "bad.credentials", "Invalid login credentials.")),
        httpx.Response(200, json={"id": "o1", "name": "Acme"}),
    ]
    assert (await client.get_json("/api/v2/organizations/me"))["id"] == "o1"
    assert tokens.issued == 2
    assert route.call_count == 2
    assert route.calls[-1].request.headers["Authorization"] == "Bearer tok-2-SECRETBEARER"


async def test_persistent_401_fails_after_the_fresh_token_retries(
    client: GenesysClient, mock: respx.MockRouter, tokens: TokenServer
) -> None:
    route = mock.get(f"{API}/api/v2/organizations/me").respond(
        401, json=error_body(401, "bad.credentials", "Invalid login credentials.")
    )
    with pytest.raises(Exception) as info:
        await client.get_json("/api/v2/organizations/me")
    assert "401" in str(info.value) and "bad.credentials" in str(info.value)
    # each resend went out with a token of its own, and then it stopped
    assert route.call_count == AUTH_RETRIES + 1 and tokens.issued == AUTH_RETRIES + 1
    bearers = [c.request.headers["Authorization"] for c in route.calls]
    assert len(set(bearers)) == len(bearers)


async def test_a_write_refused_as_expired_is_resent_with_a_token_that_has_life_left(
    mock: respx.MockRouter, tokens: TokenServer
) -> None:
    """A 401 on a PATCH means nothing was applied: it is resent. While it was on its way,
    another request renewed the token; that one is past half its life, and the resend must not
    go out with a token that could expire on its way as the refused one did: it logs in."""
    now = [0.0]
    tokens.expires_in = 100
    mock.get(f"{API}/api/v2/tokens/me").respond(200, json={})
    expired = error_body(401, "credentials.expired", "The access token has expired.")
    sent: list[str] = []
    client = GenesysClient(make_options(), clock=lambda: now[0])

    async def patch(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Authorization"])
        if len(sent) == 1:
            now[0] = 95.0  # tok-1 is inside its renewal margin
            await client.get_json("/api/v2/tokens/me")  # another request renews it: tok-2
            now[0] = 95.0 + 60.0  # tok-2 is 60 % through its life when the 401 comes back
            return httpx.Response(401, json=expired)
        return httpx.Response(200, json={"id": "a1"})

    mock.patch(f"{API}/api/v2/integrations/actions/a1").mock(side_effect=patch)
    try:
        await client.get_json("/api/v2/tokens/me")  # tok-1, at 0 s
        await client.request("PATCH", "/api/v2/integrations/actions/a1", json={"version": 1})
        assert sent == ["Bearer tok-1-SECRETBEARER", "Bearer tok-3-SECRETBEARER"]
        assert tokens.issued == 3
        await client.get_json("/api/v2/tokens/me")  # and everyone else now uses tok-3
        assert mock.calls[-1].request.headers["Authorization"] == "Bearer tok-3-SECRETBEARER"
    finally:
        await client.aclose()


async def test_a_token_is_taken_when_the_request_leaves_not_before_its_wait(
    mock: respx.MockRouter, tokens: TokenServer
) -> None:
    """A request that waited for the rate budget while its token reached the end of its life
    goes out with a renewed token, not the one that was current when it started waiting."""
    now = [0.0]
    tokens.expires_in = 100
    mock.get(f"{API}/api/v2/tokens/me").respond(200, json={})
    client = GenesysClient(make_options(), clock=lambda: now[0])
    try:
        await client.get_json("/api/v2/tokens/me")  # tok-1
        gate = asyncio.Event()
        real_acquire = client.governor.acquire

        async def slow_acquire(*, bulk: bool = False) -> object:
            await gate.wait()  # the budget is spent: the request queues
            return await real_acquire(bulk=bulk)

        client.governor.acquire = slow_acquire  # type: ignore[method-assign]
        queued = asyncio.create_task(client.get_json("/api/v2/tokens/me"))
        await asyncio.sleep(0.01)
        now[0] = 95.0  # the token is within its renewal margin by the time the slot frees
        gate.set()
        await queued
        last = mock.calls[-1].request
        assert last.headers["Authorization"] == "Bearer tok-2-SECRETBEARER"
    finally:
        await client.aclose()


@pytest.mark.parametrize("n", [50, 200])
async def test_expiry_during_a_burst_causes_one_token_request(mock: respx.MockRouter, n: int) -> None:
    now = [0.0]
    server = TokenServer(expires_in=600)
    mock.post(f"{LOGIN}/oauth/token").mock(side_effect=server)

    async def slow_token(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)  # the token request is in flight while the burst arrives
        return server(request)

    mock.post(f"{LOGIN}/oauth/token").mock(side_effect=slow_token)
    mock.get(f"{API}/api/v2/tokens/me").respond(200, json={"organization": {"id": "o"}})
    client = GenesysClient(make_options(), clock=lambda: now[0])
    try:
        await client.get_json("/api/v2/tokens/me")
        assert server.issued == 1
        now[0] += 10_000  # the token has expired
        await asyncio.gather(*(client.get_json("/api/v2/tokens/me") for _ in range(n)))
        assert server.issued == 2
    finally:
        await client.aclose()


async def test_refresh_happens_before_expiry_with_a_margin(
    mock: respx.MockRouter, tokens: TokenServer
) -> None:
    now = [0.0]
    tokens.expires_in = 3600
    mock.get(f"{API}/api/v2/tokens/me").respond(200, json={})
    client = GenesysClient(make_options(), clock=lambda: now[0])
    await client.get_json("/api/v2/tokens/me")
    now[0] = 3600 - 61  # outside the 60 s margin: same token
    await client.get_json("/api/v2/tokens/me")
    assert tokens.issued == 1
    now[0] = 3600 - 59  # inside the margin: refreshed before it can fail
    await client.get_json("/api/v2/tokens/me")
    assert tokens.issued == 2
    assert client.tokens.status().expires_in == pytest.approx(3600)
    await client.aclose()


async def test_bad_credentials_open_the_breaker_after_three_failures(mock: respx.MockRouter) -> None:
    login = mock.post(f"{LOGIN}/oauth/token").respond(
        401,
        json={
            "error": "invalid_client",
            "description": "authentication failed",
            "error_description": "authentication failed",
        },
    )
    client = GenesysClient(make_options(breaker_cooldown=0.3))
    for _ in range(3):
        with pytest.raises(AuthError) as info:
            await client.get_json("/api/v2/organizations/me")
        assert "invalid_client" in str(info.value)
    assert client.tokens.status().breaker is BreakerState.OPEN
    with pytest.raises(CircuitOpenError) as info:
        await client.get_json("/api/v2/organizations/me")
    assert "3 times in a row" in str(info.value) and "client id and secret" in str(info.value)
    assert login.call_count == 3  # failing fast: no fourth login attempt
    await asyncio.sleep(0.35)
    assert client.tokens.status().breaker is BreakerState.HALF_OPEN
    login.respond(200, json={"access_token": "fresh", "expires_in": 3600})
    mock.get(f"{API}/api/v2/organizations/me").respond(200, json={"id": "o", "name": "n"})
    await client.get_json("/api/v2/organizations/me")
    assert client.tokens.status().breaker is BreakerState.CLOSED
    await client.aclose()


async def test_a_failed_refresh_is_shared_by_all_waiters(mock: respx.MockRouter) -> None:
    login = mock.post(f"{LOGIN}/oauth/token").respond(503)
    client = GenesysClient(make_options())
    results = await asyncio.gather(
        *(client.get_json("/api/v2/organizations/me") for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, AuthError) for r in results)
    assert login.call_count == 1
    await client.aclose()


async def test_secrets_never_reach_messages_reprs_or_tracebacks(mock: respx.MockRouter) -> None:
    mock.post(f"{LOGIN}/oauth/token").respond(401, json={"error": "invalid_client"})
    client = GenesysClient(make_options())
    with pytest.raises(AuthError) as info:
        await client.get_json("/api/v2/organizations/me")
    text = (
        "".join(traceback.format_exception(info.value)) + repr(client.options) + str(client.tokens.status())
    )
    assert CLIENT_SECRET not in text
    assert base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode() not in text
    await client.aclose()


async def test_bearer_token_not_in_status_or_errors(client: GenesysClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/api/v2/flows").respond(500, json=error_body(500, "internal.server.error", "boom"))
    with pytest.raises(Exception) as info:
        await client.get_json("/api/v2/flows")
    text = "".join(traceback.format_exception(info.value)) + str(client.tokens.status())
    assert "SECRETBEARER" not in text


async def test_a_failed_login_spends_no_request_of_the_budget(mock: respx.MockRouter) -> None:
    """The token is taken after the request's slot: a login that fails frees the slot
    uncounted, so an outage of the login host does not show as API requests in the header."""
    mock.post(f"{LOGIN}/oauth/token").respond(503, text="down")
    client = GenesysClient(make_options(max_retries=0))
    try:
        for _ in range(3):
            with pytest.raises(AuthError):
                await client.get_json("/api/v2/tokens/me")
        budget = client.governor.status()
        assert budget.used == 0 and budget.in_flight == 0 and client.requests_sent == 0
    finally:
        await client.aclose()


async def test_a_withdrawn_request_spends_no_request_of_the_budget(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    """A request withdrawn after its wait (a cancelled batch) was never sent: not counted."""
    route = mock.patch(f"{API}/api/v2/integrations/actions/a1").respond(200, json={})
    await client.ensure_limits()
    before = client.governor.status().used
    with pytest.raises(WithdrawnError):
        await client.request("PATCH", "/api/v2/integrations/actions/a1", json={}, should_send=lambda: False)
    budget = client.governor.status()
    assert route.call_count == 0 and budget.used == before and budget.in_flight == 0
