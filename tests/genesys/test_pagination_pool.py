"""Concurrent pagination in order, and the shared worker pool."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from gctui.genesys.client import GenesysClient
from gctui.genesys.models import Action
from gctui.genesys.pool import JobState, WorkerPool
from tests.genesys.conftest import API

TOTAL = 1050


def listing(request: httpx.Request) -> httpx.Response:
    size = int(request.url.params.get("pageSize", 25))
    number = int(request.url.params.get("pageNumber", 1))
    count = -(-TOTAL // size)
    start = (number - 1) * size
    ents = [
        {"id": f"a{i}", "name": f"Action {i}", "version": 1} for i in range(start, min(TOTAL, start + size))
    ]
    return httpx.Response(
        200,
        json={"entities": ents, "pageSize": size, "pageNumber": number, "total": TOTAL, "pageCount": count},
    )


async def test_all_pages_arrive_in_order_with_concurrency(
    client: GenesysClient, mock: respx.MockRouter
) -> None:
    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return listing(request)

    route = mock.get(f"{API}/api/v2/integrations/actions").mock(side_effect=slow)
    got = [a.id async for a in client.paginate("/api/v2/integrations/actions", Action, page_size=100)]
    assert got == [f"a{i}" for i in range(TOTAL)]
    assert route.call_count == 11
    assert peak > 1  # later pages really were fetched concurrently
    assert peak <= client.options.page_concurrency


async def test_stopping_early_cancels_the_rest(client: GenesysClient, mock: respx.MockRouter) -> None:
    mock.get(f"{API}/api/v2/integrations/actions").mock(side_effect=listing)
    got = []
    async for a in client.paginate("/api/v2/integrations/actions", Action, page_size=100, concurrency=2):
        got.append(a)
        if len(got) == 150:
            break
    assert len(got) == 150


async def test_pool_bounds_concurrency_and_captures_errors() -> None:
    pool = WorkerPool(concurrency=3)
    running = 0
    peak = 0

    async def work(job: object) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return 1

    async def boom(job: object) -> int:
        raise ValueError("backend said no")

    jobs = [pool.submit(f"w{i}", work) for i in range(10)]
    bad = pool.submit("bad", boom, group="g")
    await asyncio.gather(*(j.wait() for j in jobs))
    with pytest.raises(ValueError):
        await bad.wait()
    assert peak == 3
    assert bad.state is JobState.FAILED and "backend said no" in str(bad.error)
    assert all(j.state is JobState.DONE for j in jobs)
    await pool.close()


async def test_pool_progress_and_cancellation() -> None:
    pool = WorkerPool(concurrency=2)
    seen: list[tuple[int, int | None]] = []

    async def long(job) -> None:  # type: ignore[no-untyped-def]
        for i in range(100):
            job.report(i, 100, "working")
            await asyncio.sleep(0.01)

    job = pool.submit(
        "long", long, group="flows", on_update=lambda j: seen.append((j.progress.done, j.progress.total))
    )
    await asyncio.sleep(0.05)
    assert pool.cancel_group("flows") == 1
    with pytest.raises(asyncio.CancelledError):
        await job.wait()
    assert job.state is JobState.CANCELLED
    assert seen and seen[-1][1] == 100
    await pool.close()


async def test_a_job_cancelled_before_it_starts_is_cancelled_not_pending() -> None:
    """Cancelled in the same step it was submitted (a tab closing, a crawl re-prioritised): the
    task never runs, and the header must not count the job as spending the budget for good."""
    pool = WorkerPool(concurrency=1)
    ran: list[str] = []
    states: list[JobState] = []

    async def work(job) -> None:  # type: ignore[no-untyped-def]
        ran.append(job.name)

    job = pool.submit("early", work, group="flows", on_update=lambda j: states.append(j.state))
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job.wait()
    await asyncio.sleep(0)  # the task's done callbacks run
    assert ran == [] and job.state is JobState.CANCELLED and job.finished
    assert pool.active() == [] and states == [JobState.CANCELLED]
    await pool.close()
