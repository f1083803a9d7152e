"""Every change the Data actions tab makes, one path: plan (read the actions, nothing sent) →
confirm (blast radius: count, names, hidden by the filter, before → after, the flows reached)
→ apply in the progress dialog (journaled, version-checked, verified, cancellable) → rows
updated and a toast with the report → conflicts listed with re-apply or skip. Undo, re-apply and
the retry of what an interrupted session left open go through the same steps; a dry run stops
after the plan and shows the same diff.

Workers only read and send; what they find is posted to the tab, whose handlers call back in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from gctui.text import clean
from gctui.tui.tabs.actions_usedby import POOL_GROUP, affected_lines, lookup_many

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from gctui.services.actions import ActionsWriter, BatchReport, Entry, Outcome, Plan, Reconciliation
    from gctui.tui.tabs.actions import DataActionsTab
    from gctui.tui.widgets.confirm import BlastRadius
    from gctui.tui.widgets.progress import ProgressResult, ProgressScreen

MAX_DRY_RUN_LINES = 500


@dataclass(frozen=True)
class WriteRequest:
    """What the user asked for. ``kind``: "set" (``targets`` = id → seconds), "undo"
    (``origin_batch``) or "retry" (``entries`` an interrupted session left open)."""

    title: str
    kind: str = "set"
    targets: dict[str, object] = field(default_factory=dict)
    origin_batch: int | None = None
    entries: tuple[Entry, ...] = ()
    notes: tuple[str, ...] = ()  # extra confirm lines ("no marks: the 37 actions the filter shows")
    verb: str = "Apply"
    dry_run: bool = False


class PlanReady(Message):
    def __init__(self, request: WriteRequest, plan: Plan, flows: list[str]) -> None:
        super().__init__()
        self.request = request
        self.plan = plan
        self.flows = flows


class PlanFailed(Message):
    def __init__(self, request: WriteRequest, text: str) -> None:
        super().__init__()
        self.request = request
        self.text = text


class BatchDone(Message):
    """The apply worker stopped; ``report`` None when it raised (the app reports that)."""

    def __init__(self, request: WriteRequest, report: BatchReport | None, progress: ProgressScreen) -> None:
        super().__init__()
        self.request = request
        self.report = report
        self.progress = progress


class Reconciled(Message):
    def __init__(self, found: Reconciliation, open_count: int) -> None:
        super().__init__()
        self.found = found
        self.open_count = open_count


def show(value: int | None, platform_default: int) -> str:
    return f"default ({platform_default} s)" if value is None else f"{value} s"


def _names(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(clean(n) for n in names[:limit])
    return shown + (f" … and {len(names) - limit} more" if len(names) > limit else "")


class WriteFlow:
    """The tab's writes. ``busy`` while a plan, a dialog or a batch is under way: one at a time."""

    def __init__(self, tab: DataActionsTab) -> None:
        self.tab = tab
        self.writer: ActionsWriter | None = None
        self.busy = False
        self.last_report: BatchReport | None = None

    # -- start ----------------------------------------------------------------------------------

    def start(self, request: WriteRequest) -> None:
        tab = self.tab
        if self.writer is None:
            tab.notify(
                "the change journal is not open yet: nothing sent; try again in a moment", severity="warning"
            )
            return
        if self.busy:
            tab.notify("another change is under way: finish it first (nothing sent)", severity="warning")
            return
        self.busy = True
        if request.kind == "retry":
            self._progress(request, None)
            return
        tab.run_worker(self._plan(request), name="actions: plan", group="actions-plan", exit_on_error=False)

    async def _plan(self, request: WriteRequest) -> None:
        from gctui.genesys.errors import GenesysError
        from gctui.services.actions import plan_timeouts, plan_undo

        tab, writer = self.tab, self.writer
        cache = tab.used_by_cache
        assert writer is not None and tab.session is not None and cache is not None
        api, pool, default = tab.session.api, tab.session.pool, tab.settings.platform_default_timeout

        async def read(_job: object) -> Plan:
            if request.kind == "undo":
                assert request.origin_batch is not None and writer is not None
                return await plan_undo(writer, request.origin_batch, default)
            return await plan_timeouts(api, request.targets, default)

        try:
            plan = await pool.run("actions: plan", read, group=POOL_GROUP)
            rows = [tab.rows[c.action_id] for c in plan.changes if c.action_id in tab.rows]
            found = await lookup_many(pool, cache, rows, tab.post_message)
        except (GenesysError, LookupError) as exc:
            tab.post_message(PlanFailed(request, clean(exc)))
            return
        except BaseException:
            self.busy = False  # the app's one handler reports what nobody planned for
            raise
        tab.post_message(PlanReady(request, plan, affected_lines(found, len(plan.changes))))

    def plan_failed(self, message: PlanFailed) -> None:
        self.busy = False
        self.tab.notify(f"{message.request.title}: {message.text}; nothing sent", severity="error", timeout=8)

    # -- confirm or dry run ---------------------------------------------------------------------

    def radius(self, request: WriteRequest, plan: Plan, flows: list[str]) -> BlastRadius:
        from gctui.tui.widgets.confirm import BlastRadius, Change

        default = plan.platform_default
        changes = [
            Change(c.name, "timeout", show(c.before, default), show(c.after, default)) for c in plan.changes
        ]
        affected = list(request.notes)
        drifted = [c.name for c in plan.changes if c.drifted]
        if drifted:
            affected.append(
                f"{len(drifted)} changed since: they will be conflicts, not overwritten: {_names(drifted)}"
            )
        if plan.unchanged:
            affected.append(f"{len(plan.unchanged)} already hold that value: not sent")
        if plan.missing:
            affected.append(f"{len(plan.missing)} no longer exist: not sent")
        affected.extend(flows)
        hidden = self.tab.hidden_count([c.action_id for c in plan.changes])
        return BlastRadius(request.title, changes, "data actions", None, hidden, affected, request.verb)

    def plan_ready(self, message: PlanReady) -> None:
        from gctui.tui.widgets.confirm import ConfirmScreen

        request, plan = message.request, message.plan
        radius = self.radius(request, plan, message.flows)
        if not plan.changes:
            self.busy = False
            self.tab.notify(f"{request.title}: nothing to change ({plan.blast_radius()}); nothing sent")
            return
        if request.dry_run:
            from gctui.tui.widgets.detail import DetailScreen

            self.busy = False
            title = f"Dry run: {request.title}"
            self.tab.app.push_screen(DetailScreen(title, dry_run_text(radius, plan)))
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._progress(request, plan)
            else:
                self.busy = False
                self.tab.notify(f"{request.title}: cancelled; nothing sent")

        self.tab.app.push_screen(ConfirmScreen(radius), confirmed)

    # -- apply ----------------------------------------------------------------------------------

    def _progress(self, request: WriteRequest, plan: Plan | None) -> None:
        from gctui.tui.widgets.progress import ProgressScreen

        total = len(plan.changes) if plan is not None else len(request.entries)
        progress = ProgressScreen(request.title, total, self._pace)
        self.tab.app.push_screen(progress, self._progress_closed)
        worker = self._apply(request, plan, progress)
        self.tab.run_worker(worker, name="actions: apply", group="actions-apply", exit_on_error=False)

    def _pace(self) -> float:
        session = self.tab.session
        if session is None:
            return 0.0
        status = session.client.governor.status()
        return status.limit * 60 / status.window * 0.95  # bulk work leaves a reserve

    async def _apply(self, request: WriteRequest, plan: Plan | None, progress: ProgressScreen) -> None:
        from gctui.services.actions import Kind, State, retry

        writer = self.writer
        assert writer is not None

        def tick(outcome: Outcome, finished: int, total: int) -> None:
            if outcome.state is State.CANCELLED:
                return  # never sent: the dialog counts it as not sent
            progress.begin(f"{outcome.name}: {outcome.state}")
            progress.advance(outcome.name, ok=outcome.state is State.DONE, error=outcome.error)
            if finished == total:
                progress.begin("verifying that the org holds the new values…")

        report: BatchReport | None = None
        cancel = progress.cancel_event
        try:
            if request.kind == "retry":
                default = self.tab.settings.platform_default_timeout
                report = await retry(writer, request.entries, default, cancel=cancel, on_progress=tick)
            else:
                assert plan is not None
                kind = Kind.UNDO if request.kind == "undo" else Kind.SET_TIMEOUT
                report = await writer.apply(
                    plan, kind=kind, origin_batch=request.origin_batch, cancel=cancel, on_progress=tick
                )
        finally:
            self.tab.post_message(BatchDone(request, report, progress))

    def batch_done(self, message: BatchDone) -> None:
        from gctui.services.actions import State

        message.progress.finish()
        report = self.last_report = message.report
        if report is None:
            self.busy = False
            return
        self.tab.batch_applied(report)
        text = report.summary()
        if report.not_verified:
            names = _names([o.name for o in report.not_verified])
            text += (
                f". Not verified (the org did not show the new value in time): {names}; "
                "the journal keeps them open and the next start settles them"
            )
        conflicts = report.with_state(State.CONFLICT)
        if conflicts:
            text += f". {len(conflicts)} changed by someone else: not overwritten"
        severity: SeverityLevel = "information" if report.ok else "warning"
        self.tab.notify(text, title=message.request.title, severity=severity, timeout=10)

    def _progress_closed(self, _result: ProgressResult | None) -> None:
        from gctui.services.actions import State

        report = self.last_report
        self.busy = False
        conflicts = report.with_state(State.CONFLICT) if report is not None else []
        if not conflicts:
            return
        from gctui.tui.tabs.actions_dialogs import ConflictScreen

        def chosen(reapply: bool | None) -> None:
            if reapply:
                targets: dict[str, object] = {o.action_id: o.after for o in conflicts}
                self.start(WriteRequest("Re-apply over the conflicting changes", targets=targets))

        self.tab.app.push_screen(
            ConflictScreen([f"{o.name}: {o.error or 'conflict'}" for o in conflicts]), chosen
        )

    # -- the journal at start -------------------------------------------------------------------

    async def reconcile(self) -> None:
        from gctui.services.actions import reconcile

        writer = self.writer
        assert writer is not None
        open_count = len(writer.journal.open_entries())
        if open_count:
            self.tab.post_message(Reconciled(await reconcile(writer), open_count))

    def reconciled(self, message: Reconciled) -> None:
        found, tab = message.found, self.tab
        default = tab.settings.platform_default_timeout

        def line(e: Entry) -> str:
            return f"{e.name}: {show(e.before, default)} → {show(e.after, default)} (batch {e.batch_id})"

        if found.unreachable:
            tab.notify(
                f"journal: could not read the org to settle {message.open_count} open change(s); "
                "they stay open until the next start",
                severity="warning",
            )
            return
        others = []
        if found.conflicts:
            others.append(f"{len(found.conflicts)} were changed by someone else since: marked conflict")
        if found.missing:
            others.append(f"{len(found.missing)} name actions that no longer exist: marked failed")
        if not found.not_landed:
            landed = f"{len(found.landed)} had landed (marked done)" if found.landed else ""
            tab.notify("journal of an interrupted session: " + "; ".join([p for p in (landed, *others) if p]))
            return
        if tab.context is None or tab.context.read_only:
            tab.notify(
                f"journal: {len(found.not_landed)} change(s) of an interrupted session did not land; "
                "retry them from a read-write session",
                severity="warning",
            )
            return
        from gctui.tui.tabs.actions_dialogs import RecoveryScreen

        entries = found.not_landed

        def chosen(choice: str | None) -> None:
            if choice == "retry":
                self.start(WriteRequest("Retry what did not land", kind="retry", entries=entries))
            elif choice == "dismiss" and self.writer is not None:
                from gctui.services.actions import dismiss

                dismiss(self.writer, entries)
                tab.notify(f"journal: {len(entries)} change(s) dismissed; nothing sent")

        screen = RecoveryScreen([line(e) for e in found.landed], [line(e) for e in entries], others)
        tab.app.push_screen(screen, chosen)


def dry_run_text(radius: BlastRadius, plan: Plan) -> Text:
    """The confirm dialog's content as text: nothing is sent."""
    text = Text()
    text.append(radius.summary() + "\n", style="bold")
    text.append(clean(radius.names_line()) + "\n")
    lines = plan.lines()
    for line in lines[:MAX_DRY_RUN_LINES]:
        text.append(f"  {clean(line)}\n")
    if len(lines) > MAX_DRY_RUN_LINES:
        text.append(f"  … and {len(lines) - MAX_DRY_RUN_LINES} more\n")
    for line in radius.affected:
        text.append(clean(line) + "\n")
    text.append("dry run: nothing was sent", style="dim")
    return text
