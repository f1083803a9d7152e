"""``gctui actions journal``: the batches of timeout changes for this profile, newest first.

Reads only the local journal file (no network, no credentials needed); a journal that does not
exist yet is an empty one and is not created."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gctui.cli.actions_common import emit_json, iso, journal_scope, open_journal, show_timeout
from gctui.errors import EXIT_OK, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.services.actions import Batch, Entry

MAX_LIMIT = 1000


def run_journal(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise GctuiError(f"--limit {args.limit} is out of range (1-{MAX_LIMIT})")
    scope, default = _scope(args)
    from gctui.services.actions import default_journal_path
    from gctui.services.actions.journal import OPEN_STATES

    batches: list[tuple[Batch, list[Entry]]] = []
    open_entries: list[Entry] = []
    if default_journal_path().exists():
        with open_journal(scope) as journal:
            batches = [(b, journal.entries(b.id)) for b in journal.batches(args.limit)]
            open_entries = journal.open_entries()
    if args.json:
        emit_json(
            {
                "platformDefaultTimeoutSeconds": default,
                "batches": [_batch_doc(b, entries) for b, entries in batches],
                "open": [_entry_doc(e) for e in open_entries],
            }
        )
        return EXIT_OK
    if not batches:
        print("no batches in this profile's journal yet")
        return EXIT_OK
    for batch, entries in batches:
        origin = f" of batch {batch.origin_batch}" if batch.origin_batch is not None else ""
        print(f"batch {batch.id}  {batch.kind}{origin}  {iso(batch.created)}  {_counts(entries)}")
        for e in entries:
            change = f"{show_timeout(e.before, default)} → {show_timeout(e.after, default)}"
            note = f"  ({clean(e.error)})" if e.error else ""
            print(f"  {e.state:<9} {clean(e.name)} [{clean(e.action_id)}]: {change}{note}")
    if open_entries:
        n = len(open_entries)
        states = "/".join(str(s) for s in OPEN_STATES)
        are = "y is" if n == 1 else "ies are"
        print(f"{n} entr{are} still open ({states}): the next set-timeout or undo settles them with the org")
    return EXIT_OK


def _scope(args: argparse.Namespace) -> tuple[str, int]:
    """The journal scope of the selected profile, without starting the demo org or logging in."""
    from gctui.config import load, load_settings, overrides_from_args

    if getattr(args, "demo", False):
        import dataclasses

        from gctui.cli.profile import DEMO_PROFILE, check_demo_flags
        from gctui.services.health.store import history_scope

        check_demo_flags(args)
        settings = load_settings(dataclasses.replace(overrides_from_args(args), profile=None))
        return history_scope(DEMO_PROFILE, ""), settings.actions.platform_default_timeout
    profile = load(overrides_from_args(args), require_credentials=False)
    return journal_scope(profile), profile.actions.platform_default_timeout


def _counts(entries: list[Entry]) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        counts[str(e.state)] = counts.get(str(e.state), 0) + 1
    n = len(entries)
    parts = ", ".join(f"{k} {s}" for s, k in sorted(counts.items()))
    return f"{n} entr{'y' if n == 1 else 'ies'}" + (f": {parts}" if parts else "")


def _batch_doc(batch: Batch, entries: list[Entry]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[str(e.state)] = counts.get(str(e.state), 0) + 1
    return {
        "batchId": batch.id,
        "kind": str(batch.kind),
        "originBatch": batch.origin_batch,
        "createdAt": iso(batch.created),
        "counts": counts,
        "entries": [_entry_doc(e) for e in entries],
    }


def _entry_doc(e: Entry) -> dict[str, Any]:
    return {
        "entryId": e.id,
        "batchId": e.batch_id,
        "actionId": e.action_id,
        "name": e.name,
        "before": e.before,
        "after": e.after,
        "state": str(e.state),
        "versionSent": e.version_sent,
        "error": e.error,
        "correlationId": e.correlation_id,
        "createdAt": iso(e.created),
        "updatedAt": iso(e.updated),
    }
