"""Bulk apply: journal every intent, read current versions in pages, PATCH each action through
the shared pool (``bulk=True``: interactive requests keep their headroom), then verify.

Cancellation stops new sends; what was already sent finishes and stays journaled. Verification
re-reads (pages of 50) until every changed action holds its new value or ``verify_seconds``
pass (the API is eventually consistent); those that never do are reported and journaled
``unknown`` so the next start reconciles them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from gctui.genesys.api import GenesysApi
from gctui.genesys.errors import GenesysError
from gctui.genesys.pool import Job, WorkerPool
from gctui.services.actions.apply import CancelFlag, Outcome, apply_change
from gctui.services.actions.journal import Batch, Journal, Kind, State
from gctui.services.actions.plan import Plan, PlannedChange, timeout_of
from gctui.text import clean

ProgressFn = Callable[[Outcome, int, int], None]  # (outcome, finished so far, total)


@dataclass(frozen=True, slots=True)
class BatchReport:
    batch: Batch
    outcomes: tuple[Outcome, ...]
    not_verified: tuple[Outcome, ...] = ()
    cancelled: bool = False

    def with_state(self, *states: State) -> list[Outcome]:
        return [o for o in self.outcomes if o.state in states]

    @property
    def ok(self) -> bool:
        """Every change landed and was verified (the CLI exits 0, else 1)."""
        return not self.not_verified and all(o.state is State.DONE for o in self.outcomes)

    def summary(self) -> str:
        unverified = {o.entry_id for o in self.not_verified}
        counts: dict[str, int] = {}
        for o in self.outcomes:
            label = "not verified" if o.entry_id in unverified else str(o.state)
            counts[label] = counts.get(label, 0) + 1
        parts = [f"{n} {s}" for s, n in sorted(counts.items())]
        return f"batch {self.batch.id} ({self.batch.kind}): " + (", ".join(parts) or "nothing to do")


LINK_DOWN_AFTER = 5  # sends that could not connect, in a row, before a batch stops sending


@dataclass
class _Stop:
    """The user's cancel flag, or the batch's own stop when the link is down."""

    user: CancelFlag | None
    reason: str = ""

    def is_set(self) -> bool:
        return bool(self.reason) or (self.user is not None and self.user.is_set())


@dataclass
class ActionsWriter:
    api: GenesysApi
    pool: WorkerPool
    journal: Journal
    verify_seconds: float = 10.0
    verify_interval: float = 1.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic

    async def apply(
        self,
        plan: Plan,
        *,
        kind: Kind = Kind.SET_TIMEOUT,
        origin_batch: int | None = None,
        cancel: CancelFlag | None = None,
        on_progress: ProgressFn | None = None,
        verify: bool = True,
    ) -> BatchReport:
        batch = self.journal.start_batch(kind, origin_batch)
        add = self.journal.add_entry
        entries = [(add(batch.id, c.action_id, c.name, c.before, c.after), c) for c in plan.changes]
        try:
            fresh = {a.id: a for a in await self.api.actions_by_ids([c.action_id for c in plan.changes])}
        except GenesysError as exc:
            why = f"not sent: could not read the current versions: {clean(exc)}"
            out = []
            for entry_id, c in entries:
                self.journal.update(entry_id, State.FAILED, error=why)
                out.append(Outcome(entry_id, c.action_id, c.name, c.before, c.after, State.FAILED, error=why))
            return BatchReport(batch, tuple(out))
        total, finished = len(entries), 0
        group = f"actions-batch-{batch.id}"
        stop = _Stop(cancel)
        cut_off = 0  # consecutive sends that could not connect

        def job_for(entry_id: int, change: PlannedChange) -> Callable[[Job[Outcome]], Awaitable[Outcome]]:
            async def run(job: Job[Outcome]) -> Outcome:
                nonlocal finished, cut_off
                current = fresh.get(change.action_id)
                outcome = await apply_change(
                    self.api,
                    self.journal,
                    entry_id,
                    change,
                    current,
                    stop,
                    sleep=self.sleep,
                    stale_wait=self.verify_seconds,
                )
                finished += 1
                cut_off = cut_off + 1 if outcome.link_failed else 0
                if cut_off >= LINK_DOWN_AFTER and not stop.reason:
                    stop.reason = (
                        f"not sent: the link is down ({cut_off} sends in a row could not connect); "
                        "run the change again when it is back"
                    )
                job.report(finished, total, outcome.name)
                if on_progress is not None:
                    on_progress(outcome, finished, total)
                return outcome

            return run

        jobs = [self.pool.submit(f"timeout {c.name}", job_for(eid, c), group=group) for eid, c in entries]
        try:
            outcomes = list(await asyncio.gather(*(j.wait() for j in jobs)))
        except asyncio.CancelledError:
            self.pool.cancel_group(group)  # what was sent stays journaled; reconcile settles it
            raise
        unverified = await self.verify(outcomes) if verify else []
        by_entry = {o.entry_id: o for o in unverified}
        merged = tuple(by_entry.get(o.entry_id, o) for o in outcomes)
        return BatchReport(batch, merged, tuple(unverified), bool(cancel and cancel.is_set()))

    async def verify(self, outcomes: list[Outcome]) -> list[Outcome]:
        """Outcomes marked done whose action does not hold its new value within verify_seconds."""
        waiting = {o.action_id: o for o in outcomes if o.state is State.DONE}
        # The version that holds the new value: a read below it is a stale replica, whatever
        # timeout it shows (it may show the wanted one: an undo reads the pre-batch value).
        holds = {o.action_id: o.version or 0 for o in waiting.values()}
        deadline = self.clock() + self.verify_seconds
        last_seen: dict[str, str] = {}
        while waiting:
            try:
                for action in await self.api.actions_by_ids(list(waiting)):
                    if action.version < holds[action.id]:
                        last_seen[action.id] = f"reads still show version {action.version} (out of date)"
                    elif timeout_of(action) == waiting[action.id].after:
                        del waiting[action.id]
                    else:
                        last_seen[action.id] = f"holds {timeout_of(action)} at version {action.version}"
            except GenesysError as exc:
                last_seen = dict.fromkeys(waiting, f"re-read failed: {clean(exc)}")
            if not waiting or self.clock() >= deadline:
                break
            await self.sleep(min(self.verify_interval, max(0.0, deadline - self.clock())))
        out = []
        for o in waiting.values():
            why = f"not verified after {self.verify_seconds:g} s: {last_seen.get(o.action_id, 'not found')}"
            self.journal.update(o.entry_id, State.UNKNOWN, error=why)
            out.append(replace(o, state=State.UNKNOWN, error=why))
        return out
