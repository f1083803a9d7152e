"""What the Data actions tab reads besides the actions: execution analytics, consuming flows, scale."""

from __future__ import annotations

import time
from collections import defaultdict

import httpx

from gctui.sim import SimConfig
from gctui.sim.org import build_org
from gctui.sim.server import SimThread
from tests.sim.conftest import get_token

A = "/api/v2/integrations/actions"
Q = "/api/v2/analytics/actions/aggregates/query"
DT = "/api/v2/architect/dependencytracking"
DAY = "2024-05-06T00:00:00Z/2024-05-07T00:00:00Z"


def _by_action(api: httpx.Client, body: dict) -> dict[str, dict[str, dict]]:
    """actionId -> metric -> stats, over the whole interval (one bucket)."""
    r = api.post(Q, json=body)
    assert r.status_code == 200, r.text
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for res in r.json()["results"]:
        assert len(res["data"]) == 1
        for m in res["data"][0]["metrics"]:
            out[res["group"]["actionId"]][m["metric"]] = m["stats"]
    return out


def test_action_analytics_show_every_story(api: httpx.Client) -> None:
    actions = api.get(A, params={"pageSize": 500, "includeConfig": "true"}).json()["entities"]
    timeout = {a["id"]: a["config"].get("timeoutSeconds") for a in actions}
    body = {"interval": DAY, "groupBy": ["actionId"], "metrics": ["tTotalExecution", "nError", "nTimeout"]}
    stats = _by_action(api, body)
    assert stats == _by_action(api, body)  # deterministic
    for s in stats.values():
        t = s["tTotalExecution"]
        assert all(isinstance(t[k], int) for k in ("count", "p95", "p99", "min", "max", "sum"))
        assert t["min"] <= t["p95"] <= t["p99"] <= t["max"]
        assert s.get("nError", {"count": 0})["count"] >= s.get("nTimeout", {"count": 0})["count"]
    p99_over = [
        i for i, s in stats.items() if timeout[i] and s["tTotalExecution"]["p99"] >= timeout[i] * 1000
    ]
    failing = [i for i, s in stats.items() if s.get("nTimeout", {}).get("count", 0) > 0]
    few = [i for i, s in stats.items() if s["tTotalExecution"]["count"] < 5]
    default = [i for i in stats if timeout[i] is None]
    assert len(p99_over) >= 3 and len(failing) >= 3 and len(few) >= 3 and len(default) >= 10
    # grouped by errorType/responseStatus the failures add up to the timeout/error counts
    split = api.post(
        Q,
        json={
            "interval": DAY,
            "groupBy": ["actionId", "errorType", "responseStatus"],
            "metrics": ["tTotalExecution"],
        },
    ).json()["results"]
    timeouts: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for res in split:
        g, n = res["group"], res["data"][0]["metrics"][0]["stats"]["count"]
        total[g["actionId"]] += n
        if g.get("errorType") == "TIMEOUT":
            assert g["responseStatus"] == "408"
            timeouts[g["actionId"]] += n
    for i in failing:
        assert timeouts[i] == stats[i]["nTimeout"]["count"]
        assert total[i] == stats[i]["tTotalExecution"]["count"]
    only = api.post(
        Q,
        json={
            "interval": DAY,
            "groupBy": ["actionId"],
            "metrics": ["tTotalExecution"],
            "filter": {"type": "and", "predicates": [{"dimension": "errorType", "value": "TIMEOUT"}]},
        },
    ).json()["results"]
    assert {r["group"]["actionId"] for r in only} == set(failing)
    r = api.post(Q, json={"interval": DAY, "metrics": ["nBogus"]})
    assert r.status_code == 400 and "nBogus" in r.json()["message"]


def test_consuming_flows_match_the_flows_listing(api: httpx.Client) -> None:
    flows = {f["id"]: f for f in api.get("/api/v2/flows", params={"pageSize": 500}).json()["entities"]}
    # the inverse of every published flow's consumed data actions, read as CX as Code does
    expected: dict[str, set[str]] = defaultdict(set)
    for f in flows.values():
        if "publishedVersion" not in f:
            continue
        from_type = {"WORKFLOW": "WORKFLOW"}.get(f["type"], f["type"] + "FLOW")
        params = {
            "id": f["id"],
            "version": f["publishedVersion"]["id"],
            "objectType": from_type,
            "pageSize": 500,
        }
        for d in api.get(f"{DT}/consumedresources", params=params).json()["entities"]:
            if d["type"] in ("DATAACTION", "SECUREACTION"):
                expected[d["id"]].add(f["id"])
    actions = api.get(A, params={"pageSize": 500}).json()["entities"]
    used = 0
    for a in actions:
        kind = "SECUREACTION" if a["secure"] else "DATAACTION"
        params = {"id": a["id"], "objectType": kind, "flowFilter": "published", "pageSize": 500}
        r = api.get(f"{DT}/consumingresources", params=params)
        assert r.status_code == 200, r.text
        got = r.json()["entities"]
        assert {d["id"] for d in got} == expected.get(a["id"], set())
        for d in got:
            flow = flows[d["id"]]
            assert d["name"] == flow["name"] and d["version"] == flow["publishedVersion"]["id"]
        every = api.get(f"{DT}/consumingresources", params={**params, "flowFilter": "checkedIn"}).json()
        assert every["total"] >= len(got)
        used += bool(got)
    assert used >= 20
    unpublished = [f for f in flows.values() if "publishedVersion" not in f]
    assert unpublished  # the published filter has something to leave out
    r = api.get(
        f"{DT}/consumingresources",
        params={"id": actions[0]["id"], "objectType": "DATAACTION", "flowFilter": "saved"},
    )
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "flowFilter"


def test_ten_thousand_actions_generate_and_page_fast() -> None:
    t = time.perf_counter()
    org = build_org(SimConfig(actions=10_000, flows=0, queues=0, edges=0))
    assert time.perf_counter() - t < 2.0 and len(org.actions) == 10_000
    with SimThread(SimConfig(actions=10_000, flows=200, queues=10, rate_limit=10**6)) as sim:
        with httpx.Client(base_url=sim.base_url) as c:
            c.headers["Authorization"] = f"Bearer {get_token(sim.base_url)}"
            c.get(A, params={"pageSize": 100, "includeConfig": "true"})  # warm up the connection
            t = time.perf_counter()
            for n in (1, 50, 100):
                page = c.get(A, params={"pageSize": 100, "pageNumber": n, "includeConfig": "true"}).json()
                assert len(page["entities"]) == 100 and page["entities"][0]["config"]["request"]
            assert (time.perf_counter() - t) / 3 < 0.25
