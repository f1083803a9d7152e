"""429 handling and pacing."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import respx

from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import RateLimitedError
from gctui.genesys.ratelimit import RateGovernor
from tests.genesys.conftest import API, error_body, make_options

ORG = f"{API}/api/v2/organizations/me"
LIMIT = {"key": "client.credentials.token.rate.per.minute", "namespace": "platform.api", "value": 300}


def too_many(retry_after: str | None) -> httpx.Response:
    body = error_body(
        429,
        "too.many.requests.retry.after",
        f"Rate limit exceeded the maximum. Retry the request in [{retry_after}] seconds",
        limit=LIMIT,
    )
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(429, json=body, headers=headers)


async def test_429_waits_the_full_retry_after_and_keeps_the_limit(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    mock.get(ORG).side_effect = [too_many("1"), httpx.Response(200, json={"id": "o", "name": "A"})]
    t0 = time.monotonic()
    await client.get_json("/api/v2/organizations/me")
    assert time.monotonic() - t0 >= 0.95
    status = client.governor.status()
    assert status.throttled == 1
    assert status.last_limit is not None and status.last_limit.key == LIMIT["key"]


async def test_a_429_holds_back_every_request_on_the_token(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    served: dict[str, float] = {}
    answers = iter([too_many("1"), httpx.Response(200, json={"id": "o", "name": "A"})])

    def org(request: httpx.Request) -> httpx.Response:
        served.setdefault("429", time.monotonic())
        return next(answers)

    def flows(request: httpx.Request) -> httpx.Response:
        served["flows"] = time.monotonic()
        return httpx.Response(200, json={"entities": []})

    mock.get(ORG).side_effect = org
    other = mock.get(f"{API}/api/v2/flows").mock(side_effect=flows)
    await client.ensure_limits()
    task = asyncio.create_task(client.get_json("/api/v2/organizations/me"))
    for _ in range(500):  # until the 429 has arrived and the hold is on, however slow the machine
        if client.governor.status().throttled:
            break
        await asyncio.sleep(0.01)
    assert client.governor.status().throttled == 1
    await client.get_json("/api/v2/flows")
    # The unrelated request was sent only once the 1 s hold had passed, measured from the 429.
    assert served["flows"] - served["429"] >= 0.95
    await task
    assert other.call_count == 1


async def test_retry_after_beyond_the_ceiling_gives_up_and_says_so(mock: respx.MockRouter) -> None:
    route = mock.get(ORG).mock(return_value=too_many("240"))
    client = GenesysClient(make_options(retry_after_ceiling=180))
    with pytest.raises(RateLimitedError) as info:
        await client.get_json("/api/v2/organizations/me")
    assert "240 s" in str(info.value) and "180 s ceiling" in str(info.value)
    assert info.value.limit is not None and info.value.limit.value == 300
    assert route.call_count == 1
    await client.aclose()


async def test_429_retries_are_bounded(mock: respx.MockRouter) -> None:
    route = mock.get(ORG).mock(return_value=too_many("0"))
    client = GenesysClient(make_options(max_retries=2))
    with pytest.raises(RateLimitedError):
        await client.get_json("/api/v2/organizations/me")
    assert route.call_count == 3
    await client.aclose()


async def test_429_without_retry_after_backs_off(mock: respx.MockRouter) -> None:
    mock.get(ORG).side_effect = [too_many(None), httpx.Response(200, json={"id": "o", "name": "A"})]
    client = GenesysClient(make_options())
    t0 = time.monotonic()
    await client.get_json("/api/v2/organizations/me")
    assert time.monotonic() - t0 >= 0.5  # exponential backoff with jitter: 0.5..1 s on the first
    await client.aclose()


async def test_governor_never_exceeds_the_window() -> None:
    gov = RateGovernor(limit=10, window=0.5)
    sent: list[float] = []

    async def one() -> None:
        slot = await gov.acquire()
        sent.append(time.monotonic())
        await asyncio.sleep(0.01)
        gov.complete(slot)

    t0 = time.monotonic()
    await asyncio.gather(*(one() for _ in range(30)))
    elapsed = time.monotonic() - t0
    # 30 requests at 10 per 0.5 s: two full windows of waiting, not more.
    assert 1.0 <= elapsed < 1.5
    for i, t in enumerate(sent):
        assert sum(1 for u in sent[i:] if u - t < 0.5) <= 10
    status = gov.status()
    assert status.requests_per_minute == 30 and status.in_flight == 0


async def test_bulk_work_leaves_room_for_interactive_requests() -> None:
    gov = RateGovernor(limit=20, window=5.0)
    for _ in range(19):  # bulk may use 19 of 20
        gov.complete(await gov.acquire(bulk=True))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(gov.acquire(bulk=True), 0.1)
    slot = await asyncio.wait_for(gov.acquire(), 0.1)  # an interactive request still goes
    gov.complete(slot)
    assert gov.status().state == "pacing" or gov.status().used == 20


async def test_a_lower_limit_named_in_a_429_becomes_the_pace(client: GenesysClient, mock: respx.MockRouter) -> None:
    hidden = {**LIMIT, "value": 60}
    body = error_body(429, "too.many.requests.retry.after", "Rate limit exceeded", limit=hidden)
    mock.get(ORG).side_effect = [
        httpx.Response(429, json=body, headers={"Retry-After": "0"}),
        httpx.Response(200, json={"id": "o", "name": "A"}),
    ]
    await client.get_json("/api/v2/organizations/me")
    status = client.governor.status()
    assert status.limit == 60 and status.source == "429 body"
