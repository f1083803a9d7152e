"""The keys of the Data actions tab that change the org: `t` (the cursor row), `T` (the marks,
else the shown rows: one value or each one's suggestion), `D`/`:dry-run` (the same, nothing
sent), `u` (undo a batch) and `x` (the test dialog). Each asks, checks the answer before anything
leaves, and hands a ``WriteRequest`` to the tab's ``WriteFlow`` (plan → confirm → progress)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from gctui.tui.tabs.actions_keys import check_batch, check_bulk, check_seconds
from gctui.tui.tabs.actions_usedby import POOL_GROUP
from gctui.tui.tabs.actions_writes import WriteFlow, WriteRequest

if TYPE_CHECKING:
    from gctui.config.models import ActionsConfig
    from gctui.genesys.session import Session
    from gctui.services.actions import ActionRow
    from gctui.services.actions.invoke import Contract, TestRun
    from gctui.tui.tabs.base import FeatureTab
    from gctui.tui.widgets.dataview import DataView

    _Tab = FeatureTab
else:
    _Tab = object


class ChangeActions(_Tab):
    """Mixed into ``DataActionsTab`` (which provides what is declared here)."""

    rows: dict[str, ActionRow]
    writes: WriteFlow
    settings: ActionsConfig
    session: Session | None
    last_batch: int | None
    expression: str
    _pos: dict[str, int]

    if TYPE_CHECKING:

        def data_view(self) -> DataView: ...

    def _cursor_row(self) -> ActionRow | None:
        key = self.data_view().current_key()
        row = self.rows.get(key) if key is not None else None
        if row is None:
            self.notify("no action under the cursor", severity="warning")
        return row

    def _marked(self) -> list[str]:
        """Marked ids among every loaded row (those the filters hide included), in load order."""
        return self.data_view().marks.existing(list(self._pos), self._pos)

    def hidden_count(self, ids: list[str]) -> int:
        """How many of ``ids`` the filters (expression and text) hide now."""
        view = self.data_view()
        return sum(1 for i in ids if view.store.view_index(i) is None)

    # -- t --------------------------------------------------------------------------------------

    def action_edit_timeout(self) -> None:
        from gctui.tui.tabs.actions_dialogs import CheckedAsk

        row = self._cursor_row()
        if row is None:
            return

        def done(value: str | None) -> None:
            if value is not None:
                self._set_one(row, value)

        question = f"Timeout of {row.name} in seconds (1-60); now {row.timeout_label}"
        self.app.push_screen(CheckedAsk(question, str(row.effective_timeout), check_seconds), done)

    def command_timeout(self, value: str) -> None:
        row = self._cursor_row()
        if row is None:
            return
        problem = check_seconds(value)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        self._set_one(row, value)

    def _set_one(self, row: ActionRow, value: str) -> None:
        self.writes.start(WriteRequest(f"Set the timeout of {row.name}", targets={row.id: value.strip()}))

    # -- T and the dry run ----------------------------------------------------------------------

    def _bulk_targets(self) -> tuple[list[str], list[str]]:
        """The marks (hidden ones included), else every shown row; and what the dialog says of it."""
        marked = self._marked()
        if marked:
            return marked, []
        view = self.data_view()
        shown = view.visible_keys()
        if view.filter.active or self.expression:
            return shown, [f"no marks: applied to the {len(shown):,} actions the filter shows"]
        return shown, [f"no marks: applied to all {len(shown):,} actions"]

    def action_bulk_timeout(self, dry_run: bool = False) -> None:
        from gctui.tui.tabs.actions_dialogs import CheckedAsk

        ids, notes = self._bulk_targets()
        if not ids:
            self.notify("no action marked or shown: nothing to change", severity="warning")
            return
        which = (
            notes[0].removeprefix("no marks: applied to ") if notes else f"the {len(ids):,} marked actions"
        )
        verb = "Dry run: new" if dry_run else "New"
        question = f"{verb} timeout for {which}: seconds (1-60), or s for each one's suggested timeout"

        def done(value: str | None) -> None:
            if value is not None:
                self._bulk(value, dry_run=dry_run)

        self.app.push_screen(CheckedAsk(question, "", check_bulk), done)

    def command_bulk(self, value: str) -> None:
        self._bulk(value, dry_run=False)

    def action_dry_run(self) -> None:
        self.action_bulk_timeout(dry_run=True)

    def command_dry_run(self, value: str) -> None:
        self._bulk(value, dry_run=True)

    def _bulk(self, value: str, *, dry_run: bool) -> None:
        problem = check_bulk(value)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        ids, notes = self._bulk_targets()
        if not ids:
            self.notify("no action marked or shown: nothing to change", severity="warning")
            return
        if value.strip().lower() == "s":
            rows = [self.rows[i] for i in ids]
            targets: dict[str, object] = {
                r.id: r.suggested_timeout for r in rows if r.suggested_timeout is not None
            }
            skipped = len(rows) - len(targets)
            if skipped:
                notes.append(f"{skipped:,} have no suggestion (too few executions): left alone")
            if not targets:
                self.notify("none of them has a suggested timeout (too few executions): nothing to change")
                return
            title = f"Apply the suggested timeout to {len(targets):,} data actions"
        else:
            targets = dict.fromkeys(ids, value.strip())
            title = f"Set the timeout of {len(ids):,} data actions to {value.strip()} s"
        self.writes.start(WriteRequest(title, targets=targets, notes=tuple(notes), dry_run=dry_run))

    # -- u --------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        if self.last_batch is not None:
            self._undo(self.last_batch)
            return
        from gctui.tui.tabs.actions_dialogs import CheckedAsk

        writer = self.writes.writer
        latest = writer.journal.batches(1) if writer is not None else []

        def done(value: str | None) -> None:
            if value is not None:
                self._undo(int(value.strip()))

        question = "No batch of this session to undo. Undo which batch of the journal? (its id)"
        self.app.push_screen(CheckedAsk(question, str(latest[0].id) if latest else "", check_batch), done)

    def command_undo(self, value: str) -> None:
        problem = check_batch(value)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        self._undo(int(value.strip()))

    def _undo(self, batch_id: int) -> None:
        self.writes.start(
            WriteRequest(f"Undo batch {batch_id}", kind="undo", origin_batch=batch_id, verb="Undo")
        )

    # -- x --------------------------------------------------------------------------------------

    def action_test_action(self) -> None:
        from gctui.tui.widgets.invoke import InvokeScreen  # the dialog (and jsonschema) when first used

        row = self._cursor_row()
        if row is None or self.session is None:
            return
        load, run = self._test_calls(row, self.session)
        self.app.push_screen(InvokeScreen(row.name, load, run))

    def _test_calls(
        self, row: ActionRow, session: Session
    ) -> tuple[Callable[[], Awaitable[Contract]], Callable[[dict[str, Any]], Awaitable[TestRun]]]:
        """The dialog's ``load`` and ``run``, as jobs of the shared pool (the budget is shared)."""
        from gctui.services.actions.invoke import load_contract, run_test

        api, pool, default = session.api, session.pool, self.settings.platform_default_timeout
        loaded: list[Contract] = []

        async def load() -> Contract:
            async def job(_job: object) -> Contract:
                return await load_contract(api, row.id, default)

            contract = await pool.run(f"contract {row.name}", job, group=POOL_GROUP)
            loaded[:] = [contract]
            return contract

        async def run(inputs: dict[str, Any]) -> TestRun:
            async def job(_job: object) -> TestRun:
                return await run_test(api, loaded[0], inputs)

            return await pool.run(f"test {row.name}", job, group=POOL_GROUP)

        return load, run
