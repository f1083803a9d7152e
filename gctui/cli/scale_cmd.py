"""`gctui scale …`: the Scaling tab without the TUI (capacity forecast, scaling webhook).

    gctui scale forecast [--json]              every edge's CPU/memory and trunk's calls, forecast
    gctui scale preview [--json]               the recommendation per node group, its exact payload
                                               and SHA-256; exit 1 when a resource is forecast to
                                               cross critical within the horizon
    gctui scale apply [--webhook URL] [--yes]  post each scale-up to the webhook (journaled, with an
                                               Idempotency-Key, verified, audited)
    gctui scale audit [--json]                 the apply audit trail

History: each run reads the samples stored within ``[scaling] history_window_minutes`` (by
earlier runs and the Scaling tab, in the platform data dir) and takes ``--samples`` fresh ones
(``[scaling] cli_samples``, default 3, ``cli_sample_spacing_seconds`` apart), so a first run
already has a short trend; every run says how much history its forecast used.

This module only declares the commands (it is imported for every ``gctui`` run, so it stays
light); the work is in ``gctui.cli.scale_report`` and ``gctui.cli.scale_apply``.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "scale",
        help="capacity forecast (edges, trunks, Erlang C) and the scaling webhook",
        description="The Scaling tab headless: edge CPU/memory and trunk concurrent calls sampled "
        "into history and forecast over the horizon, Erlang C staffing for the busiest queues, "
        "the recommendation per edge group and its webhook payload. Exit 0 ok, 1 the check failed "
        "(a resource forecast to cross critical, an apply refused or unanswered), 2 usage or config "
        "error (nothing sent).",
    )
    cmds = parser.add_subparsers(dest="scale_command", metavar="SUBCOMMAND", required=True)
    sampling = argparse.ArgumentParser(add_help=False)
    sampling.add_argument(
        "--samples", type=int, metavar="N", help="fresh samples to take (0-60; default [scaling] cli_samples)"
    )
    sampling.add_argument(
        "--spacing",
        type=float,
        metavar="SECONDS",
        help="seconds between fresh samples (0-60; default [scaling] cli_sample_spacing_seconds)",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="one JSON document on stdout")

    p = cmds.add_parser(
        "forecast",
        parents=[sampling, as_json],
        help="each resource now and at the horizon, the time to each threshold, Erlang C staffing",
        description="Every edge's CPU and memory and every trunk's concurrent calls (against its "
        "configured channels): current, forecast at the horizon, thresholds, state, the time until "
        "warning and critical, and the model that said so; then the busiest queues' Erlang C "
        "staffing against the agents on queue now.",
    )
    p.set_defaults(func=_run_forecast)

    p = cmds.add_parser(
        "preview",
        parents=[sampling, as_json],
        help="the recommendation per node group and the exact payload (exit 1 when critical is near)",
        description="What `gctui scale apply` would post: per edge group, current -> requested "
        "nodes and why, the canonical JSON payload and its SHA-256. Exit 1 when a resource is "
        "forecast to cross its critical threshold within the horizon, 0 otherwise.",
    )
    p.set_defaults(func=_run_preview)

    p = cmds.add_parser(
        "apply",
        parents=[sampling],
        help="post each scale-up recommendation to the scaling webhook",
        description="Post each node group's scale-up to the webhook ([scaling] webhook_url, or "
        "--webhook): journaled before it is sent, an Idempotency-Key so a retry after a lost "
        "answer cannot scale twice, verified with the health probes, audited. Asks first unless "
        "--yes. Exit 0 all applied, 1 some refused or unanswered (listed), 2 usage or config "
        "error, read-only mode (nothing sent).",
    )
    p.add_argument("--webhook", metavar="URL", help="post here instead of [scaling] webhook_url")
    p.add_argument("--group", metavar="ID|NAME", help="only this edge group")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=_run_apply)

    p = cmds.add_parser(
        "audit",
        parents=[as_json],
        help="the apply audit trail (time, payload SHA-256, webhook status, verification)",
        description="Every apply of this profile: time, node group, payload SHA-256, Idempotency-"
        "Key, outcome, webhook status and answer, verification and latency (also kept as JSON "
        "lines in scaling-audit.jsonl in the platform data dir).",
    )
    p.add_argument("--limit", type=int, default=50, metavar="N", help="the last N records (default 50)")
    p.set_defaults(func=_run_audit)


def _run_forecast(args: argparse.Namespace) -> int:
    from gctui.cli.scale_report import run_forecast

    return run_forecast(args)


def _run_preview(args: argparse.Namespace) -> int:
    from gctui.cli.scale_report import run_preview

    return run_preview(args)


def _run_apply(args: argparse.Namespace) -> int:
    from gctui.cli.scale_apply import run_apply

    return run_apply(args)


def _run_audit(args: argparse.Namespace) -> int:
    from gctui.cli.scale_report import run_audit

    return run_audit(args)
