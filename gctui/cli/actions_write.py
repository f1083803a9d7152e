"""``gctui actions set-timeout`` and ``gctui actions undo``: plan, show the diff, ask, apply
(journaled, version-checked, verified), report. Every input is checked before anything is read
or sent; read-only mode and a missing terminal refuse before the org is asked anything."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gctui.cli import interrupt
from gctui.cli.actions_common import (
    WriteProgress,
    compile_or_report,
    confirm,
    emit_json,
    failed,
    journal_scope,
    open_journal,
    reconcile_and_say,
    refuse_read_only,
    require_confirmation_channel,
    say,
    warn,
)
from gctui.cli.actions_report import plan_document, print_plan, print_report, report_document
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.actions import ActionsWriter, Journal, Plan, Predicate

MAX_LISTED_MISSING = 10  # unknown ids named in the error before "and N more"


@dataclass(frozen=True, slots=True)
class Selection:
    """What set-timeout was asked to do, validated (no network needed to get here)."""

    ids: tuple[str, ...] | None
    keep: Predicate | None
    seconds: int | None  # None: each action's suggested timeout


def run_set_timeout(args: argparse.Namespace) -> int:
    try:
        selection = _selection(args)
    except _FilterReported:
        return EXIT_USAGE
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        if not args.dry_run:
            refuse_read_only(args, profile, "set-timeout")
            require_confirmation_channel(args)
        return interrupt.run(_set_timeout(args, profile, selection))


def run_undo(args: argparse.Namespace) -> int:
    batch_id = _batch_id(args.batch)
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        if not args.dry_run:
            refuse_read_only(args, profile, "undo")
            require_confirmation_channel(args)
        return interrupt.run(_undo(args, profile, batch_id))


def run_retry(args: argparse.Namespace) -> int:
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        if not args.dry_run and not args.dismiss:  # dismissing writes only the local journal
            refuse_read_only(args, profile, "retry")
        if not args.dry_run:
            require_confirmation_channel(args)
        return interrupt.run(_retry(args, profile))


class _FilterReported(Exception):
    """The filter error and its caret are on stderr already."""


def _selection(args: argparse.Namespace) -> Selection:
    from gctui.services.actions import parse_timeout

    if (args.ids is None) == (args.filter is None):
        raise GctuiError("set-timeout needs exactly one of --ids ID,… or --filter EXPR; nothing sent")
    if (args.seconds is None) == (not args.suggested):
        raise GctuiError("set-timeout needs exactly one of --seconds N or --suggested; nothing sent")
    seconds = parse_timeout(args.seconds) if args.seconds is not None else None
    ids: tuple[str, ...] | None = None
    if args.ids is not None:
        ids = tuple(dict.fromkeys(part.strip() for part in args.ids.split(",") if part.strip()))
        if not ids:
            raise GctuiError("--ids is empty: give action ids separated by commas; nothing sent")
    keep = None
    if args.filter is not None:
        keep = compile_or_report(args.filter)
        if keep is None:
            raise _FilterReported
    return Selection(ids, keep, seconds)


def _batch_id(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise GctuiError(f"batch {shown!r} is not a batch id (a number: see `gctui actions journal`)")
    return int(value)


async def _writer(
    stack: AsyncExitStack, profile: ResolvedProfile, journal: Journal
) -> tuple[Session, ActionsWriter]:
    from gctui.genesys.session import Session
    from gctui.services.actions import ActionsWriter

    session = await stack.enter_async_context(Session.create(profile.options))
    verify = profile.actions.verify_retry_seconds
    return session, ActionsWriter(session.api, session.pool, journal, verify_seconds=verify)


async def _set_timeout(args: argparse.Namespace, profile: ResolvedProfile, sel: Selection) -> int:
    from gctui.services.actions import Plan, plan_timeouts

    default = profile.actions.platform_default_timeout
    async with AsyncExitStack() as stack:
        journal = stack.enter_context(open_journal(journal_scope(profile)))
        session, writer = await _writer(stack, profile, journal)
        await reconcile_and_say(writer)  # a dry run too (it only reads): it shows what a run would do
        targets, reasons = await _targets(session, profile, sel)
        if not targets:
            return _nothing(args, Plan((), platform_default=default), "no action to change")
        plan = await plan_timeouts(session.api, targets, default)
        if plan.missing:
            raise _unknown(plan.missing)
        return await _confirm_and_apply(args, writer, plan, reasons, undo_of=None)


async def _targets(
    session: Session, profile: ResolvedProfile, sel: Selection
) -> tuple[dict[str, object], dict[str, str]]:
    """``{action id: new timeout}`` and, for --suggested, why each value."""
    if sel.ids is not None and sel.seconds is not None:
        return dict.fromkeys(sel.ids, sel.seconds), {}  # no listing needed: the plan reads them
    from gctui.services.actions import load_rows

    loaded = await load_rows(session.api, session.pool, profile.actions)
    if loaded.stats_error and (sel.seconds is None or sel.keep is not None):
        need = "suggested timeouts" if sel.seconds is None else "a --filter over statistics"
        raise failed(
            f"execution statistics could not be read ({loaded.stats_error}): no {need}; nothing sent"
        )
    by_id = {r.id: r for r in loaded.rows}
    if sel.ids is not None:
        unknown = [i for i in sel.ids if i not in by_id]
        if unknown:
            raise _unknown(unknown)
        rows = [by_id[i] for i in sel.ids]
    else:
        assert sel.keep is not None
        rows = [r for r in loaded.rows if sel.keep(r)]
        if not rows:
            say(f"no action matches the filter (of {len(loaded.rows)}); nothing to do")
            return {}, {}
    if sel.seconds is not None:
        return dict.fromkeys((r.id for r in rows), sel.seconds), {}
    without = [r for r in rows if r.suggested_timeout is None]
    if without:
        say(f"{len(without)} of {len(rows)} actions have no suggestion (too few executions): left alone")
    chosen = [r for r in rows if r.suggested_timeout is not None]
    return {r.id: r.suggested_timeout for r in chosen}, {r.id: r.suggestion_reason for r in chosen}


async def _undo(args: argparse.Namespace, profile: ResolvedProfile, batch_id: int) -> int:
    from gctui.services.actions import plan_undo

    async with AsyncExitStack() as stack:
        journal = stack.enter_context(open_journal(journal_scope(profile)))
        batch = journal.batch(batch_id)
        if batch is None:
            raise GctuiError(
                f"no batch {batch_id} in this profile's journal (`gctui actions journal` lists them); "
                "nothing sent"
            )
        _, writer = await _writer(stack, profile, journal)
        await reconcile_and_say(writer)  # a dry run too (it only reads): it shows what a run would do
        plan = await plan_undo(writer, batch_id, profile.actions.platform_default_timeout)
        if plan.missing:
            warn(f"{len(plan.missing)} action(s) of batch {batch_id} no longer exist: {_ids(plan.missing)}")
        return await _confirm_and_apply(args, writer, plan, {}, undo_of=batch_id)


async def _retry(args: argparse.Namespace, profile: ResolvedProfile) -> int:
    """Changes an interrupted run left unsent (reconcile found them at their old value): send
    them again as a new batch, or with --dismiss close them in the journal without sending."""
    from gctui.services.actions import dismiss, plan_retry, retry

    async with AsyncExitStack() as stack:
        journal = stack.enter_context(open_journal(journal_scope(profile)))
        _, writer = await _writer(stack, profile, journal)
        found = await reconcile_and_say(writer)
        if found is not None and found.unreachable:
            raise failed("could not read the org to settle the journal; nothing sent")
        pending = list(found.not_landed) if found is not None else []
        if not pending:
            say("nothing to retry: every change in the journal is settled; nothing sent")
            return EXIT_OK
        n = len(pending)
        what = f"{n} change{'s' * (n != 1)}"
        if args.dismiss:
            if args.dry_run:
                print(f"dry run: would close {what} in the journal without sending them")
                return EXIT_OK
            if not args.yes and not confirm(f"close {what} in the journal without sending them?"):
                say("not confirmed; the journal is unchanged")
                return EXIT_FAILED
            dismiss(writer, pending)
            say(f"{what} closed in the journal (not sent); the org keeps its values")
            return EXIT_OK
        default = profile.actions.platform_default_timeout
        plan = await plan_retry(writer, pending, default)
        if not plan.changes:
            await retry(writer, pending, default)  # all landed late: closes them as done
            return _nothing(args, plan, "nothing to retry")
        print_plan(plan, {}, to_stderr=args.json)
        if args.dry_run:
            print("dry run: nothing sent")
            return EXIT_OK
        if not args.yes and not confirm(f"send {what} again?"):
            say("not confirmed; nothing sent")
            return EXIT_FAILED
        report = await retry(writer, pending, default, on_progress=WriteProgress("retry"))
        if args.json:
            emit_json(report_document(report))
        else:
            print_report(report)
        return EXIT_OK if report.ok else EXIT_FAILED


async def _confirm_and_apply(
    args: argparse.Namespace,
    writer: ActionsWriter,
    plan: Plan,
    reasons: Mapping[str, str],
    *,
    undo_of: int | None,
) -> int:
    from gctui.services.actions import Kind

    if not plan.changes:
        return _nothing(args, plan, "nothing to change")
    if args.dry_run and args.json:
        emit_json(plan_document(plan, reasons, dry_run=True))
    else:
        print_plan(plan, reasons, to_stderr=args.json)  # --json: stdout holds only the report
    if args.dry_run:
        if not args.json:
            print("dry run: nothing sent")
        return EXIT_OK
    n = len(plan.changes)
    what = f"{n} action{'s' * (n != 1)}"
    question = f"undo batch {undo_of} on {what}?" if undo_of is not None else f"set the timeout of {what}?"
    if not args.yes and not confirm(question):
        say("not confirmed; nothing sent")
        return EXIT_FAILED
    progress = WriteProgress("undo" if undo_of is not None else "set-timeout")
    try:
        if undo_of is None:
            report = await writer.apply(plan, on_progress=progress)
        else:
            report = await writer.apply(plan, kind=Kind.UNDO, origin_batch=undo_of, on_progress=progress)
    except asyncio.CancelledError:  # Ctrl+C: what was sent is journaled
        say("stopped: changes already sent are in the journal; the next set-timeout or undo settles them")
        raise
    if args.json:
        emit_json(report_document(report))
    else:
        print_report(report)
    return EXIT_OK if report.ok else EXIT_FAILED


def _nothing(args: argparse.Namespace, plan: Plan, why: str) -> int:
    if plan.unchanged:
        n = len(plan.unchanged)
        why += f": {n} action{'s' * (n != 1)} already hold{'s' * (n == 1)} the value"
    if args.json:
        emit_json(plan_document(plan, {}, dry_run=args.dry_run))
    say(f"{why}; nothing sent")
    return EXIT_OK


def _unknown(ids: tuple[str, ...] | list[str]) -> GctuiError:
    return GctuiError(f"unknown action id{'s' * (len(ids) != 1)}: {_ids(ids)}; nothing sent")


def _ids(ids: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(clean(i) for i in ids[:MAX_LISTED_MISSING])
    more = len(ids) - MAX_LISTED_MISSING
    return shown + (f" and {more} more" if more > 0 else "")
