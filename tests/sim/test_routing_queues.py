"""Queues that route differently (Queue fields of the reference §4.2) and /api/v2/routing/predictors."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from gctui.sim import SimConfig
from gctui.sim.gen_routing_config import METHODS, ROUTING_VALUES, predictors_of
from gctui.sim.org import build_org

P = "/api/v2/routing/predictors"


def all_queues(api: httpx.Client) -> list[dict[str, Any]]:
    return list(api.get("/api/v2/routing/queues?pageSize=500").json()["entities"])


def configured(q: dict[str, Any]) -> set[str]:
    """What the queue's own fields say about how it routes."""
    out = set()
    if q["bullseye"]["rings"]:
        out.add("bullseye")
    if q["routingRules"]:
        out.add("preferred")
    if q.get("conditionalGroupRouting", {}).get("rules"):
        out.add("conditional")
    if q["lastAgentRoutingMode"] != "Disabled":
        out.add("last")
    if q.get("directRouting"):
        out.add("direct")
    return out


def test_every_routing_configuration_shows_in_the_default_org(api: httpx.Client) -> None:
    queues = all_queues(api)
    assert len(queues) == 30
    seen = Counter(m for q in queues for m in configured(q))
    assert set(seen) == {"bullseye", "preferred", "conditional", "last", "direct"}
    assert {q["skillEvaluationMethod"] for q in queues} == {"NONE", "BEST", "ALL"}
    assert sum(not configured(q) for q in queues) >= 8  # plain standard routing (or predictive)
    ids = {q["id"] for q in queues}
    for q in queues:
        for ring in q["bullseye"]["rings"][:-1]:
            assert [c["type"] for c in ring["expansionCriteria"]] == ["TIMEOUT_SECONDS"]
            assert isinstance(ring["expansionCriteria"][0]["threshold"], float)
            assert set(ring["actions"]) == {"skillsToRemove"}
        if q["bullseye"]["rings"]:
            rings = q["bullseye"]["rings"]
            assert 2 <= len(rings) <= 6 and rings[-1]["expansionCriteria"] == []
            thresholds = [r["expansionCriteria"][0]["threshold"] for r in rings[:-1]]
            assert thresholds == sorted(thresholds)
        for rule in q["routingRules"]:
            assert rule["operator"] in ("MEETS_THRESHOLD", "ANY") and isinstance(rule["waitSeconds"], float)
        for rule in q.get("conditionalGroupRouting", {}).get("rules", []):
            assert rule["metric"] in ("EstimatedWaitTime", "ServiceLevel")
            assert rule["operator"] in (
                "GreaterThan",
                "GreaterThanOrEqualTo",
                "LessThan",
                "LessThanOrEqualTo",
            )
            assert rule["groups"] and all(
                g["type"] in ("TEAM", "GROUP", "SKILLGROUP") for g in rule["groups"]
            )
            assert rule["queue"] is None or rule["queue"]["id"] in ids
        assert q["lastAgentRoutingMode"] in ("Disabled", "QueueMembersOnly", "AnyAgent")
        if d := q.get("directRouting"):
            assert d["backupQueueId"] in ids and d["backupQueueId"] != q["id"]
            assert 60 <= d["agentWaitSeconds"] <= 864_000
            assert set(d["callMediaSettings"]) == {"useAgentAddressOutbound"}
    one = queues[0]
    assert api.get(f"/api/v2/routing/queues/{one['id']}").json() == one


def test_mix_is_deterministic_and_realistic_at_scale() -> None:
    a = build_org(SimConfig(queues=2000, actions=0, flows=0))
    b = build_org(SimConfig(queues=2000, actions=0, flows=0))
    assert a.queues == b.queues
    methods = Counter(p.method for p in a.queue_profiles.values())
    assert set(methods) == set(METHODS)
    assert methods["standard"] == 600 and methods["bullseye"] == 300 and methods["direct"] == 200
    used = Counter(s.used for p in a.queue_profiles.values() for s in p.slices)
    assert set(used) == set(ROUTING_VALUES)
    states = Counter(p["state"] for p in predictors_of(a.queue_profiles))
    assert states["Active"] > states["Created"] > 0 and states["Error"] > 0
    other = build_org(SimConfig(queues=2000, actions=0, flows=0, seed=8))
    assert [p.method for p in other.queue_profiles.values()] != [p.method for p in a.queue_profiles.values()]


def test_routing_slices_follow_the_configuration() -> None:
    org = build_org(SimConfig(queues=400, actions=0, flows=0))
    for q in org.queues:
        p = org.queue_profiles[q["id"]]
        shares = {s.used: s.share for s in p.slices}
        assert abs(sum(s.share for s in p.slices) - 1) < 1e-3
        top = max(shares, key=lambda k: shares[k])
        if p.method == "bullseye" and not q["routingRules"]:
            assert top == "Bullseye"
        if p.method == "conditional":
            assert top == "Conditional"
        if p.method == "direct":
            assert top == "Direct" and q["directRouting"]
        if p.method == "predictive":
            assert p.predictor is not None
            assert q["id"] in {x["id"] for x in p.predictor["queues"]}
            assert ("Predictive" in shares) == (p.predictor["state"] == "Active")
        if p.method == "standard":
            assert set(shares) <= {"Standard", "Manual", "Vip"}
        if "Manual" in shares:
            assert q["enableManualAssignment"] is True


def test_predictors_listing(api: httpx.Client) -> None:
    queues = {q["id"] for q in all_queues(api)}
    full = api.get(P).json()
    assert set(full) <= {"entities", "selfUri", "nextUri", "previousUri"} and "nextUri" not in full
    preds = full["entities"]
    assert preds and all(q["id"] in queues for p in preds for q in p["queues"])
    assert {p["state"] for p in preds} == {"Active", "Created"}
    for p in preds:
        assert 12 <= p["routingTimeoutSeconds"] <= 900
        assert p["schedule"]["scheduleType"] in ("HourOnHourOff", "OngoingValueMonitoring")
        assert p["selfUri"] == f"{P}/{p['id']}"
        assert api.get(p["selfUri"]).json() == p
    kpis = {k["id"] for k in api.get(f"{P}/keyperformanceindicators").json()["entities"]}
    assert {p["kpi"] for p in preds} <= kpis
    # cursor paging one at a time, forwards then back
    seen, uri, pages = [], f"{P}?pageSize=1", []
    while uri:
        page = api.get(uri).json()
        pages.append(page)
        seen += page["entities"]
        uri = page.get("nextUri")
    assert seen == preds and "previousUri" not in pages[0]
    back = api.get(pages[-1]["previousUri"]).json()
    assert back["entities"] == pages[-2]["entities"]
    one = preds[0]["queues"][0]["id"]
    assert api.get(P, params={"queueId": one}).json()["entities"] == [preds[0]]
    assert {p["state"] for p in api.get(P, params={"state": "Created"}).json()["entities"]} == {"Created"}
    assert api.get(P, params={"pageSize": 201}).status_code == 400
    assert api.get(P, params={"after": "bogus"}).status_code == 400
    assert api.get(P, params={"state": "Running"}).status_code == 400
    assert api.get(f"{P}/no-such-predictor").status_code == 404
