"""Edges, trunks and their metrics; the webhook receiver."""

from __future__ import annotations

import httpx


def test_edges_trunks_metrics(api: httpx.Client) -> None:
    edges = api.get("/api/v2/telephony/providers/edges").json()["entities"]
    trunks = api.get("/api/v2/telephony/providers/edges/trunks").json()
    assert trunks["totalNumberOfEntities"] == len(trunks["entities"]) >= 2 * len(edges)
    ids = ",".join(e["id"] for e in edges)
    metrics = api.get(f"/api/v2/telephony/providers/edges/metrics?edgeIds={ids}").json()
    cpu = [next(p for p in m["processors"] if p["cpuId"] == "total")["activeTimePct"] for m in metrics]
    assert max(cpu) > 80  # at least one edge near its limit
    one = api.get(f"/api/v2/telephony/providers/edges/{edges[0]['id']}/metrics").json()
    assert one["memory"][0]["totalBytes"] > one["memory"][0]["availableBytes"]
    tids = ",".join(t["id"] for t in trunks["entities"])
    tm = api.get(f"/api/v2/telephony/providers/edges/trunks/metrics?trunkIds={tids}").json()
    assert all(set(m["calls"]) == {"inboundCallCount", "outboundCallCount"} for m in tm)
    assert api.get("/api/v2/telephony/providers/edges/metrics").status_code == 400
    many = ",".join(["x"] * 101)
    assert api.get(f"/api/v2/telephony/providers/edges/metrics?edgeIds={many}").status_code == 400
    assert api.get("/api/v2/telephony/providers/edges/nope/metrics").status_code == 404


def test_webhooks(shared_sim, api: httpx.Client) -> None:
    r = httpx.post(
        f"{shared_sim.base_url}/sim/webhooks/scale", json={"alert": 1}, headers={"Authorization": "secret"}
    )
    assert r.status_code == 200
    shared_sim.control.webhook_fail("scale", 503)
    assert httpx.post(f"{shared_sim.base_url}/sim/webhooks/scale", json={"alert": 2}).status_code == 503
    shared_sim.control.webhook_fail("scale", None)
    got = httpx.get(f"{shared_sim.base_url}/sim/webhooks/scale").json()
    assert [e["body"] for e in got["entities"]] == [{"alert": 1}, {"alert": 2}]
    assert "authorization" not in got["entities"][0]["headers"]
