"""Data actions: PATCH validation/versioning, test/execute outcomes, analytics reacting to a PATCH."""

from __future__ import annotations

from typing import Any

import httpx

from gctui.sim.server import SimServer

A = "/api/v2/integrations/actions"
INTERVAL = "2024-05-01T00:00:00Z/2024-05-08T00:00:00Z"


def story_action(sim: SimServer) -> dict[str, Any]:
    """An action whose timeout is below its backend's median latency."""
    org = sim.runtime.org
    for a in org.actions:
        p = org.action_profiles[a["id"]]
        if p.median_ms > org.effective_timeout_s(a) * 1000 and p.per_hour > 0:
            return a
    raise AssertionError("the default org must contain an action with a too-low timeout")


async def test_patch_validation(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = sim.runtime.org.actions[3]
    url = f"{A}/{a['id']}"
    r = await client.patch(url, json={"config": {"timeoutSeconds": 5}})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "version"
    for bad in (0, 61, "10", 2.5):
        r = await client.patch(url, json={"version": a["version"], "config": {"timeoutSeconds": bad}})
        assert r.status_code == 400 and "timeoutSeconds" in r.json()["message"]
    r = await client.patch(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "bad.request"
    r = await client.patch(url, json={"version": a["version"] - 1, "config": {"timeoutSeconds": 5}})
    assert r.status_code == 409 and "does not match the current version" in r.json()["message"]
    r = await client.patch(
        url, json={"version": a["version"], "config": {"timeoutSeconds": 5}, "name": "Renamed"}
    )
    body = r.json()
    assert r.status_code == 200 and body["config"]["timeoutSeconds"] == 5 and body["name"] == "Renamed"
    assert body["config"]["request"]["requestUrlTemplate"]  # merged, not replaced
    assert (await client.get(f"{A}/does-not-exist")).status_code == 404


async def test_too_low_timeout_fails_tests_until_patched(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = story_action(sim)
    results = [(await client.post(f"{A}/{a['id']}/test", json={"id": "1"})).json() for _ in range(10)]
    failures = [r for r in results if not r["success"]]
    assert len(failures) >= 6
    assert failures[0]["error"]["code"] == "request.timeout"
    assert failures[0]["operations"][-1]["success"] is False
    agg = {
        "interval": INTERVAL,
        "metrics": ["tTotalExecution"],
        "groupBy": ["actionId", "errorType"],
        "filter": {"type": "and", "predicates": [{"dimension": "actionId", "value": a["id"]}]},
    }
    before = (await client.post("/api/v2/analytics/actions/aggregates/query", json=agg)).json()["results"]
    timeouts = [g for g in before if g["group"].get("errorType") == "TIMEOUT"]
    assert (
        timeouts
        and timeouts[0]["data"][0]["metrics"][0]["stats"]["p99"]
        > sim.runtime.org.effective_timeout_s(a) * 1000
    )
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 60}})
    assert r.status_code == 200
    results = [(await client.post(f"{A}/{a['id']}/test", json={})).json() for _ in range(5)]
    assert all(r["success"] for r in results) and results[0]["finalResult"]
    after = (await client.post("/api/v2/analytics/actions/aggregates/query", json=agg)).json()["results"]
    t_after = sum(g["data"][0]["metrics"][0]["stats"]["count"] for g in after if g["group"].get("errorType"))
    t_before = sum(
        g["data"][0]["metrics"][0]["stats"]["count"] for g in before if g["group"].get("errorType")
    )
    assert t_after < t_before
    r = await client.post(f"{A}/{a['id']}/execute", json={"id": "1"})
    assert r.status_code == 200 and r.json()["status"] == "OK"
    assert (await client.post(f"{A}/{a['id']}/test", json=[1])).status_code == 400
