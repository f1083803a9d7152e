"""`gctui actions …`: the Data actions tab without the TUI.

    gctui actions list [--json|--csv] [--filter EXPR] [--used-by]
    gctui actions set-timeout (--ids ID,… | --filter EXPR) (--seconds N | --suggested) [--dry-run] [--yes]
    gctui actions undo BATCH [--dry-run] [--yes]
    gctui actions retry [--dismiss] [--dry-run] [--yes]
    gctui actions journal [--json] [--limit N]
    gctui actions test ID --input JSON|@FILE [--json]

Exit codes: 0 done; 1 some changes failed or conflicted (listed), a test failed, or the org could
not be read; 2 usage, config or validation error (nothing was sent). A write without ``--yes``
shows the diff and asks on the terminal; with no terminal it refuses. Read-only mode refuses every
write before anything is sent. Progress and notes go to stderr, results to stdout.

This module only declares the commands (it is imported for every ``gctui`` run, so it stays
light); each subcommand lives in its own ``gctui.cli.actions_*`` module, imported when it runs.
"""

from __future__ import annotations

import argparse

_FILTER_HELP = (
    "filter expression, e.g. 'timeout<=3 and p99>2500', 'risk', 'host~crm', 'not secure' "
    "(fields: name category integration host method id secure risk default suggestion timeout "
    "configured suggested p95 p99 headroom executions errors timeouts version)"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "actions",
        help="list data actions, change timeouts in bulk (journaled, undoable), test an action",
        description="Data actions headless: the table of the Data actions tab, bulk timeout "
        "changes (version-checked, journaled, undoable) and action tests. Exit 0 done, 1 some "
        "changes failed or conflicted (listed) or a test failed, 2 usage, config or validation "
        "error (nothing sent).",
    )
    cmds = parser.add_subparsers(dest="actions_command", metavar="SUBCOMMAND", required=True)
    _add_list(cmds)
    _add_set_timeout(cmds)
    _add_undo(cmds)
    _add_retry(cmds)
    _add_journal(cmds)
    _add_test(cmds)


def _add_list(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "list",
        help="every action with its timeout, execution statistics, risk and suggestion",
        description="List the org's data actions: name, category, integration, secure, request "
        "method and host, effective timeout, executions, p95, p99, errors and timeouts over the "
        "analytics window ([actions] analytics_window_days), headroom, risk and the suggested "
        "timeout with its reason.",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON document on stdout")
    out.add_argument("--csv", action="store_true", help="CSV on stdout")
    p.add_argument("--filter", metavar="EXPR", help=_FILTER_HELP)
    p.add_argument(
        "--used-by",
        action="store_true",
        help="also list the flows using each listed action (one dependency-tracking call per action)",
    )
    p.set_defaults(func=_run_list)


def _add_set_timeout(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "set-timeout",
        help="set config.timeoutSeconds of several actions (journaled; undo with `actions undo`)",
        description="Change the timeout of the actions named by --ids or matched by --filter, "
        "to --seconds N (1-60) or to each action's suggested timeout. Shows the diff and asks "
        "unless --yes; --dry-run only shows it. Every change is version-checked (an action "
        "someone else changed is a conflict, not overwritten), journaled and verified; the "
        "batch id it prints undoes it.",
    )
    p.add_argument("--ids", metavar="ID,…", help="comma-separated action ids")
    p.add_argument("--filter", metavar="EXPR", help=_FILTER_HELP)
    p.add_argument("--seconds", metavar="N", help="the new timeout, whole seconds 1-60")
    p.add_argument("--suggested", action="store_true", help="each action's suggested timeout")
    p.add_argument("--dry-run", action="store_true", help="show the diff and send nothing")
    p.add_argument("--yes", action="store_true", help="apply without asking")
    p.add_argument("--json", action="store_true", help="the plan or the batch report as JSON on stdout")
    p.set_defaults(func=_run_set_timeout)


def _add_undo(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "undo",
        help="restore what a batch changed (as a new batch, version-checked)",
        description="Put back the timeouts a batch changed. An action changed again since is a "
        "conflict and is left alone. The undo is a batch of its own (see `gctui actions journal`).",
    )
    p.add_argument("batch", metavar="BATCH", help="the batch id (printed by set-timeout, listed by journal)")
    p.add_argument("--dry-run", action="store_true", help="show the diff and send nothing")
    p.add_argument("--yes", action="store_true", help="apply without asking")
    p.add_argument("--json", action="store_true", help="the plan or the batch report as JSON on stdout")
    p.set_defaults(func=_run_undo)


def _add_retry(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "retry",
        help="send again the changes an interrupted run left unsent (or --dismiss them)",
        description="Settle the journal with the org first (what landed is marked done), then "
        "send the changes that never landed again as a new batch, version-checked like any "
        "other; --dismiss closes them in the journal instead, sending nothing.",
    )
    p.add_argument("--dismiss", action="store_true", help="close them in the journal, send nothing")
    p.add_argument("--dry-run", action="store_true", help="show what would be sent and send nothing")
    p.add_argument("--yes", action="store_true", help="apply without asking")
    p.add_argument("--json", action="store_true", help="the batch report as JSON on stdout")
    p.set_defaults(func=_run_retry)


def _run_retry(args: argparse.Namespace) -> int:
    from gctui.cli.actions_write import run_retry

    return run_retry(args)


def _add_journal(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "journal",
        help="the batches of timeout changes made for this profile, newest first",
        description="Every batch of timeout changes for this profile's org, newest first, with "
        "each entry's before and after values and outcome. Reads only the local journal.",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N batches (default 20)")
    p.set_defaults(func=_run_journal)


def _add_test(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = cmds.add_parser(
        "test",
        help="run an action's test with the given input (checked against its schema first)",
        description="Validate the input against the action's input schema (nothing is sent when "
        "it does not fit), then run the action's test and print its steps. Exit 0 when the test "
        "succeeds, 1 when it fails, 2 for bad input.",
    )
    p.add_argument("action_id", metavar="ID", help="the action id")
    p.add_argument("--input", required=True, metavar="JSON|@FILE", help="the input object, or @file.json")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=_run_test)


def _run_list(args: argparse.Namespace) -> int:
    from gctui.cli.actions_list import run_list

    return run_list(args)


def _run_set_timeout(args: argparse.Namespace) -> int:
    from gctui.cli.actions_write import run_set_timeout

    return run_set_timeout(args)


def _run_undo(args: argparse.Namespace) -> int:
    from gctui.cli.actions_write import run_undo

    return run_undo(args)


def _run_journal(args: argparse.Namespace) -> int:
    from gctui.cli.actions_journal import run_journal

    return run_journal(args)


def _run_test(args: argparse.Namespace) -> int:
    from gctui.cli.actions_test import run_test

    return run_test(args)
