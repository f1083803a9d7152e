"""The Flows tab's side pane: impact, dependencies, cycles, publish order and problems, each as
lines for a list where Enter on a line jumps to its node in the tree.

Plain functions of the service's answers (no widget, no request): the tab computes the answer,
these words it. A pane never lists more than ``MAX_LINES`` entries; the last line says how many
more there are and how to see them all (the export, the CLI twin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text

if TYPE_CHECKING:
    from gctui.services.flows import CycleReport, DeployOrder, FlowGraph, NodeKey, ProblemReport, Reach

Mode = Literal["impact", "dependencies", "cycles", "order", "problems"]
MODES: tuple[Mode, ...] = ("impact", "dependencies", "cycles", "order", "problems")
MAX_LINES = 300


@dataclass(frozen=True, slots=True)
class Line:
    text: Text
    key: NodeKey | None = None  # Enter jumps here
    related: NodeKey | None = None  # e.g. the at-risk data action of a problem
    heading: bool = False  # not selectable


@dataclass(frozen=True, slots=True)
class Pane:
    title: str
    lines: list[Line]


def _name(graph: FlowGraph, key: NodeKey) -> str:
    node = graph.nodes.get(key)
    return (node.name if node is not None else "") or key[1]


def _more(shown: int, total: int, how: str) -> list[Line]:
    if total <= shown:
        return []
    return [Line(Text(f"… {total - shown:,} more: {how}", style="dim italic"), heading=True)]


def reach_pane(graph: FlowGraph, reach: Reach, *, impact: bool, partial: bool) -> Pane:
    """What consumes the node (impact) or what it consumes (dependencies), by type, nearest first."""
    root = _name(graph, reach.root)
    verb = "changing" if impact else ""
    title = f"Impact of {verb} {root}" if impact else f"What {root} uses"
    lines: list[Line] = [
        Line(Text(reach.summary() + (" (partial)" if partial else ""), style="bold"), heading=True)
    ]
    if reach.through_cycle:
        lines.append(Line(Text("⟳ reached through a cycle", style="bold red"), heading=True))
    shown = 0
    for object_type, entries in reach.by_type().items():
        lines.append(Line(Text(f"{object_type} ({len(entries):,})", style="bold underline"), heading=True))
        for r in entries:
            if shown >= MAX_LINES:
                break
            text = Text(f"  {r.node.name or r.node.id}")
            state = str(r.node.state)
            if state not in ("published", "resource"):
                text.append(f"  {state}", style="dim italic")
            if r.distance > 1:
                text.append(f"  via {r.distance - 1}", style="dim")
            lines.append(Line(text, r.node.key))
            shown += 1
    lines += _more(shown, len(reach), "e exports the set, or `gctui flows impact`")
    if len(reach) == 0:
        lines.append(
            Line(Text("nothing consumes it" if impact else "it consumes nothing", style="dim"), heading=True)
        )
    return Pane(title, lines)


def cycles_pane(graph: FlowGraph, report: CycleReport) -> Pane:
    lines: list[Line] = [Line(Text(report.summary(), style="bold red" if report else "bold"), heading=True)]
    for cycle in report.cycles[:MAX_LINES]:
        text = Text(f"{cycle.index}. ", style="bold")
        text.append(f"{cycle.size} node{'s' * (cycle.size != 1)}: ", style="dim")
        text.append(cycle.describe(graph), style="red")
        lines.append(Line(text, cycle.path[0] if cycle.path else cycle.nodes[0]))
    lines += _more(min(len(report), MAX_LINES), len(report), "`gctui flows cycles`")
    return Pane("Cycles", lines)


def order_pane(graph: FlowGraph, order: DeployOrder, *, scope: str) -> Pane:
    """Publish top to bottom: what a flow consumes comes before it; a cycle is one blocked step."""
    head = f"{len(order.steps):,} steps" + (", blocked by a cycle" if order.blocked else "")
    lines: list[Line] = [Line(Text(head, style="bold red" if order.blocked else "bold"), heading=True)]
    shown = 0
    for i, step in enumerate(order.steps, 1):
        if shown >= MAX_LINES:
            break
        names = step.names(graph)
        if step.blocking:
            text = Text(f"{i}. ⟳ together: ", style="bold red")
            text.append(", ".join(names), style="red")
        else:
            text = Text(f"{i}. ")
            text.append(", ".join(names))
        lines.append(Line(text, step.nodes[0] if step.nodes else None))
        shown += 1
    lines += _more(shown, len(order.steps), "`gctui flows order`")
    return Pane(f"Publish order: {scope}", lines)


def problems_pane(graph: FlowGraph, report: ProblemReport | None, *, loading: bool) -> Pane:
    if report is None:
        text = "reading problems…" if loading else "problems are read once the flows are"
        return Pane("Problems", [Line(Text(text, style="dim italic"), heading=True)])
    from gctui.services.flows import Kind, Severity

    problems = sorted(report.problems, key=lambda p: p.subject is not None)
    n = len(problems)
    head = f"{n} problem{'s' * (n != 1)}" + (" (partial)" if report.partial else "")
    lines: list[Line] = [Line(Text(head, style="bold"), heading=True)]
    for error in report.errors:
        lines.append(Line(Text(f"could not read {error}", style="red"), heading=True))
    colour = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
    for p in problems[:MAX_LINES]:
        text = Text(f"{p.severity.name.lower():<7} ", style=colour[p.severity])
        text.append(p.name, style="bold")
        text.append(f": {p.detail}")
        related = p.related[0] if p.kind is Kind.AT_RISK_ACTION and p.related else None
        if related is not None:
            text.append("  (a: open in Data actions)", style="dim")
        lines.append(Line(text, p.subject, related))
    lines += _more(min(n, MAX_LINES), n, "`gctui flows problems`")
    return Pane("Problems", lines)
