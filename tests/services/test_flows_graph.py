"""The graph algorithms on small hand-built graphs: a self-loop, two overlapping cycles, a DAG,
a dangling reference; impact, dependencies, deploy order, graph problems and the actions hook."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from gctui.genesys.models import Dependency, Flow
from gctui.services.flows import (
    FlowGraph,
    FlowRecord,
    Kind,
    NodeState,
    Ref,
    analyse,
    build_graph,
    dependencies,
    deploy_order,
    find_cycles,
    flows_using_actions,
    graph_problems,
    impact,
    impact_order,
    object_type_of,
)
from gctui.services.flows.graph import is_newer
from gctui.services.flows.problems import at_risk_problems, merge


def cm(i: str, pub: str | None = "1.0", **kw: str) -> FlowRecord:
    return FlowRecord(i, f"Module {i}", "COMMONMODULE", pub, **kw)


def ib(i: str, pub: str | None = "1.0", **kw: str) -> FlowRecord:
    return FlowRecord(i, f"Inbound {i}", "INBOUNDCALL", pub, **kw)


def M(i: str) -> Ref:
    return Ref("COMMONMODULEFLOW", i, f"Module {i}")


def K(i: str) -> tuple[str, str]:
    return ("COMMONMODULEFLOW", i)


QUEUE = Ref("QUEUE", "q1", "Sales queue")
ACTION = Ref("DATAACTION", "act1", "Lookup customer")
SECURE = Ref("SECUREACTION", "sec1", "Take payment")


def dag() -> FlowGraph:
    """in1 -> a -> b -> queue; in1 -> c -> b; in2 -> c; c -> action."""
    return build_graph(
        [ib("in1"), ib("in2"), cm("a"), cm("b"), cm("c")],
        [
            ("in1", [M("a"), M("c")]),
            ("in2", [M("c")]),
            ("a", [M("b")]),
            ("c", [M("b"), ACTION]),
            ("b", [QUEUE]),
        ],
    )


def overlapping() -> FlowGraph:
    """Two cycles sharing node b: a -> b -> a and b -> c -> d -> b; e consumes a (outside)."""
    return build_graph(
        [cm("a"), cm("b"), cm("c"), cm("d"), ib("e")],
        [("a", [M("b")]), ("b", [M("a"), M("c")]), ("c", [M("d")]), ("d", [M("b")]), ("e", [M("a")])],
    )


def is_cycle_in(graph: FlowGraph, path: tuple[tuple[str, str], ...]) -> bool:
    return path[0] == path[-1] and all(b in graph.consumes(a) for a, b in itertools.pairwise(path))


# -- building -----------------------------------------------------------------------------


def test_flow_types_map_to_dependency_types_and_flows_are_one_node() -> None:
    assert object_type_of("INBOUNDCALL") == "INBOUNDCALLFLOW"
    assert object_type_of("workflow") == "WORKFLOW"
    assert object_type_of("VOICESURVEY") == "VOICESURVEYFLOW"
    assert object_type_of("SPEECH") is None
    g = build_graph([ib("in1"), cm("a")], [("in1", [M("a")])])
    # the module is listed as COMMONMODULE and consumed as COMMONMODULEFLOW: one node
    assert set(g.nodes) == {("INBOUNDCALLFLOW", "in1"), K("a")}
    assert g.node(K("a")).listed and g.node(K("a")).name == "Module a"


def test_names_from_the_server_are_cleaned_and_flags_kept() -> None:
    flow = Flow.model_validate(
        {
            "id": "f1",
            "name": "Evil\x1b[31m name\u202e",
            "type": "inboundcall",
            "publishedVersion": {"id": "3.0"},
            "savedVersion": {"id": "4.0"},
        }
    )
    rec = FlowRecord.from_flow(flow)
    assert rec.name == "Evil\\x1b[31m name\\u202e" and rec.type == "INBOUNDCALL"
    dep = Dependency.model_validate({"id": "x", "name": "Gone\x07", "type": "dataaction", "deleted": True})
    ref = Ref.from_dependency(dep)
    assert ref == Ref("DATAACTION", "x", "Gone\\x07", None, True, False, False)


def test_states_published_changed_draft_unlisted_resource() -> None:
    g = build_graph(
        [
            ib("p", "3.0"),
            ib("s", "3.0", saved_version="4.0"),
            ib("k", "3.0", checked_in_version="3.0"),
            ib("d", None),
        ],
        [("p", [M("gone"), QUEUE])],
    )
    state = {k[1]: n.state for k, n in g.nodes.items()}
    assert state == {
        "p": NodeState.PUBLISHED,
        "s": NodeState.CHANGED,
        "k": NodeState.PUBLISHED,  # checked in at the published version: nothing newer
        "d": NodeState.DRAFT,
        "gone": NodeState.UNLISTED,
        "q1": NodeState.RESOURCE,
    }
    assert is_newer("10.0", "9.0") and not is_newer("9.0", "10.0") and not is_newer(None, "1.0")


def test_set_consumed_replaces_edges_and_drops_orphans() -> None:
    g = build_graph([ib("x"), ib("y")], [("x", [QUEUE, ACTION]), ("y", [QUEUE])])
    xk = ("INBOUNDCALLFLOW", "x")
    g.set_consumed(xk, [QUEUE])
    assert ACTION.key not in g  # nobody consumes it any more
    assert g.consumers(QUEUE.key) == {xk, ("INBOUNDCALLFLOW", "y")}
    g.remove_flow("y")
    assert g.consumers(QUEUE.key) == {xk} and ("INBOUNDCALLFLOW", "y") not in g
    g.set_consumed(xk, [Ref("INBOUNDCALLFLOW", "z", "Z")])
    g.remove_flow("x")
    assert len(g) == 0 and g.edge_count() == 0


def test_a_removed_flow_still_consumed_stays_as_a_dangling_reference() -> None:
    g = build_graph([ib("in1"), cm("a")], [("in1", [M("a")]), ("a", [QUEUE])])
    g.remove_flow("a")
    node = g.node(K("a"))
    assert node.state is NodeState.UNLISTED and node.missing and not g.consumes(K("a"))
    assert QUEUE.key not in g


# -- cycles ---------------------------------------------------------------------------------


def test_a_dag_has_no_cycles_and_a_full_order() -> None:
    g = dag()
    report = find_cycles(g)
    assert not report and report.summary() == "no cycles"
    order = deploy_order(g)
    assert not order.blocked
    names = [s.names(g) for s in order.steps]
    assert names == [["Module b"], ["Module a"], ["Module c"], ["Inbound in1"], ["Inbound in2"]]


def test_a_self_loop_is_a_cycle_of_one_and_blocks_the_order() -> None:
    g = build_graph([cm("s"), ib("in1")], [("s", [M("s"), QUEUE]), ("in1", [M("s")])])
    report = find_cycles(g)
    assert len(report) == 1
    cyc = report.cycles[0]
    assert cyc.nodes == (K("s"),) and cyc.path == (K("s"), K("s")) and cyc.length == 1
    assert cyc.describe(g) == "Module s → Module s"
    order = deploy_order(g)
    assert order.blocked and [s.blocking for s in order.steps] == [True, False]
    assert [s.nodes for s in order.blocking_steps()] == [(K("s"),)]


def test_two_overlapping_cycles_are_one_component_with_the_shortest_cycle() -> None:
    g = overlapping()
    report = find_cycles(g, partial=True)
    assert len(report) == 1 and report.partial and "partial" in report.summary()
    cyc = report.cycles[0]
    assert set(cyc.nodes) == {K("a"), K("b"), K("c"), K("d")}
    assert cyc.length == 2 and is_cycle_in(g, cyc.path)
    assert set(cyc.path) == {K("a"), K("b")}
    assert report.in_cycle(K("d")) and not report.in_cycle(("INBOUNDCALLFLOW", "e"))
    assert report.component_of(K("c")) is cyc


def test_the_shortest_cycle_is_found_even_when_the_first_node_is_on_a_long_one() -> None:
    # a (first by name) lies only on the 4-cycle a->b->c->d->a; c <-> d is a 2-cycle
    g = build_graph(
        [cm("a"), cm("b"), cm("c"), cm("d")],
        [("a", [M("b")]), ("b", [M("c")]), ("c", [M("d")]), ("d", [M("a"), M("c")])],
    )
    cyc = find_cycles(g).cycles[0]
    assert cyc.length == 2 and set(cyc.path) == {K("c"), K("d")} and is_cycle_in(g, cyc.path)


def test_several_components_are_reported_biggest_first() -> None:
    g = build_graph(
        [cm("a"), cm("b"), cm("x"), cm("y"), cm("z"), cm("s")],
        [
            ("a", [M("b")]),
            ("b", [M("a")]),
            ("x", [M("y")]),
            ("y", [M("z")]),
            ("z", [M("x")]),
            ("s", [M("s")]),
        ],
    )
    report = find_cycles(g)
    assert [c.size for c in report.cycles] == [3, 2, 1] and [c.index for c in report.cycles] == [1, 2, 3]
    assert all(is_cycle_in(g, c.path) for c in report.cycles)


def test_cycles_of_a_subset_only_see_its_edges() -> None:
    g = overlapping()
    report = find_cycles(g, [K("b"), K("c"), K("d")])
    assert len(report) == 1 and report.cycles[0].length == 3


# -- impact and dependencies ----------------------------------------------------------------


def test_impact_is_transitive_grouped_by_type_with_states() -> None:
    g = build_graph(
        [ib("in1"), ib("in2", None), cm("a"), cm("b"), cm("c")],
        [("in1", [M("a")]), ("in2", [M("c")]), ("a", [M("b")]), ("c", [M("b")]), ("b", [QUEUE])],
    )
    reach = impact(g, QUEUE.key)
    assert {k[1] for k in reach.keys()} == {"b", "a", "c", "in1", "in2"}
    groups = reach.by_type()
    assert list(groups) == ["COMMONMODULEFLOW", "INBOUNDCALLFLOW"]
    assert [(r.node.id, r.distance) for r in groups["COMMONMODULEFLOW"]] == [("b", 1), ("a", 2), ("c", 2)]
    assert reach.counts() == {NodeState.PUBLISHED: 4, NodeState.DRAFT: 1}
    assert reach.summary() == "5 flows (4 published, 1 draft only)"
    assert [n.id for n in reach.published()] == ["in1", "a", "b", "c"]
    assert not reach.through_cycle


def test_impact_through_a_cycle_excludes_the_root_and_says_so() -> None:
    reach = impact(overlapping(), K("a"))
    assert reach.through_cycle and K("a") not in reach.keys()
    assert {k[1] for k in reach.keys()} == {"b", "c", "d", "e"}


def test_dependencies_are_transitive() -> None:
    deps = dependencies(dag(), ("INBOUNDCALLFLOW", "in1"))
    assert deps.keys() == {K("a"), K("b"), K("c"), QUEUE.key, ACTION.key}
    assert deps.reached[QUEUE.key].distance == 3
    with pytest.raises(KeyError):
        dependencies(dag(), ("QUEUE", "nope"))


def test_impact_order_covers_the_node_and_its_consumers_only() -> None:
    g = dag()
    order = impact_order(g, K("b"))
    assert [s.nodes[0][1] for s in order.steps] == ["b", "a", "c", "in1", "in2"]
    order = impact_order(g, ACTION.key)
    assert [s.nodes[0][1] for s in order.steps] == ["c", "in1", "in2"]  # resources left out
    with_res = impact_order(g, ACTION.key, include_resources=True)
    assert with_res.steps[0].nodes == (ACTION.key,)


def test_analyse_agrees_with_the_separate_calls() -> None:
    g = overlapping()
    a = analyse(g, partial=True)
    assert a.cycles.cycles == find_cycles(g).cycles and a.cycles.partial and a.order.partial
    assert a.order.steps == deploy_order(g).steps
    pos = a.order.position()
    assert pos[("INBOUNDCALLFLOW", "e")] > pos[K("a")] == pos[K("d")]


# -- problems from the graph ----------------------------------------------------------------


def test_dangling_deleted_unknown_and_unpublished_problems() -> None:
    g = build_graph(
        [ib("in1"), ib("in2", "2.0", saved_version="3.0"), ib("d", None), cm("a")],
        [
            ("in1", [M("a"), M("ghost"), Ref("USERPROMPT", "p1", "Welcome", deleted=True)]),
            ("in2", [Ref("SCHEDULE", "s1", "Hours", state_unknown=True)]),
        ],
    )
    g.set_fetch_error(K("a"), "404 not.found: version 1.0 not found")
    by_kind = {(p.kind, p.subject[1] if p.subject else None): p for p in graph_problems(g)}
    assert set(by_kind) == {
        (Kind.DELETED_DEPENDENCY, "in1"),
        (Kind.MISSING_DEPENDENCY, "in1"),
        (Kind.MISSING_DEPENDENCY, "in2"),
        (Kind.FETCH_FAILED, "a"),
        (Kind.NOT_PUBLISHED, "d"),
        (Kind.UNPUBLISHED_CHANGES, "in2"),
    }
    assert by_kind[(Kind.DELETED_DEPENDENCY, "in1")].related == (("USERPROMPT", "p1"),)
    assert by_kind[(Kind.MISSING_DEPENDENCY, "in1")].related == (K("ghost"),)
    assert by_kind[(Kind.UNPUBLISHED_CHANGES, "in2")].detail == "saved 3.0 newer than published 2.0"
    # errors first
    assert [p.severity for p in graph_problems(g)] == sorted(
        (p.severity for p in graph_problems(g)), reverse=True
    )
    # an incomplete listing cannot tell a missing flow from one not listed yet
    partial = graph_problems(g, listing_complete=False)
    assert (Kind.MISSING_DEPENDENCY, ("INBOUNDCALLFLOW", "in1")) not in {(p.kind, p.subject) for p in partial}


def test_published_flows_using_at_risk_actions() -> None:
    g = build_graph(
        [ib("in1"), ib("in2", None), cm("a"), ib("in3")],
        [("in1", [M("a")]), ("a", [ACTION]), ("in2", [ACTION]), ("in3", [SECURE])],
    )
    direct = flows_using_actions(g, {"act1", "sec1", "unknown"})
    assert {a: [n.id for n in ns] for a, ns in direct.items()} == {"act1": ["a"], "sec1": ["in3"]}
    through = flows_using_actions(g, {"act1"}, transitive=True)
    assert [n.id for n in through["act1"]] == ["in1", "a"]  # in2 is draft only
    problems = at_risk_problems(g, {"act1": "p99 2.9 s of a 3 s timeout"})
    assert [(p.subject[1] if p.subject else "", p.detail) for p in problems] == [
        ("in1", "reaches (through another flow) data action Lookup customer: p99 2.9 s of a 3 s timeout"),
        ("a", "uses data action Lookup customer: p99 2.9 s of a 3 s timeout"),
    ]


def test_merge_keeps_one_problem_per_kind_and_subject() -> None:
    g = build_graph([ib("in1")], [("in1", [Ref("USERPROMPT", "p1", "Welcome", deleted=True)])])
    from_graph = graph_problems(g)
    from_api = [
        type(from_graph[0])(
            Kind.DELETED_DEPENDENCY, ("INBOUNDCALLFLOW", "in1"), "Inbound in1", "api", (("QUEUE", "q9"),)
        )
    ]
    merged = merge(from_api, from_graph)
    assert len(merged) == 1 and merged[0].detail == "api"
    assert merged[0].related == (("QUEUE", "q9"), ("USERPROMPT", "p1"))


def test_find_matches_id_then_exact_name_then_substring() -> None:
    g = dag()
    assert [n.id for n in g.find("in1")] == ["in1"]
    assert [n.id for n in g.find("module A")] == ["a"]
    assert [n.id for n in g.find("inbound")] == ["in1", "in2"]
    assert g.find("  ") == []


def test_subgraph_and_copy_are_independent() -> None:
    g = dag()
    sub = g.subgraph([K("a"), K("b"), ("QUEUE", "nope")])
    assert set(sub.nodes) == {K("a"), K("b")} and list(sub.edges()) == [(K("a"), K("b"))]
    c = g.copy()
    c.remove_flow("a")
    assert K("a") in g and g.consumes(("INBOUNDCALLFLOW", "in1")).keys() == {K("a"), K("c")}


def test_importing_the_service_does_not_import_networkx() -> None:
    code = (
        "import sys, pkgutil, importlib, gctui.services.flows as f\n"
        "for m in pkgutil.walk_packages(f.__path__, f.__name__ + '.'): importlib.import_module(m.name)\n"
        "from gctui.services.flows import build_graph, impact, FlowRecord, Ref\n"
        "g = build_graph([FlowRecord('a', 'A', 'COMMONMODULE', '1.0')], [('a', [Ref('QUEUE', 'q')])])\n"
        "impact(g, ('QUEUE', 'q'))\n"
        "print('networkx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_order_leaves_out_flows_that_are_not_listed() -> None:
    g = build_graph([ib("in1")], [("in1", [M("ghost"), QUEUE])])
    assert [s.nodes for s in deploy_order(g).steps] == [(("INBOUNDCALLFLOW", "in1"),)]
    full = deploy_order(g, include_resources=True)
    assert [s.nodes[0] for s in full.steps][-1] == ("INBOUNDCALLFLOW", "in1") and len(full.steps) == 3


def test_deleted_and_unknown_flags_follow_the_references_that_say_so() -> None:
    prompt = ("USERPROMPT", "p1")
    g = build_graph(
        [ib("x"), ib("y")],
        [
            (
                "x",
                [Ref("USERPROMPT", "p1", "Hi", deleted=True), Ref("SCHEDULE", "s", "S", state_unknown=True)],
            ),
            ("y", [Ref("USERPROMPT", "p1", "Hi")]),
        ],
    )
    assert g.node(prompt).deleted and g.node(("SCHEDULE", "s")).state_unknown
    g.set_consumed(("INBOUNDCALLFLOW", "x"), [Ref("USERPROMPT", "p1", "Hi")])  # x was republished
    assert not g.node(prompt).deleted and not g.node(prompt).missing and ("SCHEDULE", "s") not in g
    g.set_consumed(("INBOUNDCALLFLOW", "y"), [Ref("USERPROMPT", "p1", "Hi", deleted=True)])
    assert g.node(prompt).deleted
    g.clear_consumed(("INBOUNDCALLFLOW", "y"))
    assert not g.node(prompt).deleted
    assert g.copy().node(prompt).deleted_refs == 0
