"""The flows service against the simulated org over loopback: crawl, planted cycles, deploy
order, problems from dependency tracking, and an incremental refresh after republishing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gctui.genesys.session import Session
from gctui.services.flows import (
    FlowCache,
    FlowGraph,
    FlowsCrawler,
    Kind,
    NodeKey,
    deploy_order,
    fetch_problems,
    find_cycles,
    flows_using_actions,
    impact,
)
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.integration.test_core_against_sim import options


@pytest.fixture
async def sim() -> AsyncIterator[tuple[SimServer, Session]]:
    async with SimServer(SimConfig(flows=300, rate_limit=100_000, token_rate_limit=1000)) as server:
        async with Session.create(options(server)) as s:
            yield server, s


def by_index(graph: FlowGraph) -> dict[int, NodeKey]:
    """The simulator names flows ``… <Type> <index>``: modules are 0-5, inbound calls 6-11."""
    return {int(n.name.rsplit(" ", 1)[1]): n.key for n in graph.flows()}


async def test_crawl_cycles_order_problems_and_refresh(
    sim: tuple[SimServer, Session], tmp_path: Path
) -> None:
    server, s = sim
    with FlowCache(tmp_path / "flows.sqlite3", "sim") as cache:
        crawler = FlowsCrawler(s.api, s.pool, cache)
        result = await crawler.run()
        assert result.complete and result.listed == 300
        graph = result.graph
        published = [n for n in graph.flows() if n.published_version]
        assert result.fetched == len(published) and s.client.requests_sent == 1 + 1 + len(published)

        ix = by_index(graph)
        report = find_cycles(graph)
        comps = [set(c.nodes) for c in report.cycles]
        assert {ix[0], ix[1]} in comps and {ix[2], ix[3], ix[4]} in comps  # the planted module cycles
        inbound = next(c for c in report.cycles if ix[8] in c.nodes)
        assert {ix[8], ix[9], ix[10], ix[11]} <= set(inbound.nodes)  # two overlapping transfer cycles
        assert inbound.length == 3 and report.component_of(ix[6]) is report.component_of(ix[7])
        for c in report.cycles:
            assert all(b in graph.consumes(a) for a, b in zip(c.path, c.path[1:], strict=False))
        assert deploy_order(graph).blocked

        queues = [k for k in graph.nodes if k[0] == "QUEUE" and graph.consumers(k)]
        assert queues and all(impact(graph, q).keys() >= graph.consumers(q) for q in queues)
        secure = [k for k in graph.nodes if k[0] == "SECUREACTION"]
        assert secure and flows_using_actions(graph, {k[1] for k in secure})

        problems = await fetch_problems(s.api, s.pool, graph)
        assert problems.errors == [] and problems.index_ok
        kinds = problems.counts()
        for kind in (
            Kind.DELETED_DEPENDENCY,
            Kind.NEEDS_REPUBLISH,
            Kind.NOT_PUBLISHED,
            Kind.UNPUBLISHED_CHANGES,
        ):
            assert kinds.get(kind, 0) > 0, kind

        async with httpx.AsyncClient(base_url=server.base_url) as control:
            moved = (await control.post("/sim/control/flows/republish", json={"count": 3})).json()[
                "republished"
            ]
            await control.delete("/sim/control/flows/requests")
            before = s.client.requests_sent
            again = await crawler.run()
            counted = (await control.get("/sim/control/flows/requests")).json()
        assert again.complete and again.fetched == 3 and again.reused == len(published) - 3
        assert counted["byEndpoint"] == {"consumedresources": 3}
        assert set(counted["flows"]) == {m["id"] for m in moved}
        assert s.client.requests_sent - before == 1 + 3  # one listing page + the republished flows
        for m in moved:
            key = again.graph.flow_key(m["id"])
            assert key is not None and again.graph.node(key).published_version == m["version"]
