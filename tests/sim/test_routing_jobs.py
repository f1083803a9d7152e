"""Async conversation aggregate jobs: states on the jobs' clock, cursor paging, cancel, failure, expiry.

The jobs' clock is moved on with ``POST /sim/control/analytics/jobs/advance``: no test sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim.analytics_jobs import jobs_of
from gctui.sim.server import SimThread
from tests.sim.conftest import RESTRICTED, get_token

J = "/api/v2/analytics/conversations/aggregates/jobs"
Q = "/api/v2/analytics/conversations/aggregates/query"
C = "/sim/control/analytics/jobs"
DAY = "2024-05-06T00:00:00Z/2024-05-07T00:00:00Z"
MONTH = "2024-05-01T00:00:00Z/2024-05-31T00:00:00Z"
METRICS = ["nOffered", "tAnswered", "tAbandon", "tHandle", "oServiceLevel", "nTransferred"]
DEFAULTS = {
    "jobSeconds": 30.0,
    "pageSize": 100,
    "failureRate": 0.0,
    "failNext": 0,
    "errorMessage": "The analytics query failed to complete; submit it again",
    "expirationSeconds": 3600.0,
    "notReadyStatus": 400,
    "cancelForgets": False,
}


@pytest.fixture(scope="module")
def jsim() -> Iterator[SimThread]:
    cfg = SimConfig(rate_limit=1_000_000, analytics_job_seconds=30.0, analytics_job_expiration_seconds=3600.0)
    with SimThread(cfg) as sim:
        yield sim


@pytest.fixture
def japi(jsim: SimThread) -> Iterator[httpx.Client]:
    token = get_token(jsim.base_url)
    with httpx.Client(base_url=jsim.base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c
    # every test starts from the module's knobs
    assert httpx.put(f"{jsim.base_url}{C}/settings", json=DEFAULTS).status_code == 200


def advance(api: httpx.Client, seconds: float) -> None:
    r = api.post(f"{C}/advance", json={"seconds": seconds})
    assert r.status_code == 200, r.text


def settings(api: httpx.Client, **kw: Any) -> dict[str, Any]:
    r = api.put(f"{C}/settings", json=kw)
    assert r.status_code == 200, r.text
    return dict(r.json())


def submit(api: httpx.Client, body: dict[str, Any]) -> str:
    r = api.post(J, json=body)
    assert r.status_code == 202, r.text
    assert set(r.json()) == {"jobId"}
    return str(r.json()["jobId"])


def all_pages(api: httpx.Client, job_id: str) -> tuple[list[dict[str, Any]], int]:
    results: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        r = api.get(f"{J}/{job_id}/results", params={"cursor": cursor} if cursor else None)
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        assert set(page) <= {"results", "cursor"}
        results += page["results"]
        cursor = page.get("cursor")
        if cursor is None:
            return results, pages
        assert pages < 1000


def error_body(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert {"message", "code", "status", "contextId"} <= set(body) and body["status"] == status
    return dict(body)


def test_states_and_results_equal_the_sync_query(japi: httpx.Client) -> None:
    body = {
        "interval": MONTH,
        "granularity": "P1D",
        "groupBy": ["queueId"],
        "metrics": METRICS,
        "pageSize": 7,
    }
    job = submit(japi, body)
    st = japi.get(f"{J}/{job}").json()
    assert st["state"] == "QUEUED" and "completionDate" not in st and "errorMessage" not in st
    assert st["submissionDate"].endswith("Z") and st["expirationDate"] > st["submissionDate"]
    err = error_body(japi.get(f"{J}/{job}/results"), 400)
    assert "QUEUED" in err["message"]
    advance(japi, 10.5)
    assert japi.get(f"{J}/{job}").json()["state"] == "PENDING"
    assert "PENDING" in error_body(japi.get(f"{J}/{job}/results"), 400)["message"]
    advance(japi, 20)
    st = japi.get(f"{J}/{job}").json()
    assert st["state"] == "FULFILLED" and st["completionDate"] >= st["submissionDate"]
    results, pages = all_pages(japi, job)
    sync = japi.post(Q, json={k: v for k, v in body.items() if k != "pageSize"}).json()["results"]
    assert results == sync  # same containers, same order
    assert pages == -(-len(sync) // 7) and len(sync) == 30
    assert all(len(r["data"]) == 30 for r in results)  # 30 daily buckets each
    # results again from the start: the same answer
    assert all_pages(japi, job)[0] == results


def test_longer_intervals_only_through_jobs(japi: httpx.Client) -> None:
    body = {
        "interval": "2024-03-01T00:00:00Z/2024-05-30T00:00:00Z",
        "granularity": "P1D",
        "groupBy": ["queueId"],
        "metrics": ["nOffered", "tAnswered"],
    }
    err = error_body(japi.post(Q, json=body), 400)
    assert err["details"][0]["fieldName"] == "interval" and J in err["message"]
    settings(japi, jobSeconds=0)
    job = submit(japi, body)
    assert japi.get(f"{J}/{job}").json()["state"] == "FULFILLED"
    results, pages = all_pages(japi, job)
    assert pages == 1 and len(results) == 30 and max(len(r["data"]) for r in results) == 90
    over = dict(body, interval="2023-01-01T00:00:00Z/2024-05-30T00:00:00Z")
    assert error_body(japi.post(J, json=over), 400)["details"][0]["fieldName"] == "interval"


def test_expiry(japi: httpx.Client) -> None:
    settings(japi, jobSeconds=3, expirationSeconds=60)
    job = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    advance(japi, 3)
    st = japi.get(f"{J}/{job}").json()
    assert st["state"] == "FULFILLED"
    assert japi.get(f"{J}/{job}/results").json()["results"][0]["group"] == {}
    advance(japi, 60)
    st2 = japi.get(f"{J}/{job}").json()
    assert st2["state"] == "EXPIRED" and st2["expirationDate"] == st["expirationDate"]
    assert "EXPIRED" in error_body(japi.get(f"{J}/{job}/results"), 404)["message"]


def test_cancel(japi: httpx.Client) -> None:
    job = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    assert japi.delete(f"{J}/{job}").status_code == 204
    st = japi.get(f"{J}/{job}").json()
    assert st["state"] == "CANCELLED" and "expirationDate" not in st
    advance(japi, 60)
    assert japi.get(f"{J}/{job}").json()["state"] == "CANCELLED"
    error_body(japi.get(f"{J}/{job}/results"), 404)
    assert japi.delete(f"{J}/{job}").status_code == 204  # again: still cancelled
    settings(japi, cancelForgets=True)
    job = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    assert japi.delete(f"{J}/{job}").status_code == 204
    error_body(japi.get(f"{J}/{job}"), 404)
    for r in (japi.get(f"{J}/nope"), japi.get(f"{J}/nope/results"), japi.delete(f"{J}/nope")):
        error_body(r, 404)


def test_failures(japi: httpx.Client) -> None:
    settings(japi, jobSeconds=1, failNext=1, errorMessage="Query timed out in the datalake")
    failed = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    fine = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    advance(japi, 1)
    st = japi.get(f"{J}/{failed}").json()
    assert st["state"] == "FAILED" and st["errorMessage"] == "Query timed out in the datalake"
    assert "completionDate" in st
    assert "timed out" in error_body(japi.get(f"{J}/{failed}/results"), 400)["message"]
    assert japi.get(f"{J}/{fine}").json()["state"] == "FULFILLED"
    assert settings(japi, failureRate=1.0)["failNext"] == 0
    jobs = [submit(japi, {"interval": DAY, "metrics": ["nOffered"]}) for _ in range(3)]
    advance(japi, 1)
    assert {japi.get(f"{J}/{j}").json()["state"] for j in jobs} == {"FAILED"}
    settings(japi, failureRate=0.5)
    jobs = [submit(japi, {"interval": DAY, "metrics": ["nOffered"]}) for _ in range(40)]
    advance(japi, 1)
    n_failed = sum(japi.get(f"{J}/{j}").json()["state"] == "FAILED" for j in jobs)
    assert 8 <= n_failed <= 32


def test_not_ready_status_knob(japi: httpx.Client) -> None:
    settings(japi, notReadyStatus=404)
    job = submit(japi, {"interval": DAY, "metrics": ["nOffered"]})
    assert error_body(japi.get(f"{J}/{job}/results"), 404)["code"] == "not.found"


def test_cursors_and_empty_answers(japi: httpx.Client) -> None:
    settings(japi, jobSeconds=0, pageSize=10)
    a = submit(japi, {"interval": DAY, "groupBy": ["queueId"], "metrics": ["nOffered"]})
    b = submit(japi, {"interval": DAY, "groupBy": ["queueId"], "metrics": ["nOffered"]})
    first = japi.get(f"{J}/{a}/results").json()
    assert len(first["results"]) == 10 and first["cursor"]
    assert japi.get(f"{J}/{b}/results", params={"cursor": first["cursor"]}).status_code == 400
    err = error_body(japi.get(f"{J}/{a}/results", params={"cursor": "garbage"}), 400)
    assert err["details"][0]["fieldName"] == "cursor"
    none = {"type": "or", "predicates": [{"dimension": "queueId", "value": "no-such-queue"}]}
    empty = submit(japi, {"interval": DAY, "metrics": ["nOffered"], "filter": none})
    assert japi.get(f"{J}/{empty}/results").json() == {"results": []}


def test_bad_submissions(japi: httpx.Client, jsim: SimThread) -> None:
    bad = [
        ({"interval": "2024-05-07T00:00:00Z/2024-05-06T00:00:00Z", "metrics": ["nOffered"]}, "interval"),
        ({"interval": "yesterday", "metrics": ["nOffered"]}, "interval"),
        ({"interval": DAY, "metrics": ["nAnswered"]}, "metrics"),
        ({"interval": DAY, "metrics": ["nOffered"], "granularity": "P1X"}, "granularity"),
        ({"interval": DAY, "metrics": ["nOffered"], "timeZone": "Mars/Olympus"}, "timeZone"),
        ({"interval": DAY, "metrics": ["nOffered"], "pageSize": 0}, "pageSize"),
        ({"interval": DAY, "metrics": ["nOffered"], "groupBy": ["strategyId"]}, "groupBy"),
    ]
    before = japi.get(C).json()["submitted"]
    for body, field in bad:
        err = error_body(japi.post(J, json=body), 400)
        assert err["details"][0]["fieldName"] == field, (body, err)
    assert japi.get(C).json()["submitted"] == before  # nothing was queued
    token = get_token(jsim.base_url, RESTRICTED)
    r = httpx.post(
        f"{jsim.base_url}{J}",
        json={"interval": DAY, "metrics": ["nOffered"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 403 and r.json()["code"] == "missing.any.permissions"


def test_control_routes(japi: httpx.Client, jsim: SimThread) -> None:
    assert japi.get(f"{C}/settings").json() == DEFAULTS
    for body in (
        {"jobSeconds": -1},
        {"failureRate": 2},
        {"notReadyStatus": 500},
        {"bogus": 1},
        {"cancelForgets": "yes"},
        {"pageSize": 0},
    ):
        assert japi.put(f"{C}/settings", json=body).status_code == 400, body
    assert japi.post(f"{C}/advance", json={"seconds": -5}).status_code == 400
    job = submit(japi, {"interval": DAY, "metrics": ["nOffered"], "pageSize": 3})
    listed = {j["jobId"]: j for j in japi.get(C).json()["jobs"]}
    assert listed[job]["pageSize"] == 3 and listed[job]["state"] == "QUEUED"
    # in process: the same store
    assert jsim.runtime is not None
    store = jobs_of(jsim.runtime)
    store.advance(30)
    assert store.get(job).state(store.now()) == "FULFILLED"
    assert japi.delete(C).status_code == 204 and japi.get(C).json()["jobs"] == []
