"""``gctui flows cycles|impact|order|problems``: the Flows tab's panes as text or JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any

from gctui.cli.actions_common import emit_json, render_table, say
from gctui.cli.flows_common import (
    Context,
    crawl_doc,
    execute,
    graph_size,
    label,
    node_doc,
    report_failures,
    resolve,
)
from gctui.errors import EXIT_FAILED, EXIT_OK
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.services.flows import Cycle, DeployOrder, FlowGraph, Node, NodeKey, Problem, Reach, Severity


def _partial_note(ctx: Context) -> str:
    return "" if ctx.result.complete else " (partial: some flows could not be read)"


def _key_doc(graph: FlowGraph, key: NodeKey) -> dict[str, Any]:
    node = graph.nodes.get(key)
    return {"id": key[1], "name": node.name if node is not None else key[1], "type": key[0]}


# -- cycles ---------------------------------------------------------------------------------------


def run_cycles(args: argparse.Namespace) -> int:
    return execute(args, _cycles)


def cycle_doc(graph: FlowGraph, cycle: Cycle) -> dict[str, Any]:
    path = [_key_doc(graph, k) for k in cycle.path]
    return {
        "index": cycle.index,
        "size": cycle.size,
        "length": cycle.length,
        "members": [node_doc(graph.nodes[k]) for k in cycle.nodes],
        "path": path,
        "pathNames": [p["name"] for p in path],
    }


async def _cycles(ctx: Context) -> int:
    from gctui.services.flows import find_cycles

    graph = ctx.graph
    report = find_cycles(graph, partial=not ctx.result.complete)
    if ctx.args.json:
        emit_json(
            {
                "partial": report.partial,
                "count": len(report),
                "cycles": [cycle_doc(graph, c) for c in report.cycles],
                "crawl": crawl_doc(ctx.result),
            }
        )
    else:
        n = len(report)
        head = "no cycles" if not n else f"{n} cycle{'s' * (n != 1)}"
        print(f"{head} among {graph_size(graph)}{_partial_note(ctx)}")
        for c in report.cycles:
            members = ", ".join(label(graph.nodes[k]) for k in c.nodes)
            print(f"{c.index}. {c.size} node{'s' * (c.size != 1)}: {members}")
            print(f"   shortest cycle: {clean(c.describe(graph))}")
        sys.stdout.flush()
    failed = report_failures(ctx.result)
    return EXIT_FAILED if report or failed else EXIT_OK


# -- impact ---------------------------------------------------------------------------------------


def run_impact(args: argparse.Namespace) -> int:
    return execute(args, _impact)


def impact_doc(ctx: Context, reach: Reach) -> dict[str, Any]:
    from gctui.services.flows import NodeState

    graph = ctx.graph
    counts = reach.counts()
    return {
        "node": node_doc(graph.nodes[reach.root]),
        "partial": not ctx.result.complete,
        "count": len(reach),
        "throughCycle": reach.through_cycle,
        "summary": reach.summary(),
        "counts": {str(s): counts.get(s, 0) for s in NodeState},
        "byType": [
            {
                "type": object_type,
                "count": len(entries),
                "nodes": [{**node_doc(r.node), "distance": r.distance} for r in entries],
            }
            for object_type, entries in reach.by_type().items()
        ],
        "crawl": crawl_doc(ctx.result),
    }


async def _impact(ctx: Context) -> int:
    from gctui.services.flows import impact

    graph = ctx.graph
    node = resolve(graph, ctx.args.node)
    reach = impact(graph, node.key)
    if ctx.args.json:
        emit_json(impact_doc(ctx, reach))
    else:
        print(
            f"Impact of changing {clean(node.name)} ({node.object_type}, {_state(node)}) "
            f"[{node.id}]{_partial_note(ctx)}"
        )
        if not len(reach):
            print("nothing consumes it: a change to it reaches no flow")
        else:
            cycle = "; it is in a cycle: it reaches itself through them" if reach.through_cycle else ""
            print(f"{len(reach)} consumer{'s' * (len(reach) != 1)}: {reach.summary()}{cycle}")
            groups = reach.by_type()
            rows = [
                [r.node.name, str(r.node.state), _hops(r.distance), r.node.id]
                for entries in groups.values()
                for r in entries
            ]
            table = render_table(("NAME", "STATE", "HOPS", "ID"), rows, frozenset()).splitlines()
            print(f"  {table[0]}")
            body = iter(table[1:])
            for object_type, entries in groups.items():
                print(f"{object_type} · {len(entries)}")
                for _ in entries:
                    print(f"  {next(body)}")
        sys.stdout.flush()
    return EXIT_FAILED if report_failures(ctx.result) else EXIT_OK


def _state(node: Node) -> str:
    from gctui.services.flows import NodeState

    state = node.state
    if state is NodeState.PUBLISHED:
        return f"published {node.published_version}"
    if state is NodeState.CHANGED:
        return f"published {node.published_version}, with newer unpublished changes"
    return {NodeState.DRAFT: "draft only", NodeState.UNLISTED: "not listed: deleted?"}.get(state, "resource")


def _hops(distance: int) -> str:
    return "direct" if distance == 1 else f"{distance} hops"


# -- order ----------------------------------------------------------------------------------------


def run_order(args: argparse.Namespace) -> int:
    return execute(args, _order)


def order_doc(ctx: Context, order: DeployOrder, scope: dict[str, Any] | None) -> dict[str, Any]:
    graph = ctx.graph
    return {
        "impactOf": scope,
        "blocked": order.blocked,
        "partial": order.partial,
        "count": len(order.steps),
        "blockingSteps": [s.index for s in order.blocking_steps()],
        "steps": [
            {"index": s.index, "blocking": s.blocking, "nodes": [node_doc(graph.nodes[k]) for k in s.nodes]}
            for s in order.steps
        ],
        "crawl": crawl_doc(ctx.result),
    }


async def _order(ctx: Context) -> int:
    from gctui.services.flows import deploy_order, impact_order

    graph = ctx.graph
    partial = not ctx.result.complete
    scope = None
    if ctx.args.impact is not None:
        node = resolve(graph, ctx.args.impact)
        scope = node_doc(node)
        order = impact_order(graph, node.key, partial=partial)
        title = f"Republish order after changing {label(node)}"
    else:
        order = deploy_order(graph, partial=partial)
        title = "Publish order (what a flow consumes first)"
    blocking = order.blocking_steps()
    if ctx.args.json:
        emit_json(order_doc(ctx, order, scope))
    else:
        n = len(order.steps)
        state = f"blocked by {len(blocking)} cycle{'s' * (len(blocking) != 1)}" if blocking else "no cycle"
        print(f"{title}: {n} step{'s' * (n != 1)}, {state}{_partial_note(ctx)}")
        width = len(str(n))
        for s in order.steps:
            names = ", ".join(label(graph.nodes[k]) for k in s.nodes)
            if s.blocking:
                names = f"BLOCKED, a cycle of {len(s.nodes)} (publish together or break it): {names}"
            print(f"{s.index:>{width}}. {names}")
        sys.stdout.flush()
    if blocking:
        steps = ", ".join(str(s.index) for s in blocking)
        plural = "s" * (len(blocking) != 1)
        say(f"a cycle blocks a safe order (step{plural} {steps}; see `gctui flows cycles`)")
    failed = report_failures(ctx.result)
    return EXIT_FAILED if blocking or failed else EXIT_OK


# -- problems -------------------------------------------------------------------------------------


def run_problems(args: argparse.Namespace) -> int:
    return execute(args, _problems)


def problem_doc(graph: FlowGraph, p: Problem) -> dict[str, Any]:
    subject = None
    if p.subject is not None:
        subject = {**_key_doc(graph, p.subject), "name": p.name}
    return {
        "kind": str(p.kind),
        "severity": p.severity.name.lower(),
        "subject": subject,
        "name": p.name,
        "detail": p.detail,
        "related": [_key_doc(graph, k) for k in p.related],
    }


async def _problems(ctx: Context) -> int:
    from gctui.services.actions.risk import at_risk_actions
    from gctui.services.flows import Severity, fetch_problems
    from gctui.services.flows.problems import SEVERITY

    graph = ctx.graph
    session, settings = ctx.session, ctx.profile.actions

    def risk_of(ids: list[str]) -> Awaitable[Mapping[str, str]]:
        return at_risk_actions(session.api, session.pool, settings, ids)

    report = await fetch_problems(
        session.api, session.pool, graph, risk_of=risk_of, partial=not ctx.result.complete
    )
    # org-wide problems first: when the index is stale, every other line may be too
    problems = sorted(report.problems, key=lambda p: p.subject is not None)
    by_severity = {s: sum(p.severity is s for p in problems) for s in sorted(Severity, reverse=True)}
    if ctx.args.json:
        counts = report.counts()
        emit_json(
            {
                "indexStatus": report.index_status,
                "indexOk": report.index_ok,
                "partial": report.partial,
                "count": len(problems),
                "bySeverity": {s.name.lower(): n for s, n in by_severity.items()},
                "counts": [
                    {"kind": str(k), "severity": SEVERITY[k].name.lower(), "count": n}
                    for k, n in sorted(counts.items(), key=lambda kv: (-SEVERITY[kv[0]], kv[0]))
                ],
                "problems": [problem_doc(graph, p) for p in problems],
                "errors": [clean(e) for e in report.errors],
                "crawl": crawl_doc(ctx.result),
            }
        )
    else:
        index = clean(report.index_status) if report.index_status else "status unknown"
        n = len(problems)
        spread = ", ".join(_severity_count(s, c) for s, c in by_severity.items() if c)
        head = f"dependency index {index} · {n} problem{'s' * (n != 1)}" + (f": {spread}" if spread else "")
        print(head + _partial_note(ctx))
        if problems:
            rows = [[p.severity.name.lower(), str(p.kind), p.name, p.detail] for p in problems]
            print(render_table(("SEVERITY", "KIND", "FLOW", "DETAIL"), rows, frozenset()))
        sys.stdout.flush()
    for error in report.errors:
        say(f"warning: could not read {error}")
    failed = report_failures(ctx.result)
    serious = any(p.severity >= Severity.WARNING for p in problems)
    return EXIT_FAILED if serious or report.errors or failed else EXIT_OK


def _severity_count(severity: Severity, n: int) -> str:
    word = severity.name.lower()
    return f"{n} {word}" if word == "info" else f"{n} {word}{'s' * (n != 1)}"
