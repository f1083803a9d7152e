"""Conversation aggregates, queue observations, validation and determinism."""

from __future__ import annotations

import httpx

Q = "/api/v2/analytics/conversations/aggregates/query"
INTERVAL = "2024-05-06T00:00:00Z/2024-05-07T00:00:00Z"


def test_validation(api: httpx.Client) -> None:
    for interval in (None, "garbage", "2024-05-02T00:00:00Z/2024-05-01T00:00:00Z"):
        r = api.post(Q, json={"interval": interval, "metrics": ["nOffered"]})
        assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "interval"
    r = api.post(Q, json={"interval": INTERVAL, "metrics": ["nAnswered"]})
    assert r.status_code == 400 and "nAnswered" in r.json()["message"]
    r = api.post(Q, json={"interval": INTERVAL, "metrics": ["nOffered"], "granularity": "bogus"})
    assert r.status_code == 400
    r = api.post(Q, content=b"[", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_queue_kpis_deterministic_and_varied(api: httpx.Client) -> None:
    body = {
        "interval": INTERVAL,
        "granularity": "PT1H",
        "groupBy": ["queueId"],
        "metrics": ["nOffered", "tAnswered", "tAbandon", "oServiceLevel", "tHandle"],
    }
    a = api.post(Q, json=body).json()
    assert a == api.post(Q, json=body).json()
    rates = []
    for res in a["results"]:
        offered = sum(
            m["stats"]["count"] for d in res["data"] for m in d["metrics"] if m["metric"] == "nOffered"
        )
        sl = [m["stats"] for d in res["data"] for m in d["metrics"] if m["metric"] == "oServiceLevel"]
        assert all(0 <= s["ratio"] <= 1 and s["target"] for s in sl)
        rates.append(offered)
    assert len(a["results"]) >= 20 and max(rates) > 10 * max(1, min(rates))
    one = a["results"][0]["group"]["queueId"]
    body["filter"] = {"type": "or", "predicates": [{"dimension": "queueId", "value": one}]}
    assert [r["group"]["queueId"] for r in api.post(Q, json=body).json()["results"]] == [one]


def test_queue_observations(api: httpx.Client) -> None:
    queues = api.get("/api/v2/routing/queues?pageSize=3").json()["entities"]
    body = {
        "filter": {"type": "or", "predicates": [{"dimension": "queueId", "value": q["id"]} for q in queues]},
        "metrics": ["oWaiting", "oInteracting", "oOnQueueUsers"],
    }
    res = api.post("/api/v2/analytics/queues/observations/query", json=body).json()
    assert len(res["results"]) == 3 and res["systemToOrganizationMappings"]["ON_QUEUE"]
    metrics = {d["metric"] for d in res["results"][0]["data"]}
    assert metrics == {"oWaiting", "oInteracting", "oOnQueueUsers"}
    r = api.post("/api/v2/analytics/queues/observations/query", json={"metrics": ["oWaiting"]})
    assert r.status_code == 400
    body["metrics"] = ["oBogus"]
    assert api.post("/api/v2/analytics/queues/observations/query", json=body).status_code == 400
