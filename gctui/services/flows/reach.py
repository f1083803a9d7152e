"""Impact (what consumes a node, transitively) and dependencies (what it consumes, transitively).

Breadth-first over the graph's own adjacency: no networkx, so the impact pane of the cursor node
costs microseconds and never waits for the first import.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from gctui.services.flows.graph import ACTION_OBJECT_TYPES, FlowGraph, Node, NodeKey, NodeState


@dataclass(frozen=True, slots=True)
class Reached:
    node: Node
    distance: int  # 1 = a direct consumer (impact) or a direct dependency


@dataclass(frozen=True, slots=True)
class Reach:
    """Everything reached from ``root`` (the root itself excluded, even when a cycle leads back)."""

    root: NodeKey
    reached: dict[NodeKey, Reached]
    through_cycle: bool  # the root reaches itself: it is in a cycle

    def __len__(self) -> int:
        return len(self.reached)

    def keys(self) -> set[NodeKey]:
        return set(self.reached)

    def by_type(self) -> dict[str, list[Reached]]:
        """objectType → entries by distance then name; types by name."""
        groups: dict[str, list[Reached]] = {}
        for r in self.reached.values():
            groups.setdefault(r.node.object_type, []).append(r)
        return {
            t: sorted(groups[t], key=lambda r: (r.distance, r.node.name.casefold(), r.node.key))
            for t in sorted(groups)
        }

    def counts(self) -> dict[NodeState, int]:
        """How many of each state (published, changed, draft, unlisted, resource)."""
        out: dict[NodeState, int] = {}
        for r in self.reached.values():
            out[r.node.state] = out.get(r.node.state, 0) + 1
        return out

    def published(self) -> list[Node]:
        return sorted(
            (r.node for r in self.reached.values() if r.node.is_published), key=lambda n: n.name.casefold()
        )

    def summary(self) -> str:
        c = self.counts()
        flows = sum(v for s, v in c.items() if s is not NodeState.RESOURCE)
        pub = c.get(NodeState.PUBLISHED, 0) + c.get(NodeState.CHANGED, 0)
        parts = [f"{flows} flows ({pub} published, {c.get(NodeState.DRAFT, 0)} draft only)"]
        if res := c.get(NodeState.RESOURCE, 0):
            parts.append(f"{res} other resources")
        return ", ".join(parts)


def _bfs(root: NodeKey, step: Callable[[NodeKey], Iterable[NodeKey]], graph: FlowGraph) -> Reach:
    dist: dict[NodeKey, int] = {root: 0}
    queue = deque([root])
    back = False
    while queue:
        u = queue.popleft()
        d = dist[u] + 1
        for v in step(u):
            if v == root:
                back = True
            elif v not in dist:
                dist[v] = d
                queue.append(v)
    del dist[root]
    return Reach(root, {k: Reached(graph.nodes[k], d) for k, d in dist.items()}, back)


def impact(graph: FlowGraph, key: NodeKey) -> Reach:
    """Everything that consumes ``key``, directly or through other flows: what may break when it
    changes. ``KeyError`` for a key the graph does not have."""
    graph.node(key)
    return _bfs(key, graph.consumers, graph)


def dependencies(graph: FlowGraph, key: NodeKey) -> Reach:
    """Everything ``key`` consumes, directly or through the flows it consumes."""
    graph.node(key)
    return _bfs(key, lambda k: graph.consumes(k).keys(), graph)


def flows_using_actions(
    graph: FlowGraph, action_ids: Collection[str], *, transitive: bool = False
) -> dict[str, list[Node]]:
    """The hook for the Data actions tab: action id → the *published* flows that consume it
    (``DATAACTION`` or ``SECUREACTION``), by name. ``transitive``: also the flows that reach it
    through a common module or another flow. Ids the graph has no consumer for are left out."""
    wanted = set(action_ids)
    out: dict[str, list[Node]] = {}
    for object_type in ACTION_OBJECT_TYPES:
        for action_id in wanted:
            key = (object_type, action_id)
            if key not in graph:
                continue
            users = (
                [r.node for r in impact(graph, key).reached.values() if r.node.is_flow]
                if transitive
                else [graph.nodes[k] for k in graph.consumers(key)]
            )
            found = out.setdefault(action_id, [])
            seen = {n.key for n in found}
            found.extend(n for n in users if n.is_published and n.key not in seen)
    return {
        a: sorted(nodes, key=lambda n: (n.name.casefold(), n.key))
        for a, nodes in sorted(out.items())
        if nodes
    }
