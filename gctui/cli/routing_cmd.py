"""`gctui routing …`: the Routing tab without the TUI (queues scored from the conversation
aggregates).

    gctui routing score [--interval ISO|--last 1h|today|7d|30d] [--weights asa=0.4,...]
                        [--queues ID|NAME,... | --filter EXPR] [--by queue|method|used] [--json|--csv]
    gctui routing push [--webhook URL] [--yes] [same scoring flags]
    gctui routing audit [--json]

Intervals longer than ``[routing] job_threshold_days`` go through an async aggregate job (its
progress on stderr); shorter ones use the sync query. Everything given is validated before any
request. At the end, on stderr: the requests made, the 429s and the wall time. Exit 0 ok, 1 the
query or the push failed, 2 usage, config or validation error (nothing sent).

This module only declares the commands (it is imported for every ``gctui`` run, so it stays
light); the work is in ``gctui.cli.routing_score`` and ``gctui.cli.routing_push``.
"""

from __future__ import annotations

import argparse

_KPIS = "offered answered handled abandoned abandonRate asa aht serviceLevel transferRate"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "routing",
        help="queues and routing methods scored from analytics (weights, cohort, BI push)",
        description="The Routing tab headless: per-queue KPIs from the conversation aggregates "
        "(grouped by queueId and usedRouting, buckets summed), each queue's routing method from "
        "its configuration, a weighted score normalized over the cohort, and the BI webhook "
        "push. Exit 0 ok, 1 the query or push failed, 2 usage or config error (nothing sent).",
    )
    cmds = parser.add_subparsers(dest="routing_command", metavar="SUBCOMMAND", required=True)

    scoring = argparse.ArgumentParser(add_help=False)
    when = scoring.add_mutually_exclusive_group()
    when.add_argument(
        "--interval", metavar="ISO", help="start/end, e.g. 2024-05-01T00:00:00Z/2024-05-08T00:00:00Z"
    )
    when.add_argument(
        "--last", choices=("1h", "today", "7d", "30d"), help="a preset (default: [routing] default_interval)"
    )
    scoring.add_argument(
        "--weights",
        metavar="KPI=W,...",
        help=f"weights replacing the configured ones (KPIs: {_KPIS}); each >= 0, not all 0",
    )
    scoring.add_argument(
        "--normalization", choices=("minmax", "percentile"), help="default: [routing] normalization"
    )
    scoring.add_argument("--min-offered", type=int, metavar="N", help="default: [routing] min_offered")
    cohort = scoring.add_mutually_exclusive_group()
    cohort.add_argument("--queues", metavar="ID|NAME,...", help="only these queues (the cohort)")
    cohort.add_argument(
        "--filter", metavar="EXPR", help="queues matching EXPR, e.g. 'method=bullseye and offered>=100'"
    )
    scoring.add_argument(
        "--by",
        choices=("queue", "method", "used"),
        default="queue",
        help="one row per queue, per configured routing method, or per usedRouting (analytics)",
    )

    p = cmds.add_parser(
        "score",
        parents=[scoring],
        help="the queues (or routing methods) ranked by weighted score",
        description="KPIs per queue over the interval, the weighted score, its rank and "
        "percentile; queues offered fewer than min_offered are flagged low volume, not ranked.",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON document on stdout")
    out.add_argument("--csv", action="store_true", help="CSV on stdout")
    p.set_defaults(func=_run_score)

    p = cmds.add_parser(
        "push",
        parents=[scoring],
        help="post the scored table to the BI webhook (preview, confirm, audit)",
        description="Score as `gctui routing score` does, preview the envelope (timestamp, "
        "evaluation type, interval, weights, record count, data), ask (unless --yes), POST it as "
        "canonical JSON and audit it (SHA-256 of the bytes, status, latency). Refused in "
        "read-only mode.",
    )
    p.add_argument("--webhook", metavar="URL", help="default: [routing] webhook_url (a secret: never shown)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=_run_push)

    p = cmds.add_parser("audit", help="the BI pushes made from this profile", description="The push audit.")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=_run_audit)


def _run_score(args: argparse.Namespace) -> int:
    from gctui.cli.routing_score import run_score

    return run_score(args)


def _run_push(args: argparse.Namespace) -> int:
    from gctui.cli.routing_push import run_push

    return run_push(args)


def _run_audit(args: argparse.Namespace) -> int:
    from gctui.cli.routing_push import run_audit

    return run_audit(args)
