"""The async aggregate job protocol (analytics reference §2.1, §2.3) and the predictors listing,
at the HTTP level: submit, poll, cursor paging, FAILED, cancel (DELETE), and read-only mode."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from gctui.genesys.api import GenesysApi
from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import ReadOnlyError
from gctui.genesys.transport import is_read_only_allowed, is_read_request
from gctui.services.routing.intervals import parse_interval
from gctui.services.routing.query import JobFailedError, build_query, run_query
from tests.genesys.conftest import API, make_options

JOBS = f"{API}/api/v2/analytics/conversations/aggregates/jobs"


def _container(queue: str, offered: int) -> dict[str, Any]:
    return {
        "group": {"queueId": queue, "usedRouting": "Standard"},
        "data": [{"interval": "x/y", "metrics": [{"metric": "nOffered", "stats": {"count": offered}}]}],
    }


class Job:
    """A scripted job: states for successive polls, result pages by cursor, DELETEs seen."""

    def __init__(self, states: list[str], pages: int = 3, error: str | None = None) -> None:
        self.states = states
        self.pages = pages
        self.error = error
        self.polls = 0
        self.deleted = 0
        self.cursors: list[str | None] = []
        self.bodies: list[dict[str, Any]] = []

    def submit(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return httpx.Response(202, json={"jobId": "job-1"})

    def status(self, request: httpx.Request) -> httpx.Response:
        state = self.states[min(self.polls, len(self.states) - 1)]
        self.polls += 1
        body: dict[str, Any] = {"state": state, "submissionDate": "2024-05-01T00:00:00Z"}
        if state == "FAILED" and self.error:
            body["errorMessage"] = self.error
        return httpx.Response(200, json=body)

    def results(self, request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        self.cursors.append(cursor)
        n = 0 if cursor is None else int(cursor.removeprefix("c"))
        body: dict[str, Any] = {"results": [_container(f"q{n}", 10 + n)]}
        if n + 1 < self.pages:
            body["cursor"] = f"c{n + 1}"
        return httpx.Response(200, json=body)

    def delete(self, request: httpx.Request) -> httpx.Response:
        self.deleted += 1
        return httpx.Response(204)

    def mount(self, mock: respx.MockRouter) -> None:
        mock.post(JOBS).mock(side_effect=self.submit)
        mock.get(f"{JOBS}/job-1").mock(side_effect=self.status)
        mock.get(url__regex=rf"{JOBS}/job-1/results.*").mock(side_effect=self.results)
        mock.delete(f"{JOBS}/job-1").mock(side_effect=self.delete)


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def _body() -> dict[str, Any]:
    return build_query(parse_interval("2024-04-01T00:00:00Z/2024-05-01T00:00:00Z", time_zone="UTC"))


async def test_job_is_submitted_polled_and_paged_by_cursor_until_no_cursor(mock: respx.MockRouter) -> None:
    job = Job(["QUEUED", "PENDING", "FULFILLED"], pages=3)
    job.mount(mock)
    async with GenesysClient(make_options()) as client:
        results, job_id = await run_query(GenesysApi(client), _body(), use_job=True, sleep=_no_sleep)
    assert job_id == "job-1"
    assert job.polls == 3
    assert job.cursors == [None, "c1", "c2"]  # the last page had no cursor: paging stopped
    assert [r.group["queueId"] for r in results] == ["q0", "q1", "q2"]
    assert job.deleted == 0  # a fulfilled job is left to expire
    body = job.bodies[0]
    assert body["interval"] == "2024-04-01T00:00:00.000Z/2024-05-01T00:00:00.000Z"
    assert body["granularity"] == "P1D" and body["groupBy"] == ["queueId", "usedRouting"]


async def test_failed_job_raises_with_its_error_message_and_is_deleted(mock: respx.MockRouter) -> None:
    job = Job(["QUEUED", "FAILED"], error="too many groups")
    job.mount(mock)
    async with GenesysClient(make_options()) as client:
        with pytest.raises(JobFailedError, match="ended FAILED: too many groups") as err:
            await run_query(GenesysApi(client), _body(), use_job=True, sleep=_no_sleep)
    assert err.value.code == 1
    assert job.cursors == []  # no results asked for
    assert job.deleted == 1


async def test_cancelling_the_task_deletes_the_job(mock: respx.MockRouter) -> None:
    job = Job(["PENDING"])
    job.mount(mock)
    polled = asyncio.Event()

    async def sleep(_: float) -> None:
        polled.set()
        await asyncio.sleep(3600)

    async with GenesysClient(make_options()) as client:
        task = asyncio.create_task(run_query(GenesysApi(client), _body(), use_job=True, sleep=sleep))
        await polled.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert job.deleted == 1


async def test_job_still_running_after_the_limit_is_deleted(mock: respx.MockRouter) -> None:
    job = Job(["PENDING"])
    job.mount(mock)
    async with GenesysClient(make_options()) as client:
        with pytest.raises(JobFailedError, match="still PENDING"):
            await run_query(GenesysApi(client), _body(), use_job=True, sleep=_no_sleep, max_seconds=0)
    assert job.deleted == 1


async def test_predictors_are_listed(mock: respx.MockRouter) -> None:
    mock.get(f"{API}/api/v2/routing/predictors").mock(
        return_value=httpx.Response(
            200,
            json={"entities": [{"id": "p1", "state": "Active", "queues": [{"id": "q1"}, {"id": "q2"}]}]},
        )
    )
    async with GenesysClient(make_options()) as client:
        found = await GenesysApi(client).predictors()
    assert [(p.id, p.state, [q.id for q in p.queues]) for p in found] == [("p1", "Active", ["q1", "q2"])]


async def test_read_only_mode_allows_the_job_calls_and_nothing_else_new(mock: respx.MockRouter) -> None:
    job = Job(["FULFILLED"], pages=1)
    job.mount(mock)
    other = mock.post(f"{API}/api/v2/analytics/conversations/details/jobs").mock(
        return_value=httpx.Response(202, json={"jobId": "d"})
    )
    async with GenesysClient(make_options(read_only=True)) as client:
        api = GenesysApi(client)
        assert await api.submit_aggregate_job(_body()) == "job-1"
        assert (await api.aggregate_job_status("job-1")).state == "FULFILLED"
        await api.delete_aggregate_job("job-1")
        with pytest.raises(ReadOnlyError):
            await client.request("POST", "/api/v2/analytics/conversations/details/jobs", json={})
        with pytest.raises(ReadOnlyError):
            await client.request("DELETE", "/api/v2/routing/queues/q1")
    assert job.deleted == 1 and not other.called


def test_read_only_rule_is_exact() -> None:
    jobs = "/api/v2/analytics/conversations/aggregates/jobs"
    assert is_read_only_allowed("POST", jobs)
    assert is_read_only_allowed("DELETE", f"{jobs}/abc-123")
    assert not is_read_only_allowed("DELETE", jobs)
    assert not is_read_only_allowed("POST", f"{jobs}/abc-123")
    assert not is_read_only_allowed("PUT", f"{jobs}/abc-123")
    assert not is_read_only_allowed("DELETE", f"{jobs}/abc/results")
    assert not is_read_only_allowed("POST", "/api/v2/analytics/conversations/details/jobs")
    # a job POST is not idempotent: it is never retried as a read would be
    assert not is_read_request("POST", jobs)
