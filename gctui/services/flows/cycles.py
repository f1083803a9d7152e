"""Cycles as strongly connected components, each with one concrete shortest cycle to show.

Never an enumeration of simple cycles (exponential on a dense component): networkx finds the
components in O(V + E); a breadth-first search inside each component finds a shortest cycle.
networkx is imported here, lazily, when the first analysis runs (never at gctui import time).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gctui.services.flows.graph import FlowGraph, Node, NodeKey

# BFS work (edges looked at) spent looking for the shortest cycle of one component beyond the
# first start node: small components get the exact girth, a huge one the shortest cycle through
# one node (still a real, shortest-through-that-node cycle).
GIRTH_BUDGET = 200_000


def networkx() -> Any:
    """networkx, imported on first use (~0.2 s and 30 MB: never at start-up)."""
    import networkx as nx  # type: ignore[import-untyped]

    return nx


@dataclass(frozen=True, slots=True)
class Indexed:
    """A graph (or the part of it induced by some keys) numbered 0..n-1 for networkx."""

    keys: list[NodeKey]
    succ: list[list[int]]  # consumer -> consumed

    @classmethod
    def of(cls, graph: FlowGraph, keys: Iterable[NodeKey] | None = None) -> Indexed:
        chosen = list(graph.nodes) if keys is None else [k for k in dict.fromkeys(keys) if k in graph]
        index = {k: i for i, k in enumerate(chosen)}
        succ: list[list[int]] = []
        get = index.get
        for k in chosen:
            row = []
            for d in graph.consumes(k):
                j = get(d)
                if j is not None:
                    row.append(j)
            succ.append(row)
        return cls(chosen, succ)

    def nx_graph(self) -> Any:
        nx = networkx()
        g = nx.DiGraph()
        g.add_nodes_from(range(len(self.keys)))
        g.add_edges_from((i, j) for i, row in enumerate(self.succ) for j in row)
        return g

    def components(self) -> list[list[int]]:
        """Strongly connected components (networkx), each sorted by node number."""
        nx = networkx()
        return [sorted(c) for c in nx.strongly_connected_components(self.nx_graph())]

    def is_cyclic(self, component: Sequence[int]) -> bool:
        """More than one node, or one node that consumes itself."""
        return len(component) > 1 or component[0] in self.succ[component[0]]


@dataclass(frozen=True, slots=True)
class Cycle:
    """One strongly connected component that holds a cycle."""

    index: int  # 1-based, in report order (the CLI's ``--component N``)
    nodes: tuple[NodeKey, ...]  # every node of the component, by name
    path: tuple[NodeKey, ...]  # a shortest cycle: first == last (a self-loop: (a, a))

    @property
    def size(self) -> int:
        return len(self.nodes)

    @property
    def length(self) -> int:
        """Edges in the shortest cycle shown."""
        return len(self.path) - 1

    def describe(self, graph: FlowGraph) -> str:
        return " → ".join(graph.nodes[k].name if k in graph else k[1] for k in self.path)


@dataclass(frozen=True, slots=True)
class CycleReport:
    cycles: list[Cycle]
    partial: bool  # the crawl is not complete: more cycles may exist, these may grow
    _member: dict[NodeKey, int] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.cycles)

    def __bool__(self) -> bool:
        return bool(self.cycles)

    def component_of(self, key: NodeKey) -> Cycle | None:
        i = self._member.get(key)
        return None if i is None else self.cycles[i - 1]

    def in_cycle(self, key: NodeKey) -> bool:
        return key in self._member

    def nodes(self) -> set[NodeKey]:
        return set(self._member)

    def summary(self) -> str:
        n = len(self.cycles)
        text = "no cycles" if n == 0 else f"{n} cycle{'s' if n != 1 else ''}"
        return f"{text} so far (partial)" if self.partial else text


def _shortest_cycle_from(start: int, succ: list[list[int]], members: set[int]) -> tuple[list[int], int]:
    """The shortest cycle through ``start`` inside ``members`` (BFS), and the edges looked at."""
    parent = {start: start}
    queue = deque([start])
    work = 0
    while queue:
        u = queue.popleft()
        for v in succ[u]:
            work += 1
            if v == start:
                path = [start]
                while u != start:
                    path.append(u)
                    u = parent[u]
                path.append(start)
                path.reverse()  # built backwards from the closing edge u -> start
                return path, work
            if v in members and v not in parent:
                parent[v] = u
                queue.append(v)
    raise AssertionError("a strongly connected component without a cycle through its node")


def shortest_cycle(component: Sequence[int], succ: list[list[int]], order: Sequence[int]) -> list[int]:
    """A shortest cycle of a strongly connected component: BFS from each node (in ``order``)
    while the budget lasts, keeping the shortest; a self-loop or a 2-cycle ends it early."""
    for start in order:
        if start in succ[start]:
            return [start, start]
    members = set(component)
    best: list[int] | None = None
    spent = 0
    for start in order:
        path, work = _shortest_cycle_from(start, succ, members)
        spent += work
        if best is None or len(path) < len(best):
            best = path
        if len(best) == 3 or spent > GIRTH_BUDGET:  # 3 entries = a 2-cycle: nothing is shorter
            break
    assert best is not None
    return best


def _sort_key(node: Node) -> tuple[bool, str, NodeKey]:
    return (not node.is_flow, node.name.casefold(), node.key)


def cycles_of(
    idx: Indexed, components: list[list[int]], graph: FlowGraph, *, partial: bool = False
) -> CycleReport:
    found: list[tuple[tuple[NodeKey, ...], tuple[NodeKey, ...]]] = []
    for comp in components:
        if not idx.is_cyclic(comp):
            continue
        by_name = sorted(comp, key=lambda i: _sort_key(graph.nodes[idx.keys[i]]))
        if len(comp) == 1:
            path = [comp[0], comp[0]]
        else:
            path = shortest_cycle(comp, idx.succ, by_name)
        found.append((tuple(idx.keys[i] for i in by_name), tuple(idx.keys[i] for i in path)))
    # biggest first, then by the first name: stable between runs
    found.sort(key=lambda c: (-len(c[0]), _sort_key(graph.nodes[c[0][0]])))
    cycles = [Cycle(i, nodes, path) for i, (nodes, path) in enumerate(found, 1)]
    member = {k: c.index for c in cycles for k in c.nodes}
    return CycleReport(cycles, partial, member)


def find_cycles(
    graph: FlowGraph, keys: Iterable[NodeKey] | None = None, *, partial: bool = False
) -> CycleReport:
    """Every cycle of ``graph`` (or of the part induced by ``keys``) as a component with a
    shortest cycle. ``partial``: the graph is not fully crawled yet (the report says so)."""
    idx = Indexed.of(graph, keys)
    return cycles_of(idx, idx.components(), graph, partial=partial)
