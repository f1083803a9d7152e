"""The flows org is a pure function of the seed, and 10,000 flows generate fast (time reported)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim import flows_deps as deps
from gctui.sim.org import Org, build_org
from gctui.sim.server import SimThread
from tests.sim.conftest import get_token

DT = "/api/v2/architect/dependencytracking"


def graph_json(org: Org) -> str:
    return json.dumps(
        {
            "flows": org.flows,
            "versions": org.flow_versions,
            "resources": org.dep_resources,
            "deleted": org.deleted_objects,
            "unknown": org.unknown_objects,
        },
        sort_keys=True,
    )


def test_same_seed_same_flows_and_graph() -> None:
    a, b = build_org(SimConfig(flows=500)), build_org(SimConfig(flows=500))
    assert graph_json(a) == graph_json(b)
    first = deps.pick_published(a, 5)  # republish picks by count are seeded too
    assert first == deps.pick_published(b, 5)
    second = deps.pick_published(a, 5)
    assert second == deps.pick_published(b, 5) and second != first  # each draw moves on
    c = build_org(SimConfig(flows=500, seed=8))
    assert c.flows[0]["id"] != a.flows[0]["id"] and graph_json(c) != graph_json(a)


def test_ten_thousand_flows_generate_fast(record_property: pytest.RecordProperty) -> None:
    t = time.perf_counter()
    org = build_org(SimConfig(actions=0, queues=0, edges=0, flows=10_000))
    flows_only = time.perf_counter() - t
    t = time.perf_counter()
    full = build_org(SimConfig(actions=10_000, queues=2_000, flows=10_000))
    whole = time.perf_counter() - t
    record_property("flows_10k_generation_s", round(flows_only, 3))
    record_property("org_10k_generation_s", round(whole, 3))
    print(f"\n10,000 flows: {flows_only:.3f} s alone, {whole:.3f} s with 10,000 actions and 2,000 queues")
    assert len(org.flows) == 10_000 and len(full.flows) == 10_000
    published = [f for f in full.flows if "publishedVersion" in f]
    mean = sum(len(full.flow_versions[f["id"]][f["publishedVersion"]["id"]]) for f in published) / len(
        published
    )
    print(f"published flows: {len(published)}, mean dependencies per published version: {mean:.2f}")
    assert 4 <= mean <= 6
    kinds = {e[1] for f in full.flows for e in full.consumed[f["id"]]}
    assert {
        "SECUREACTION",
        "DATAACTION",
        "QUEUE",
        "SCHEDULE",
        "SCHEDULEGROUP",
        "USERPROMPT",
        "DATATABLE",
    } <= kinds
    assert (
        len(deps.updated_consumers(full, set())) >= 50
        and len(deps.deleted_consumers(full, None, set())) >= 10
    )


def test_a_ten_thousand_flow_org_answers_over_http() -> None:
    with SimThread(SimConfig(actions=2_000, flows=10_000, queues=500, rate_limit=10**6)) as sim:
        with httpx.Client(base_url=sim.base_url) as c:
            c.headers["Authorization"] = f"Bearer {get_token(sim.base_url)}"
            page = c.get("/api/v2/flows", params={"pageSize": 500, "pageNumber": 20}).json()
            assert page["total"] == 10_000 and len(page["entities"]) == 500
            f = next(x for x in page["entities"] if "publishedVersion" in x)
            kind = "WORKFLOW" if f["type"] == "WORKFLOW" else f["type"] + "FLOW"
            params = {"id": f["id"], "version": f["publishedVersion"]["id"], "objectType": kind}
            r = c.get(f"{DT}/consumedresources", params=params)
            assert r.status_code == 200 and r.json()["total"] == len(r.json()["entities"])
            assert c.get(f"{DT}/updatedresourceconsumers", params={"pageSize": 1}).json()["total"] >= 50
            assert c.get(f"{DT}", params={"name": f["name"]}).json()["total"] >= 1
