"""Property tests on random graphs: the components, the shortest cycles, the deploy order and
impact/dependencies agree with networkx (and with a brute-force girth)."""

from __future__ import annotations

import itertools

import networkx as nx  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from gctui.services.flows import FlowGraph, FlowRecord, Ref, analyse, build_graph, dependencies, impact

NodeKey = tuple[str, str]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[FlowGraph, nx.DiGraph]:
    """Up to 18 flows and 4 resources; flows consume flows (self-loops allowed) and resources."""
    n = draw(st.integers(1, 18))
    r = draw(st.integers(0, 4))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n + r - 1)), max_size=3 * (n + r), unique=True
        )
    )
    keys = [("COMMONMODULEFLOW", f"m{i}") for i in range(n)] + [("QUEUE", f"q{j}") for j in range(r)]
    records = [FlowRecord(f"m{i}", f"Module {i}", "COMMONMODULE", "1.0") for i in range(n)]
    consumed: dict[str, list[Ref]] = {}
    ref_nx = nx.DiGraph()
    ref_nx.add_nodes_from(keys[:n])
    for a, b in edges:
        consumed.setdefault(f"m{a}", []).append(Ref(*keys[b], name=f"N{b}"))
        ref_nx.add_edge(keys[a], keys[b])
    return build_graph(records, consumed.items()), ref_nx


def cyclic_sccs(g: nx.DiGraph) -> set[frozenset[NodeKey]]:
    """Components with more than one node, or one node with a self-loop."""
    out = set()
    for c in nx.strongly_connected_components(g):
        first = next(iter(c))
        if len(c) > 1 or g.has_edge(first, first):
            out.add(frozenset(c))
    return out


def girth(g: nx.DiGraph, comp: frozenset[NodeKey]) -> int:
    sub = g.subgraph(comp)
    return min(1 if u == v else nx.shortest_path_length(sub, v, u) + 1 for u, v in sub.edges())


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_cycles_are_the_cyclic_sccs_with_a_shortest_cycle(data: tuple[FlowGraph, nx.DiGraph]) -> None:
    graph, ref = data
    result = analyse(graph)
    found = {frozenset(c.nodes) for c in result.cycles.cycles}
    assert found == cyclic_sccs(ref)
    for c in result.cycles.cycles:
        path = c.path
        assert path[0] == path[-1] and set(path) <= set(c.nodes)
        assert all(ref.has_edge(a, b) for a, b in itertools.pairwise(path))
        assert len(set(path[:-1])) == len(path) - 1  # a simple cycle
        assert c.length == girth(ref, frozenset(c.nodes))
    assert [c.size for c in result.cycles.cycles] == sorted(
        (c.size for c in result.cycles.cycles), reverse=True
    )


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_order_is_the_condensation_consumed_first(data: tuple[FlowGraph, nx.DiGraph]) -> None:
    graph, ref = data
    order = analyse(graph, include_resources=True).order
    sccs = {frozenset(c) for c in nx.strongly_connected_components(ref)}
    steps = [frozenset(s.nodes) for s in order.steps]
    assert len(steps) == len(set(steps)) and set(steps) == sccs  # each step is one SCC, each SCC once
    assert len(steps) == nx.condensation(ref).number_of_nodes()
    cyclic = cyclic_sccs(ref)
    assert {frozenset(s.nodes) for s in order.steps if s.blocking} == cyclic
    assert order.blocked == (not nx.is_directed_acyclic_graph(ref))
    pos = order.position()
    for consumer, consumed in ref.edges():
        if pos[consumer] != pos[consumed]:
            assert pos[consumed] < pos[consumer], (consumer, consumed)
        else:  # same step: only inside a cycle (a self-loop included)
            assert any(consumer in c and consumed in c for c in cyclic), (consumer, consumed)
    # flows only: the same relative order, resources left out
    flows_only = analyse(graph).order
    expected = [k for s in order.steps for k in s.nodes if k[0] != "QUEUE"]
    assert [k for s in flows_only.steps for k in s.nodes] == expected


@settings(max_examples=200, deadline=None)
@given(graphs(), st.data())
def test_impact_and_dependencies_are_ancestors_and_descendants(
    data: tuple[FlowGraph, nx.DiGraph], pick: st.DataObject
) -> None:
    graph, ref = data
    key = pick.draw(st.sampled_from(sorted(ref.nodes)))
    reach = impact(graph, key)
    assert reach.keys() == nx.ancestors(ref, key)
    assert dependencies(graph, key).keys() == nx.descendants(ref, key)
    in_cycle = any(key in c for c in cyclic_sccs(ref))
    assert reach.through_cycle == in_cycle
    for k, r in reach.reached.items():
        assert r.distance == nx.shortest_path_length(ref, k, key)
