"""A safe deploy/publish order: what a flow consumes is published before the flow.

The topological order of the condensation (components from networkx): each strongly connected
component is one step, so a cycle is a single step, flagged as blocking (its flows cannot be
published one after the other in a safe order). The same for the whole org or for the impact set
of one node.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from gctui.services.flows.cycles import CycleReport, Indexed, cycles_of
from gctui.services.flows.graph import FlowGraph, Node, NodeKey
from gctui.services.flows.reach import impact


@dataclass(frozen=True, slots=True)
class DeployStep:
    index: int  # 1-based
    nodes: tuple[NodeKey, ...]  # by name
    blocking: bool  # a cycle: no safe order inside this step

    def names(self, graph: FlowGraph) -> list[str]:
        return [graph.nodes[k].name for k in self.nodes]


@dataclass(frozen=True, slots=True)
class DeployOrder:
    steps: list[DeployStep]
    partial: bool  # the crawl is not complete: the order may still change

    @property
    def blocked(self) -> bool:
        """A cycle blocks a safe order (``gctui flows order`` exits 1)."""
        return any(s.blocking for s in self.steps)

    def blocking_steps(self) -> list[DeployStep]:
        return [s for s in self.steps if s.blocking]

    def position(self) -> dict[NodeKey, int]:
        """Node → its step index."""
        return {k: s.index for s in self.steps for k in s.nodes}


@dataclass(frozen=True, slots=True)
class Analysis:
    """Cycles and order from one pass of strongly-connected-component search."""

    cycles: CycleReport
    order: DeployOrder


def _sort_key(node: Node) -> tuple[bool, str, NodeKey]:
    return (not node.is_flow, node.name.casefold(), node.key)


def _order(
    idx: Indexed,
    components: list[list[int]],
    graph: FlowGraph,
    *,
    include_resources: bool,
    partial: bool,
) -> DeployOrder:
    """Kahn's algorithm on the condensation (components from networkx), what is consumed first;
    among the steps that are ready, the one whose first name sorts first (stable output).

    The condensation is built here rather than with ``networkx.condensation``: that builds a
    second graph object and took ~60 % of the whole analysis at 10,000 flows (bench/)."""
    comp_of = [0] * len(idx.keys)
    members: list[list[NodeKey]] = []
    for c, comp in enumerate(components):
        for i in comp:
            comp_of[i] = c
        members.append(sorted((idx.keys[i] for i in comp), key=lambda k: _sort_key(graph.nodes[k])))
    # consumed component -> the components that consume it (deduplicated), and how many each waits on
    after: list[set[int]] = [set() for _ in components]
    for i, row in enumerate(idx.succ):
        ci = comp_of[i]
        for j in row:
            cj = comp_of[j]
            if cj != ci:
                after[cj].add(ci)
    waiting = [0] * len(components)
    for consumers in after:
        for c in consumers:
            waiting[c] += 1
    rank = [_sort_key(graph.nodes[m[0]]) for m in members]
    ready = [(rank[c], c) for c in range(len(components)) if not waiting[c]]
    heapq.heapify(ready)
    steps: list[DeployStep] = []
    while ready:
        _, c = heapq.heappop(ready)
        for d in after[c]:
            waiting[d] -= 1
            if not waiting[d]:
                heapq.heappush(ready, (rank[d], d))
        keys = members[c]
        if not include_resources:
            keys = [k for k in keys if graph.nodes[k].listed]  # a flow not listed cannot be published
            if not keys:
                continue
        comp = components[c]
        blocking = len(comp) > 1 or comp[0] in idx.succ[comp[0]]
        steps.append(DeployStep(len(steps) + 1, tuple(keys), blocking))
    assert not any(waiting), "the condensation of a graph is acyclic"
    return DeployOrder(steps, partial)


def deploy_order(
    graph: FlowGraph,
    keys: Iterable[NodeKey] | None = None,
    *,
    include_resources: bool = False,
    partial: bool = False,
) -> DeployOrder:
    """The publish order of ``graph`` (or of the part induced by ``keys``): listed flows only
    unless ``include_resources`` (queues, actions… are not published by Architect, and a flow
    the listing does not have cannot be)."""
    idx = Indexed.of(graph, keys)
    return _order(idx, idx.components(), graph, include_resources=include_resources, partial=partial)


def impact_order(
    graph: FlowGraph, key: NodeKey, *, include_resources: bool = False, partial: bool = False
) -> DeployOrder:
    """The order to republish after changing ``key``: it and everything that consumes it."""
    scope = {key, *impact(graph, key).keys()}
    return deploy_order(graph, scope, include_resources=include_resources, partial=partial)


def analyse(
    graph: FlowGraph,
    keys: Iterable[NodeKey] | None = None,
    *,
    include_resources: bool = False,
    partial: bool = False,
) -> Analysis:
    """Cycles and deploy order, sharing one component search (the bench measures this)."""
    idx = Indexed.of(graph, keys)
    comps = idx.components()
    return Analysis(
        cycles_of(idx, comps, graph, partial=partial),
        _order(idx, comps, graph, include_resources=include_resources, partial=partial),
    )
