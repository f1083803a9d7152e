"""What the ``gctui actions`` subcommands share: messages on stderr, JSON on stdout, the change
journal, the write guards (read-only, confirmation on a terminal), throttled progress and the
aligned text table. Imported only when an actions subcommand runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from gctui.errors import EXIT_FAILED, EXIT_USAGE, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.services.actions import ActionsWriter, FilterError, Journal, Outcome, Predicate, Reconciliation

PROGRESS_EVERY_S = 1.0  # at most one progress line per second on stderr


def say(message: str) -> None:
    """One line on stderr, ``gctui: …`` (cleaned: messages quote server text)."""
    print(f"gctui: {clean(message)}", file=sys.stderr)


def warn(message: str) -> None:
    say(f"warning: {message}")


def emit_json(doc: object, out: TextIO | None = None) -> None:
    """One JSON document. ``ensure_ascii``: C1 controls and bidi overrides in server text stay
    escaped even when the document lands on a terminal."""
    stream = out or sys.stdout
    stream.write(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
    stream.flush()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def show_timeout(value: int | None, platform_default: int) -> str:
    return f"default ({platform_default} s)" if value is None else f"{value} s"


def compile_or_report(expression: str) -> Predicate | None:
    """The predicate, or None after printing the error, the expression and a caret (exit 2)."""
    from gctui.services.actions import FilterError, compile_filter

    try:
        return compile_filter(expression)
    except FilterError as exc:
        report_filter_error(exc)
        return None


def report_filter_error(exc: FilterError) -> None:
    say(exc.message)
    shown = clean(exc.expression)
    pad = len(clean(exc.expression[: exc.position]))  # escapes widen the text: keep the caret aligned
    print(f"  {shown}\n  {' ' * pad}^", file=sys.stderr)


def journal_scope(profile: ResolvedProfile) -> str:
    """The same scope the TUI uses: one org and OAuth client (the demo org has its own)."""
    from gctui.services.health.store import history_scope

    opts = profile.options
    return history_scope(profile.name, opts.region.api_base, opts.client_id)


def open_journal(scope: str) -> Journal:
    import sqlite3

    from gctui.services.actions import Journal, default_journal_path

    path = default_journal_path()
    try:
        return Journal(path, scope)
    except (OSError, sqlite3.Error) as exc:
        raise GctuiError(f"cannot open the change journal {path}: {exc}; nothing sent") from None


def refuse_read_only(args: argparse.Namespace, profile: ResolvedProfile, what: str) -> None:
    if not profile.options.read_only:
        return
    why = "--read-only" if args.read_only else f"profile {profile.name!r} has read_only = true"
    raise GctuiError(f"read-only mode ({why}): {what} refused; nothing sent", EXIT_USAGE)


def stdin_is_terminal() -> bool:
    stream = sys.stdin
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced by something without a tty
        return False


def require_confirmation_channel(args: argparse.Namespace) -> None:
    """A write that must ask needs a terminal to ask on: refuse before anything is read or sent."""
    if args.yes or stdin_is_terminal():
        return
    raise GctuiError(
        "no terminal to confirm on: add --yes to apply, or --dry-run to see the diff; nothing sent",
        EXIT_USAGE,
    )


def confirm(question: str) -> bool:
    """Ask on the terminal (question on stderr, so stdout stays the result). Only y/yes goes."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")


class Throttle:
    """True at most once per ``every`` seconds (the first call waits a full period)."""

    def __init__(self, every: float = PROGRESS_EVERY_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last = clock()

    def due(self) -> bool:
        now = self.clock()
        if now - self._last < self.every:
            return False
        self._last = now
        return True


class WriteProgress:
    """``on_progress`` of a bulk write: counts on stderr, throttled, and the final count; nothing
    for a single action (its result follows at once)."""

    def __init__(self, verb: str, throttle: Throttle | None = None, out: TextIO | None = None) -> None:
        self.verb = verb
        self.throttle = throttle or Throttle()
        self.out = out
        self.counts: dict[str, int] = {}
        self.lines = 0

    def __call__(self, outcome: Outcome, finished: int, total: int) -> None:
        state = str(outcome.state)
        self.counts[state] = self.counts.get(state, 0) + 1
        if total < 2 or (finished < total and not self.throttle.due()):
            return
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items()))
        print(f"gctui: {self.verb} {finished}/{total} ({parts})", file=self.out or sys.stderr)
        self.lines += 1


async def reconcile_and_say(writer: ActionsWriter) -> Reconciliation | None:
    """Settle what an interrupted earlier run left open, and say what was found (None: nothing
    was open)."""
    from gctui.services.actions import reconcile

    open_count = len(writer.journal.open_entries())
    if not open_count:
        return None
    found = await reconcile(writer)
    if found.unreachable:
        warn(f"could not read the org to settle {open_count} open journal entr{_ies(open_count)}; "
             "they stay open (see `gctui actions journal`)")  # fmt: skip
        return found
    if found.landed:
        say(f"journal: {_n(found.landed)} from an earlier run had landed: marked done")
    if found.not_landed:
        batches = ", ".join(str(b) for b in sorted({e.batch_id for e in found.not_landed}))
        say(f"journal: {_n(found.not_landed)} from an earlier run never landed (batch {batches}): "
            "they still hold the old value; `gctui actions retry` sends them again "
            "(or --dismiss)")  # fmt: skip
    if found.conflicts:
        say(f"journal: {_n(found.conflicts)} from an earlier run were changed by someone else "
            "since: marked conflict")  # fmt: skip
    if found.missing:
        say(f"journal: {_n(found.missing)} from an earlier run name actions that no longer exist: "
            "marked failed")  # fmt: skip
    return found


def _n(entries: Sequence[Any]) -> str:
    return f"{len(entries)} change{'s' * (len(entries) != 1)}"


def _ies(n: int) -> str:
    return "y" if n == 1 else "ies"


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int]) -> str:
    """Fixed-width columns, two spaces apart; every cell through ``clean``."""
    cells = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def fmt(line: Sequence[str]) -> str:
        out = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(line)]
        return "  ".join(out).rstrip()

    return "\n".join([fmt(header), *(fmt(r) for r in cells)])


def failed(message: str) -> GctuiError:
    """An error after the org was asked (nothing sent): exit 1."""
    return GctuiError(message, EXIT_FAILED)
