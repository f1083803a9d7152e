"""``gctui flows export``: the dependency graph, one cycle's component or an impact set as
Graphviz DOT or a Mermaid flowchart, on stdout or in a private file (0600, replaced atomically).

Labels are escaped by :mod:`gctui.services.flows.export` (node ids are ours, never a name)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from gctui.cli.actions_common import say, warn
from gctui.cli.flows_common import Context, execute, report_failures, resolve
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.text import clean

MERMAID_MAX_EDGES = 500  # Mermaid's default maxEdges: a bigger chart does not render


def run_export(args: argparse.Namespace) -> int:
    if args.component is not None and args.component < 1:
        raise GctuiError(
            f"--component {args.component} must be at least 1 (cycles are numbered from 1); nothing sent"
        )
    output = output_path(args.output)
    return execute(args, lambda ctx: _export(ctx, output))


def output_path(value: str | None) -> Path | None:
    """The file ``-o`` names (None: stdout), checked before anything is sent."""
    if value is None or value == "-":
        return None
    if not value.strip():
        raise GctuiError("-o needs a file name (or - for stdout)")
    path = Path(value).expanduser()
    shown = clean(str(path))
    if path.is_dir():
        raise GctuiError(f"-o {shown} is a directory; give a file name; nothing sent")
    parent = path.parent
    if not parent.is_dir():
        raise GctuiError(f"-o {shown}: directory {clean(str(parent))} does not exist; nothing sent")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GctuiError(f"-o {shown}: directory {clean(str(parent))} is not writable; nothing sent")
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new 0600 file beside ``path``, then move it over ``path`` (a reader
    never sees half a file; an existing file or symlink there is replaced, never followed)."""
    from gctui.files import open_new_private

    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open_new_private(tmp) as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GctuiError(f"cannot write {clean(str(path))}: {clean(exc.strerror or exc)}") from None


async def _export(ctx: Context, output: Path | None) -> int:
    from gctui.services.flows import NodeKey, export, find_cycles, impact_scope

    args, graph = ctx.args, ctx.graph
    cycles = find_cycles(graph, partial=not ctx.result.complete)
    keys: set[NodeKey] | None = None
    title = "flows"
    if args.component is not None:
        n = len(cycles)
        if not n:
            raise GctuiError(f"--component {args.component}: there are no cycles", EXIT_USAGE)
        if args.component > n:
            raise GctuiError(f"--component {args.component} is out of range (1-{n}: {n} cycles)", EXIT_USAGE)
        keys = set(cycles.cycles[args.component - 1].nodes)
        title = f"cycle {args.component}"
    elif args.impact is not None:
        node = resolve(graph, args.impact)
        keys = impact_scope(graph, node.key)
        title = f"impact of {node.name}"
    text = export(graph, args.format, keys, cycles=cycles, title=title)
    shown = graph if keys is None else graph.subgraph(keys)
    nodes, edges = len(shown), shown.edge_count()
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        where = "stdout"
    else:
        write_private(output, text)
        where = clean(str(output))
    counted = f"{nodes} node{'s' * (nodes != 1)} and {edges} edge{'s' * (edges != 1)}"
    say(f"exported {counted} ({title}) as {args.format} to {where}")
    if args.format == "mermaid" and edges > MERMAID_MAX_EDGES:
        warn(
            f"Mermaid renders at most {MERMAID_MAX_EDGES} edges by default (maxEdges): export one cycle "
            "(--component N) or an impact set (--impact NAME|ID) instead"
        )
    return EXIT_FAILED if report_failures(ctx.result) else EXIT_OK
