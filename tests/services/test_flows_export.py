"""DOT and Mermaid exports: hostile flow names cannot break out of a label, add statements,
inject markup or directives; the scopes (whole graph, one component, an impact set)."""

from __future__ import annotations

import re

import pytest

from gctui.services.flows import (
    FlowGraph,
    FlowRecord,
    Ref,
    build_graph,
    dot_string,
    export,
    find_cycles,
    impact_scope,
    mermaid_text,
    to_dot,
    to_mermaid,
)
from gctui.services.flows.export import MAX_LABEL
from gctui.text import clean

HOSTILE = [
    'Main"]; n1 --> evil["pwn',
    'a" ]; evil [label="x"]; "',
    "\x1b[31mred\x07 bell",
    'back\\slash \\" quote \\',
    "<img src=x onerror=alert(1)>",
    '%%{init: {"theme":"dark"}}%%',
    "line1\nline2\r\n} digraph x {",
    "`md` |pipe| {brace} #35; a;b",
    "rtl\u202eevil\u2066",
    "naïve 日本語 ok",
    "\\N \\G \\l",
]

DOT_QUOTED = r'"(?:[^"\\]|\\.)*"'
DOT_NODE = re.compile(
    rf"^  n(\d+) \[label=({DOT_QUOTED}), tooltip=({DOT_QUOTED}), shape=(?:box|ellipse)"
    rf'(?:, color="#[0-9a-f]{{6}}"(?:, penwidth=2)?)?(?:, fillcolor="#eeeeee")?(?:, style="[a-z,]+")?\];$'
)
DOT_EDGE = re.compile(r'^  n\d+ -> n\d+(?: \[color="#cc0000"\])?;$')
MERMAID_NODE = re.compile(r'^  n(\d+)(?:\["(.*)"\]|\(\["(.*)"\]\))$')
MERMAID_EDGE = re.compile(r"^  n\d+ --> n\d+$")
MERMAID_PART = re.compile(r"^(?:[^\W_]|[ \-_.,:/()'?!+=@]|#\d+;)*$")


def hostile_graph() -> FlowGraph:
    records = [FlowRecord(f"f{i}", name, "COMMONMODULE", "1.0") for i, name in enumerate(HOSTILE)]
    consumed = [
        (f"f{i}", [Ref("COMMONMODULEFLOW", f"f{(i + 1) % len(HOSTILE)}", "")]) for i in range(len(HOSTILE))
    ]
    consumed.append(("f0", [Ref("QUEUE", 'q"1\n', 'Queue "x"\\', deleted=True)]))
    return build_graph(records, consumed)


def dot_unescape(quoted: str) -> list[str]:
    """The parts of a DOT label: our ``\\n`` separates them; ``\\\\`` and ``\\"`` are literal."""
    body, parts, cur, i = quoted[1:-1], [], "", 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt == "n":
                parts.append(cur)
                cur = ""
            else:
                assert nxt in '\\"', f"unexpected escape \\{nxt}"
                cur += nxt
            i += 2
        else:
            cur += ch
            i += 1
    return [*parts, cur]


def entity_decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def expected_label(name: str) -> str:
    c = clean(name)
    return c if len(c) <= MAX_LABEL else c[: MAX_LABEL - 1] + "…"


def test_dot_hostile_names_stay_inside_their_labels() -> None:
    g = hostile_graph()
    out = to_dot(g, cycles=find_cycles(g), title='t"itle\\')
    lines = out.splitlines()
    assert lines[0] == 'digraph "t\\"itle\\\\" {' and lines[-1] == "}"
    body = lines[4:-1]
    nodes = [DOT_NODE.match(line) for line in body if not DOT_EDGE.match(line)]
    assert all(nodes), [line for line in body if not DOT_NODE.match(line) and not DOT_EDGE.match(line)]
    assert len(nodes) == len(g) and sum(1 for line in body if DOT_EDGE.match(line)) == g.edge_count()
    names = {}
    for m in nodes:
        assert m is not None
        parts = dot_unescape(m.group(2))
        names[dot_unescape(m.group(3))[0]] = parts[0]
    for i, name in enumerate(HOSTILE):
        assert names[f"f{i}"] == expected_label(name)
    assert names[clean('q"1\n')] == clean('Queue "x"\\')
    assert "\x1b" not in out and "\u202e" not in out and "\n}" not in out[:-2]


def test_mermaid_hostile_names_are_entities_only() -> None:
    g = hostile_graph()
    out = to_mermaid(g, cycles=find_cycles(g), title="%%{init}%% <b>")
    lines = out.splitlines()
    assert lines[0].startswith("%% ") and "%%{" not in out and "<b>" not in out
    assert lines[1] == "flowchart LR"
    labels: list[str] = []
    for line in lines[2:]:
        if MERMAID_EDGE.match(line) or line.startswith(("  classDef ", "  class ")):
            continue
        m = MERMAID_NODE.match(line)
        assert m, line
        label = m.group(2) if m.group(2) is not None else m.group(3)
        parts = label.split("<br/>")
        assert all(MERMAID_PART.match(p) for p in parts), label
        labels.append(entity_decode(parts[0]))
    assert len(labels) == len(g)
    assert sorted(labels) == sorted([expected_label(n) for n in HOSTILE] + [clean('Queue "x"\\')])
    assert sum(1 for line in lines if MERMAID_EDGE.match(line)) == g.edge_count()
    assert "\x1b" not in out and "\u202e" not in out


def test_escapers_on_their_own() -> None:
    assert dot_string('a"b\\c\nd') == 'a\\"b\\\\c d'
    assert mermaid_text('a"b<c>|d`e%f\n') == "a#34;b#60;c#62;#124;d#96;e#37;f "
    assert mermaid_text("Ünïcode 1.0 (x)") == "Ünïcode 1.0 (x)"


def test_long_names_are_cut() -> None:
    g = build_graph([FlowRecord("f", "x" * 500, "INBOUNDCALL", "1.0")])
    assert "x" * (MAX_LABEL - 1) + "…" in to_dot(g) and "x" * MAX_LABEL not in to_dot(g)


def scope_graph() -> FlowGraph:
    def m(i: str) -> Ref:
        return Ref("COMMONMODULEFLOW", i, f"M{i}")

    return build_graph(
        [FlowRecord(i, f"M{i}", "COMMONMODULE", "1.0") for i in "abcdx"],
        [("a", [m("b")]), ("b", [m("a"), m("c")]), ("c", [Ref("QUEUE", "q", "Q")]), ("d", [m("c")])],
    )


def test_export_of_one_component_and_of_an_impact_set() -> None:
    g = scope_graph()
    cycles = find_cycles(g)
    comp = cycles.cycles[0]
    dot = export(g, "dot", comp.nodes, cycles=cycles)
    assert dot.count("label=") == 2 and dot.count(" -> ") == 2 and dot.count('[color="#cc0000"]') == 2
    scope = impact_scope(g, ("COMMONMODULEFLOW", "c"))
    assert {k[1] for k in scope} == {"a", "b", "c", "d"}
    mer = export(g, "mermaid", scope, cycles=cycles)
    assert mer.splitlines()[0] == "%% flows: 4 nodes, 4 edges"
    assert "class n0,n1 cycle" in mer  # a and b, sorted first
    whole = export(g, "mermaid")
    assert (
        whole.splitlines()[0] == "%% flows: 6 nodes, 5 edges"
        and "class " not in whole.split("classDef draft")[1]
    )
    with pytest.raises(ValueError, match="export format 'svg' is not one of: dot, mermaid"):
        export(g, "svg")  # type: ignore[arg-type]
