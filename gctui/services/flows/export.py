"""DOT (Graphviz) and Mermaid exports of the whole graph, one component, or an impact set.

Flow names are server text and untrusted: a name must never end a label, open a new statement
or smuggle markup into a rendered page. So node ids are ours (``n0``, ``n1``…), never a name or
an id; every label is passed through :func:`gctui.text.clean` (control characters shown
escaped), then escaped for the format: DOT doubles backslashes and escapes quotes inside a quoted
string; Mermaid gets a whitelist: letters, digits, space and ``-_.,:/()'?!+=@`` stay, every other
character becomes an entity code (``#34;``), so quotes, brackets, pipes, ``<``/``>``, ``%%`` and
backticks cannot act as syntax or HTML.

Mermaid renders up to ~500 edges by default (``maxEdges``); export a component or an impact set
rather than a whole large org.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from gctui.services.flows.cycles import CycleReport
from gctui.services.flows.graph import FlowGraph, Node, NodeKey, NodeState
from gctui.services.flows.reach import impact
from gctui.text import clean

Format = Literal["dot", "mermaid"]
FORMATS: tuple[Format, ...] = ("dot", "mermaid")
MAX_LABEL = 120  # characters of a name kept in a label
_MERMAID_SAFE = frozenset(" -_.,:/()'?!+=@")


def impact_scope(graph: FlowGraph, key: NodeKey) -> set[NodeKey]:
    """A node and everything that consumes it (the ``--impact`` export)."""
    return {key, *impact(graph, key).keys()}


def _short(text: str) -> str:
    text = clean(text)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def dot_string(text: str) -> str:
    """``text`` as the inside of a DOT quoted string (no escape of ours can be forged)."""
    return clean(text).replace("\\", "\\\\").replace('"', '\\"')


def mermaid_text(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label: anything but the whitelist is an entity."""
    return "".join(
        ch if (ch.isalnum() and ch.isprintable()) or ch in _MERMAID_SAFE else f"#{ord(ch)};"
        for ch in clean(text)
    )


def _scope(graph: FlowGraph, keys: Iterable[NodeKey] | None) -> tuple[list[Node], list[tuple[int, int]]]:
    chosen = graph.nodes.keys() if keys is None else {k for k in keys if k in graph}
    nodes = sorted((graph.nodes[k] for k in chosen), key=lambda n: (n.object_type, n.name.casefold(), n.id))
    index = {n.key: i for i, n in enumerate(nodes)}
    edges = sorted((index[n.key], index[d]) for n in nodes for d in graph.consumes(n.key) if d in index)
    return nodes, edges


def _status(node: Node) -> str:
    if node.deleted:
        return "deleted"
    if node.state_unknown:
        return "state unknown"
    state = node.state
    if state is NodeState.RESOURCE:
        return ""
    if state is NodeState.PUBLISHED:
        return f"published {node.published_version}"
    return {NodeState.CHANGED: "unpublished changes", NodeState.DRAFT: "draft only"}.get(state, "not listed")


def to_dot(
    graph: FlowGraph,
    keys: Iterable[NodeKey] | None = None,
    *,
    cycles: CycleReport | None = None,
    title: str = "flows",
) -> str:
    """Graphviz DOT: flows are boxes, other resources ellipses; cycle nodes and the edges inside a
    cycle red; deleted or missing resources dashed; draft-only flows grey."""
    nodes, edges = _scope(graph, keys)
    lines = [
        f'digraph "{dot_string(title)}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [color="#555555"];',
    ]
    for i, n in enumerate(nodes):
        label = "\\n".join(dot_string(part) for part in (_short(n.name), n.object_type, _status(n)) if part)
        attrs = [
            f'label="{label}"',
            f'tooltip="{dot_string(n.id)}"',
            f"shape={'box' if n.is_flow else 'ellipse'}",
        ]
        styles = []
        if n.missing:
            styles.append("dashed")
            attrs.append('color="#999999"')
        elif cycles is not None and cycles.in_cycle(n.key):
            attrs.append('color="#cc0000", penwidth=2')
        if n.state is NodeState.DRAFT:
            styles.append("filled")
            attrs.append('fillcolor="#eeeeee"')
        if styles:
            attrs.append(f'style="{",".join(styles)}"')
        lines.append(f"  n{i} [{', '.join(attrs)}];")
    red = ' [color="#cc0000"]'
    for a, b in edges:
        same = False
        if cycles is not None:
            comp = cycles.component_of(nodes[a].key)
            same = comp is not None and comp is cycles.component_of(nodes[b].key)
        lines.append(f"  n{a} -> n{b}{red if same else ''};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(
    graph: FlowGraph,
    keys: Iterable[NodeKey] | None = None,
    *,
    cycles: CycleReport | None = None,
    title: str = "flows",
) -> str:
    """A Mermaid ``flowchart LR``, with classes ``cycle``, ``missing`` and ``draft``."""
    nodes, edges = _scope(graph, keys)
    lines = [f"%% {mermaid_text(title)}: {len(nodes)} nodes, {len(edges)} edges", "flowchart LR"]
    classes: dict[str, list[str]] = {"cycle": [], "missing": [], "draft": []}
    for i, n in enumerate(nodes):
        parts = [mermaid_text(p) for p in (_short(n.name), n.object_type, _status(n)) if p]
        left, right = ('["', '"]') if n.is_flow else ('(["', '"])')
        lines.append(f"  n{i}{left}{'<br/>'.join(parts)}{right}")
        if n.missing:
            classes["missing"].append(f"n{i}")
        elif cycles is not None and cycles.in_cycle(n.key):
            classes["cycle"].append(f"n{i}")
        if n.state is NodeState.DRAFT:
            classes["draft"].append(f"n{i}")
    for a, b in edges:
        lines.append(f"  n{a} --> n{b}")
    lines += [
        "  classDef cycle stroke:#cc0000,stroke-width:3px",
        "  classDef missing stroke:#999999,stroke-dasharray:4 3",
        "  classDef draft fill:#eeeeee",
    ]
    lines += [f"  class {','.join(ids)} {name}" for name, ids in classes.items() if ids]
    return "\n".join(lines) + "\n"


def export(
    graph: FlowGraph,
    fmt: Format,
    keys: Iterable[NodeKey] | None = None,
    *,
    cycles: CycleReport | None = None,
    title: str = "flows",
) -> str:
    """``fmt`` is ``"dot"`` or ``"mermaid"`` (ValueError otherwise)."""
    if fmt == "dot":
        return to_dot(graph, keys, cycles=cycles, title=title)
    if fmt == "mermaid":
        return to_mermaid(graph, keys, cycles=cycles, title=title)
    raise ValueError(f"export format {fmt!r} is not one of: {', '.join(FORMATS)}")
