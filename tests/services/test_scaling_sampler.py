"""One sampling pass from plain API data: edge groups of several edges, CPU total and physical
memory per edge, trunk calls against the configured channels, offline edges, the queues' load;
and the listing filters the API layer sends (respx)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from gctui.config.scaling import ScalingConfig
from gctui.genesys.models import Edge, EdgeMetrics, Queue, Trunk, TrunkMetrics
from gctui.genesys.session import Session
from gctui.services.scaling import Kind
from gctui.services.scaling.sampler import groups_of, memory_share, queue_load, samples_of, service_level_of
from tests.services.test_health_support import FakeOrg

GIB = 1 << 30


def edge(eid: str, group: str | None, online: str = "ONLINE") -> Edge:
    data: dict[str, Any] = {"id": eid, "name": f"edge-{eid}", "onlineStatus": online}
    if group:
        data["edgeGroup"] = {"id": group, "name": f"Group {group}"}
    return Edge.model_validate(data)


def metrics(eid: str, cpu: float, mem_used: float) -> EdgeMetrics:
    return EdgeMetrics.model_validate(
        {
            "edge": {"id": eid},
            "processors": [{"cpuId": "0", "activeTimePct": 99.0}, {"cpuId": "total", "activeTimePct": cpu}],
            "memory": [
                {"type": "virtual", "availableBytes": 1, "totalBytes": 100},
                {
                    "type": "physical",
                    "availableBytes": int(16 * GIB * (1 - mem_used)),
                    "totalBytes": 16 * GIB,
                },
            ],
        }
    )


def trunk(tid: str, eid: str, name: str = "") -> Trunk:
    return Trunk.model_validate({"id": tid, "name": name or f"trunk-{tid}", "edge": {"id": eid}})


def calls(tid: str, inbound: int, outbound: int) -> TrunkMetrics:
    return TrunkMetrics.model_validate(
        {"trunk": {"id": tid}, "calls": {"inboundCallCount": inbound, "outboundCallCount": outbound}}
    )


def test_a_pass_from_plain_data() -> None:
    edges = [
        edge("a", "g1"),
        edge("b", "g1"),
        edge("c", "g2"),
        edge("d", "g2", online="OFFLINE"),
        edge("e", None),
    ]
    em = [metrics("a", 91.5, 0.5), metrics("b", 40.0, 0.25), metrics("c", 10.0, 0.9), metrics("d", 80.0, 0.8)]
    trunks = [trunk("t1", "a", "Big"), trunk("t2", "b"), trunk("t3", "c"), trunk("t4", "z")]
    tm = [calls("t1", 20, 4), calls("t2", 3, 0), calls("t3", 0, 0)]
    config = ScalingConfig(trunk_channels=30, trunk_channels_by_trunk={"Big": 48})
    samples, per_trunk = samples_of(edges, em, trunks, tm, config, 100.0)
    by = {s.key: s for s in samples}
    assert by["edge:a:cpu"].value == pytest.approx(0.915) and by["edge:a:cpu"].raw == 91.5  # the "total" cpu
    assert by["edge:a:memory"].value == pytest.approx(0.5)  # physical, not virtual
    assert by["edge:d:cpu"].value is None and by["edge:d:memory"].value is None  # offline: no sample
    assert by["edge:e:cpu"].value is None and by["edge:e:cpu"].group_id == "ungrouped"
    assert by["trunk:t1"].value == pytest.approx(24 / 48) and by["trunk:t1"].capacity == 48
    assert by["trunk:t2"].value == pytest.approx(3 / 30) and by["trunk:t2"].group_id == "g1"
    assert by["trunk:t4"].value is None and by["trunk:t4"].group_id is None  # no metrics, unknown edge
    assert {s.kind for s in samples} == {Kind.CPU, Kind.MEMORY, Kind.TRUNK}
    groups = {g.id: g for g in groups_of(edges, per_trunk, trunks)}
    assert groups["g1"].edge_ids == ("a", "b") and groups["g1"].nodes == 2 and groups["g1"].sessions == 27
    assert groups["g2"].nodes == 2 and groups["g2"].sessions == 0  # an offline edge is still a node
    assert groups["ungrouped"].nodes == 1 and groups["g1"].name == "Group g1"


def test_memory_share_without_physical() -> None:
    m = EdgeMetrics.model_validate({"edge": {"id": "x"}, "memory": [{"type": "virtual", "totalBytes": 0}]})
    assert memory_share(m) is None


def test_service_level_from_the_queue() -> None:
    q = Queue.model_validate(
        {
            "id": "q",
            "name": "Q",
            "mediaSettings": {"call": {"serviceLevel": {"percentage": 0.9, "durationMs": 30000}}},
        }
    )
    assert service_level_of(q) == (0.9, 30.0)
    assert service_level_of(Queue.model_validate({"id": "q", "name": "Q"})) == (0.8, 20.0)


def answer(doc: dict[str, Any]) -> Any:
    return lambda request: httpx.Response(200, json=doc)


AGGREGATES = {
    "results": [
        {
            "group": {"queueId": "q1"},
            "data": [
                {
                    "interval": "2027-01-15T07:45:00.000Z/2027-01-15T08:00:00.000Z",
                    "metrics": [
                        {"metric": "nOffered", "stats": {"count": 30}},
                        {"metric": "tHandle", "stats": {"count": 30, "sum": 9_000_000}},
                    ],
                }
            ],
        }
    ]
}
OBSERVATIONS = {
    "results": [
        {
            "group": {"queueId": "q1"},
            "data": [
                {"metric": "oOnQueueUsers", "qualifier": "IDLE", "stats": {"count": 4}},
                {"metric": "oOnQueueUsers", "qualifier": "INTERACTING", "stats": {"count": 6}},
            ],
        }
    ]
}


async def test_edge_filters_and_queue_load_requests(org: FakeOrg, session: Session) -> None:
    tp = "/api/v2/telephony/providers/edges"
    org.handlers[tp] = answer({"entities": [], "pageNumber": 1, "pageCount": 1})
    org.handlers[f"{tp}/edgegroups"] = answer({"entities": [{"id": "g1", "name": "G"}], "pageCount": 1})
    api = session.api
    assert [e async for e in api.edges_where(edge_group_id="g1", site_id="s1")] == []
    params = org.calls(tp)[-1].url.params
    assert params["edgeGroup.id"] == "g1" and params["site.id"] == "s1"
    assert [g.name async for g in api.edge_groups()] == ["G"]

    org.handlers["/api/v2/analytics/conversations/aggregates/query"] = answer(AGGREGATES)
    org.handlers["/api/v2/routing/queues"] = answer(
        {"entities": [{"id": "q1", "name": "Sales"}], "pageCount": 1}
    )
    org.handlers["/api/v2/analytics/queues/observations/query"] = answer(OBSERVATIONS)
    at = 1_800_000_300.0  # 5 min past a 15-min boundary: the last full interval ended 5 min ago
    config = ScalingConfig(arrival_window_minutes=30)
    per_bucket, interval, loads = await queue_load(api, config, at)
    (query,) = org.calls("/api/v2/analytics/conversations/aggregates/query")
    body = json.loads(query.read())
    assert body["interval"] == "2027-01-15T07:30:00.000Z/2027-01-15T08:00:00.000Z"
    assert body["granularity"] == "PT15M" and body["groupBy"] == ["queueId"]
    assert per_bucket == [0, 30] and interval == 900
    (load,) = loads
    assert (load.queue_id, load.name, load.offered, load.agents_on_queue) == ("q1", "Sales", 30, 10)
    assert load.handle_sum_ms / load.handle_count == 300_000
    (obs,) = org.calls("/api/v2/analytics/queues/observations/query")
    assert json.loads(obs.read())["metrics"] == ["oOnQueueUsers"]
