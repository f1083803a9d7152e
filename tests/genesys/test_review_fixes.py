"""Edge cases found in review: 429 holds, breaker on refused tokens, outages, read-only, pool."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from gctui.genesys.auth import BreakerState
from gctui.genesys.client import AUTH_RETRIES, GenesysClient
from gctui.genesys.errors import AuthError, CircuitOpenError, RateLimitedError, ReadOnlyError
from gctui.genesys.pool import JobState, WorkerPool
from tests.genesys.conftest import API, LOGIN, error_body, make_options

ORG = f"{API}/api/v2/organizations/me"
LIMIT = {"key": "client.credentials.token.rate.per.minute", "namespace": "platform.api", "value": 300}


def too_many(seconds: str) -> httpx.Response:
    body = error_body(429, "too.many.requests.retry.after", "Rate limit exceeded", limit=LIMIT)
    return httpx.Response(429, json=body, headers={"Retry-After": seconds})


async def test_a_probe_429_without_retries_still_holds_the_token(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    mock.get(ORG).mock(return_value=too_many("30"))
    with pytest.raises(RateLimitedError):
        await client.request("GET", "/api/v2/organizations/me", retry=False)
    assert client.governor.held_for() > 29 and client.governor.status().throttled == 1


async def test_retry_after_beyond_the_ceiling_holds_and_fails_fast(mock: respx.MockRouter) -> None:
    route = mock.get(ORG).mock(return_value=too_many("600"))
    client = GenesysClient(make_options(retry_after_ceiling=180))
    with pytest.raises(RateLimitedError):
        await client.get_json("/api/v2/organizations/me")
    assert client.governor.held_for() > 590
    with pytest.raises(RateLimitedError) as info:
        await asyncio.wait_for(client.get_json("/api/v2/organizations/me"), 1.0)
    assert "remain" in str(info.value)
    assert route.call_count == 1  # the second call was never sent
    await client.aclose()


async def test_an_api_that_refuses_every_token_opens_the_breaker(mock: respx.MockRouter) -> None:
    login = mock.post(f"{LOGIN}/oauth/token").mock(
        side_effect=lambda r: httpx.Response(
            200, json={"access_token": f"t{len(login.calls)}", "expires_in": 3600}
        )
    )
    mock.get(ORG).respond(401, json=error_body(401, "bad.credentials", "Invalid login credentials."))
    client = GenesysClient(make_options())
    for _ in range(3):
        with pytest.raises(Exception, match="401"):
            await client.get_json("/api/v2/organizations/me")
    assert client.tokens.status().breaker is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        await client.get_json("/api/v2/organizations/me")
    assert login.call_count == 3 * (AUTH_RETRIES + 1)  # a token per send, none once the breaker is open
    await client.aclose()


async def test_an_unreachable_login_host_is_an_outage_not_bad_credentials(mock: respx.MockRouter) -> None:
    mock.post(f"{LOGIN}/oauth/token").mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    client = GenesysClient(make_options())
    for _ in range(5):
        with pytest.raises(AuthError) as info:
            await client.get_json("/api/v2/organizations/me")
        assert info.value.unreachable and "connection refused" in str(info.value)
    assert client.tokens.status().breaker is BreakerState.CLOSED
    assert client.link_error is not None and "connection refused" in client.link_error
    await client.aclose()


async def test_read_only_allows_only_the_real_token_url(mock: respx.MockRouter) -> None:
    sneaky = mock.post(url__startswith=f"{API}/api/v2/integrations/actions/").respond(200, json={})
    client = GenesysClient(make_options(read_only=True))
    with pytest.raises(ReadOnlyError):
        await client.http.post("/api/v2/integrations/actions/a/execute%2Foauth%2Ftoken", json={})
    with pytest.raises(ReadOnlyError):
        await client.http.post(f"{API}/oauth/token", data={"grant_type": "client_credentials"})
    assert sneaky.call_count == 0
    mock.get(ORG).respond(200, json={"id": "o", "name": "n"})
    await client.get_json("/api/v2/organizations/me")  # the login itself still works
    await client.aclose()


async def test_analytics_queries_are_retried_like_reads(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    route = mock.post(f"{API}/api/v2/analytics/queues/observations/query")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json={"results": []})]
    assert await client.post_json("/api/v2/analytics/queues/observations/query", {"filter": {}}) == {
        "results": []
    }
    assert route.call_count == 2


async def test_cancelling_pool_run_cancels_the_job() -> None:
    pool = WorkerPool(2)
    started = asyncio.Event()

    async def forever(job: object) -> None:
        started.set()
        await asyncio.sleep(3600)

    caller = asyncio.create_task(pool.run("forever", forever))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await asyncio.sleep(0)
    (job,) = pool.jobs()
    assert job.state is JobState.CANCELLED
    await pool.close()
