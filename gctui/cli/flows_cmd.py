"""`gctui flows …`: the Flows tab without the TUI (Architect dependency tracking).

    gctui flows cycles [--json]                      exit 1 when a cycle exists (for CI), 0 when none
    gctui flows impact NAME|ID [--json]              what consumes it, transitively, by type
    gctui flows order [--impact NAME|ID] [--json]    the safe publish order; exit 1 when a cycle blocks it
    gctui flows problems [--json]                    exit 1 on any problem of warning severity or worse
    gctui flows export --format dot|mermaid [--component N | --impact NAME|ID] [-o FILE]

Every subcommand crawls the org through the on-disk cache (per flow id and published version):
the first run reads what every published flow consumes (one request per flow), later runs list
the flows and refetch only those published again since; ``--refresh`` refetches everything.
Progress goes to stderr, and at the end one line: the requests made, the 429s and the wall time.
A flow whose dependencies could not be read makes the answer partial: it is listed and the exit
code is 1. Exit 2: a usage or config error, an unknown or ambiguous NAME|ID (the candidates are
listed).

This module only declares the commands (it is imported for every ``gctui`` run, so it stays
light); the work is in ``gctui.cli.flows_report`` and ``gctui.cli.flows_export``.
"""

from __future__ import annotations

import argparse

_NODE_HELP = (
    "a flow or resource: its id, or its name (exact, case-insensitive, else a unique part of it); "
    "an ambiguous name lists the candidates and exits 2"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "flows",
        help="Architect dependency graph: cycles, impact, deploy order, problems, DOT/Mermaid export",
        description="The Flows tab headless: what the org's flows consume (Architect dependency "
        "tracking of each published version, cached on disk so a second run only refetches "
        "what changed), its cycles, the impact of a change, the safe publish order and the "
        "problems to fix. Exit 0 ok, 1 the check failed (cycles, a blocked order, problems) or "
        "some flows could not be read (listed), 2 usage or config error.",
    )
    cmds = parser.add_subparsers(dest="flows_command", metavar="SUBCOMMAND", required=True)
    crawl = argparse.ArgumentParser(add_help=False)
    crawl.add_argument(
        "--refresh",
        action="store_true",
        help="refetch the dependencies of every flow, not only of those published since the last run",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="one JSON document on stdout")

    p = cmds.add_parser(
        "cycles",
        parents=[crawl, as_json],
        help="dependency cycles (exit 1 when there are any: for CI pipelines)",
        description="Every dependency cycle as a strongly connected component: its members and "
        "one shortest cycle through them. Exit 1 when a cycle exists (or some flows could not be "
        "read), 0 when there is none.",
    )
    p.set_defaults(func=_run_cycles)

    p = cmds.add_parser(
        "impact",
        parents=[crawl, as_json],
        help="what breaks if NAME|ID changes: everything that consumes it, transitively",
        description="Everything that consumes the node, directly or through other flows, grouped "
        "by type, with each flow's state (published, changed since published, draft only).",
    )
    p.add_argument("node", metavar="NAME|ID", help=_NODE_HELP)
    p.set_defaults(func=_run_impact)

    p = cmds.add_parser(
        "order",
        parents=[crawl, as_json],
        help="the safe deploy/publish order (exit 1 when a cycle blocks it)",
        description="Publish what a flow consumes before the flow: the topological order of the "
        "dependency graph, a cycle being one blocking step. --impact: the order to republish "
        "after changing that node (it and everything that consumes it). Exit 1 when a cycle "
        "blocks the order.",
    )
    p.add_argument("--impact", metavar="NAME|ID", help="only the node and what consumes it; " + _NODE_HELP)
    p.set_defaults(func=_run_order)

    p = cmds.add_parser(
        "problems",
        parents=[crawl, as_json],
        help="deleted or missing references, needed republishes, drafts, the index status",
        description="Consumers of deleted resources and of updated ones that need a republish, "
        "references to resources that no longer exist, flows never published or with changes "
        "newer than the published version, flows whose dependencies could not be read, and the "
        "dependency index when it is not OPERATIONAL. Exit 1 when any problem is a warning or "
        "worse.",
    )
    p.set_defaults(func=_run_problems)

    p = cmds.add_parser(
        "export",
        parents=[crawl],
        help="the graph, one cycle's component or an impact set as Graphviz DOT or Mermaid",
        description="Export the whole dependency graph, one cycle's component (--component N, "
        "numbered as `gctui flows cycles` lists them) or the impact set of a node (--impact) as "
        "DOT or a Mermaid flowchart; cycles are highlighted. To stdout, or to FILE (written "
        "0600, replaced atomically).",
    )
    p.add_argument("--format", required=True, choices=("dot", "mermaid"), help="the output format")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--component", type=int, metavar="N", help="only cycle N of `gctui flows cycles`")
    scope.add_argument("--impact", metavar="NAME|ID", help="only the node and what consumes it")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (0600) instead of stdout")
    p.set_defaults(func=_run_export)


def _run_cycles(args: argparse.Namespace) -> int:
    from gctui.cli.flows_report import run_cycles

    return run_cycles(args)


def _run_impact(args: argparse.Namespace) -> int:
    from gctui.cli.flows_report import run_impact

    return run_impact(args)


def _run_order(args: argparse.Namespace) -> int:
    from gctui.cli.flows_report import run_order

    return run_order(args)


def _run_problems(args: argparse.Namespace) -> int:
    from gctui.cli.flows_report import run_problems

    return run_problems(args)


def _run_export(args: argparse.Namespace) -> int:
    from gctui.cli.flows_export import run_export

    return run_export(args)
