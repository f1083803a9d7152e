"""After a crash, a kill -9 or a dropped link: settle the journal against the org; and undo.

``reconcile`` checks every entry left pending/sent/unknown: the new value landed → done; the
action still holds its old value → offered for retry (``retry`` or ``dismiss``); something else
→ conflict. ``undo`` restores a batch's before-values as a batch of its own (kind ``undo``,
version-checked like any change: an action changed since is a conflict, not overwritten)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gctui.genesys.errors import GenesysError
from gctui.services.actions.apply import CancelFlag
from gctui.services.actions.batch import ActionsWriter, BatchReport, ProgressFn
from gctui.services.actions.journal import Entry, Kind, State
from gctui.services.actions.plan import Plan, read_plan, timeout_of


@dataclass(frozen=True, slots=True)
class Reconciliation:
    landed: tuple[Entry, ...]  # now done
    not_landed: tuple[Entry, ...]  # still hold the old value: offer retry or dismiss
    conflicts: tuple[Entry, ...]  # hold a third value: someone else changed them
    missing: tuple[Entry, ...]  # the action is gone
    unreachable: bool = False  # the org could not be read: nothing was settled

    @property
    def clean(self) -> bool:
        return not (self.not_landed or self.conflicts or self.unreachable)


async def reconcile(writer: ActionsWriter) -> Reconciliation:
    journal = writer.journal
    open_entries = journal.open_entries()
    if not open_entries:
        return Reconciliation((), (), (), ())
    try:
        found = {a.id: a for a in await writer.api.actions_by_ids([e.action_id for e in open_entries])}
    except GenesysError:
        return Reconciliation((), (), (), (), unreachable=True)
    landed, not_landed, conflicts, missing = [], [], [], []
    for e in open_entries:
        action = found.get(e.action_id)
        if action is None:
            journal.update(e.id, State.FAILED, error="reconcile: the action no longer exists")
            missing.append(e)
        elif timeout_of(action) == e.after:
            journal.update(e.id, State.DONE, error=None)
            landed.append(e)
        elif timeout_of(action) == e.before:
            not_landed.append(e)  # stays open until retried or dismissed
        else:
            why = f"reconcile: it now holds {timeout_of(action)} (version {action.version})"
            journal.update(e.id, State.CONFLICT, error=why)
            conflicts.append(e)
    return Reconciliation(tuple(landed), tuple(not_landed), tuple(conflicts), tuple(missing))


async def plan_retry(writer: ActionsWriter, entries: Sequence[Entry], platform_default: int) -> Plan:
    wanted = {e.action_id: (e.before, e.after) for e in entries}
    return await read_plan(writer.api, wanted, platform_default)


async def retry(
    writer: ActionsWriter,
    entries: Sequence[Entry],
    platform_default: int,
    *,
    cancel: CancelFlag | None = None,
    on_progress: ProgressFn | None = None,
) -> BatchReport:
    """Send not-landed entries again as a new batch (origin: their batch); the old entries are
    closed as failed, pointing at the new batch."""
    plan = await plan_retry(writer, entries, platform_default)
    origin = entries[0].batch_id if entries else None
    kind = _kind_of(writer, origin)
    report = await writer.apply(plan, kind=kind, origin_batch=origin, cancel=cancel, on_progress=on_progress)
    why = f"not applied (interrupted); retried in batch {report.batch.id}"
    # Found holding the new value without a PATCH: the interrupted change had landed after all.
    held = {c.action_id for c in plan.unchanged}
    held |= {o.action_id for o in report.outcomes if o.state is State.DONE and o.sent == 0}
    for e in entries:
        if e.action_id in held:
            writer.journal.update(e.id, State.DONE, error=f"landed late (found by batch {report.batch.id})")
        else:
            writer.journal.update(e.id, State.FAILED, error=why)
    return report


def dismiss(writer: ActionsWriter, entries: Sequence[Entry]) -> None:
    """The user chose not to retry: close the entries as failed."""
    for e in entries:
        writer.journal.update(e.id, State.FAILED, error="not applied (interrupted); not retried")


def _kind_of(writer: ActionsWriter, batch_id: int | None) -> Kind:
    batch = writer.journal.batch(batch_id) if batch_id is not None else None
    return batch.kind if batch is not None else Kind.SET_TIMEOUT


async def plan_undo(writer: ActionsWriter, batch_id: int, platform_default: int) -> Plan:
    """The dry run of an undo: each done entry of the batch back from ``after`` to ``before``."""
    if writer.journal.batch(batch_id) is None:
        raise LookupError(f"no batch {batch_id} in this profile's journal")
    done = [e for e in writer.journal.entries(batch_id) if e.state is State.DONE]
    wanted = {e.action_id: (e.after, e.before) for e in done}
    # The batch's PATCH on version V landed, so a read at V or older predates it (a stale
    # replica right after the batch): such a read is never taken for "already restored".
    floors = {e.action_id: e.version_sent for e in done if e.version_sent is not None}
    return await read_plan(
        writer.api,
        wanted,
        platform_default,
        floors=floors,
        sleep=writer.sleep,
        stale_wait=writer.verify_seconds,
    )


async def undo(
    writer: ActionsWriter,
    batch_id: int,
    platform_default: int,
    *,
    cancel: CancelFlag | None = None,
    on_progress: ProgressFn | None = None,
) -> BatchReport:
    plan = await plan_undo(writer, batch_id, platform_default)
    return await writer.apply(
        plan, kind=Kind.UNDO, origin_batch=batch_id, cancel=cancel, on_progress=on_progress
    )
