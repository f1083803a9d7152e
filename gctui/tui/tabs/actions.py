"""The Data actions tab: every data action with its effective timeout, execution statistics,
risk, suggestion and the flows that use it; timeouts changed one at a time or in bulk, undone,
always through plan → confirm → progress (see ``actions_writes``).

The listing runs in a worker (progress on the status line), rows reach the table in batches;
"used by" is looked up only for the rows on screen (``actions_usedby``). `/` filters by text
(the shell's), `:filter EXPR` (or `w`) by expression (``timeout<=3 and p99>2500``, ``risk``, ``host~crm``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from gctui.text import clean
from gctui.tui.tabs.actions_cells import COLUMNS, cells, detail_text, record, retimed
from gctui.tui.tabs.actions_changes import ChangeActions
from gctui.tui.tabs.actions_keys import ACTIONS, TAB
from gctui.tui.tabs.actions_usedby import UsedByReady, UsedByState, lookup, window_keys
from gctui.tui.tabs.actions_writes import BatchDone, PlanFailed, PlanReady, Reconciled, WriteFlow
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.widgets.dataview import Cell, DataView

if TYPE_CHECKING:
    from gctui.config.models import ActionsConfig
    from gctui.genesys.session import Session
    from gctui.services.actions import ActionRow, ActionsWriter, BatchReport, Loaded, Predicate, UsedByCache
    from gctui.tui.context import TabContext

BATCH_ROWS = 1000  # rows handed to the table per message: the loop stays free between them
TICK_SECONDS = 0.25  # used-by lookups and the status line


class LoadProgress(Message):
    def __init__(self, generation: int, done: int, total: int) -> None:
        super().__init__()
        self.generation, self.done, self.total = generation, done, total


class RowsBatch(Message):
    """Rows for the table: ``early`` ones come as the listing's pages arrive, before the
    statistics; the complete rows follow and replace them quietly (no changed-cell marks)."""

    def __init__(self, generation: int, rows: list[ActionRow], *, early: bool = False) -> None:
        super().__init__()
        self.generation, self.rows, self.early = generation, rows, early


class LoadDone(Message):
    def __init__(self, generation: int, loaded: Loaded) -> None:
        super().__init__()
        self.generation, self.loaded = generation, loaded


class WriterReady(Message):
    def __init__(self, writer: ActionsWriter | None, problem: str | None) -> None:
        super().__init__()
        self.writer, self.problem = writer, problem


class DataActionsTab(ChangeActions, FeatureTab):
    TAB = TAB
    ACTIONS = ACTIONS
    DEFAULT_CSS = """
    DataActionsTab { height: 1fr; }
    DataActionsTab #actions-status { height: 1; width: 1fr; padding: 0 1; color: $text-muted;
                                     text-wrap: nowrap; text-overflow: ellipsis; }
    DataActionsTab #actions-problem { height: auto; padding: 0 1; color: $error; display: none; }
    """

    def __init__(self) -> None:
        super().__init__(id="actions-tab")
        self.session: Session | None = None
        self._settings: ActionsConfig | None = None  # the profile's, once attached
        self.rows: dict[str, ActionRow] = {}
        self.cells: dict[str, list[Cell]] = {}
        self._pos: dict[str, int] = {}
        self.used = UsedByState()
        self.used_by_cache: UsedByCache | None = None
        self.writes = WriteFlow(self)
        self.last_batch: int | None = None
        self.expression = ""
        self._keep: Predicate | None = None
        self._generation = 0
        self._loaded: Loaded | None = None
        self._progress = "waiting for the org…"
        self._risky = 0
        self._shown_status = ""

    def compose(self) -> ComposeResult:
        yield Static(self._progress, id="actions-status", markup=False)
        yield Static("", id="actions-problem", markup=False)
        yield DataView(COLUMNS, id="actions-table", markable=True)

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self._tick)

    def on_unmount(self) -> None:
        if self.writes.writer is not None:
            self.writes.writer.journal.close()

    def data_view(self) -> DataView:
        return self.query_one("#actions-table", DataView)

    @property
    def loaded(self) -> bool:
        """The first listing has reached the table."""
        return self._loaded is not None

    # -- lifecycle --------------------------------------------------------------------------------

    @property
    def settings(self) -> ActionsConfig:
        """The profile's ``[actions]``; the defaults until the org is open. Built on first use:
        the config models (pydantic) are not imported before the first frame."""
        if self._settings is None:
            from gctui.config.models import ActionsConfig

            self._settings = ActionsConfig()
        return self._settings

    @settings.setter
    def settings(self, value: ActionsConfig) -> None:
        self._settings = value

    def attach(self, context: TabContext) -> None:
        from gctui.services.actions import UsedByCache

        self.session = context.session
        self.settings = context.profile.actions
        self.used_by_cache = UsedByCache(context.session.api, self.settings.used_by_flow_filter)
        self._load()
        self.run_worker(self._open_journal(context), name="actions: journal", group="actions-journal",
                        exit_on_error=False)  # fmt: skip

    def retry(self) -> None:
        self.query(".tab-failure").remove()
        if self.session is not None:
            self._load()

    async def _open_journal(self, context: TabContext) -> None:
        from gctui.services.actions import ActionsWriter, Journal, default_journal_path
        from gctui.services.health.store import history_scope

        opts = context.profile.options
        scope = history_scope(context.profile.name, opts.region.api_base, opts.client_id)  # as the CLI's
        path = default_journal_path()
        try:
            journal = await asyncio.to_thread(Journal, path, scope)
        except (OSError, sqlite3.Error) as exc:
            self.post_message(
                WriterReady(None, f"cannot open the change journal {path}: {exc}; changes are off")
            )
            return
        session = context.session
        writer = ActionsWriter(
            session.api, session.pool, journal, verify_seconds=self.settings.verify_retry_seconds
        )
        self.post_message(WriterReady(writer, None))

    def on_writer_ready(self, message: WriterReady) -> None:
        if message.writer is None:
            self.notify(clean(message.problem), severity="error", timeout=10, markup=False)
            return
        self.writes.writer = message.writer
        self.run_worker(self.writes.reconcile(), name="actions: reconcile", group="actions-journal",
                        exit_on_error=False)  # fmt: skip

    def on_reconciled(self, message: Reconciled) -> None:
        self.writes.reconciled(message)

    # -- loading ----------------------------------------------------------------------------------

    def _load(self) -> None:
        self._generation += 1
        self._progress = "loading actions…"
        self.run_worker(self._load_rows(self._generation), name="actions: load", group="actions-load",
                        exclusive=True, exit_on_error=False)  # fmt: skip

    async def _load_rows(self, generation: int) -> None:
        from gctui.services.actions import load_rows

        assert self.session is not None

        def pages(done: int, total: int) -> None:
            self.post_message(LoadProgress(generation, done, total))

        def early(rows: list[ActionRow]) -> None:
            self.post_message(RowsBatch(generation, rows, early=True))

        loaded = await load_rows(
            self.session.api, self.session.pool, self.settings, on_progress=pages, on_rows=early
        )
        for start in range(0, len(loaded.rows), BATCH_ROWS):
            self.post_message(RowsBatch(generation, loaded.rows[start : start + BATCH_ROWS]))
            await asyncio.sleep(0)
        self.post_message(LoadDone(generation, loaded))

    def on_load_progress(self, message: LoadProgress) -> None:
        if message.generation == self._generation and message.done < message.total:
            page = 100  # the listing's page size (GenesysApi.actions)
            self._progress = f"loading actions: {message.done * page:,} of about {message.total * page:,}"
            self._update_status()

    def on_rows_batch(self, message: RowsBatch) -> None:
        if message.generation != self._generation:
            return
        first = self._loaded is None
        if message.early and not first:
            return  # a reload keeps the complete rows until its own are complete (it may fail)
        fresh: dict[str, list[Cell]] = {}
        for row in message.rows:
            self.rows[row.id] = row
            self._pos.setdefault(row.id, len(self._pos))
            fresh[row.id] = self.cells[row.id] = cells(row, self.used.value(row.id))
        if first:  # the first load fills the table as batches come; a reload swaps once, at the end
            view = self.data_view()
            saved = view.flash_seconds
            view.flash_seconds = 0 if not message.early else saved  # statistics in: not "changes"
            try:
                # every row goes in: `:filter`'s predicate (the table's `where`) hides the others
                view.update_rows(fresh)
            finally:
                view.flash_seconds = saved
            what = "listed, statistics loading…" if message.early else "ready"
            self._progress = f"loading actions: {len(self.rows):,} {what}"
            self._update_status()

    def on_load_done(self, message: LoadDone) -> None:
        if message.generation != self._generation:
            return
        reload = self._loaded is not None
        loaded = self._loaded = message.loaded
        self.rows = {r.id: self.rows[r.id] for r in loaded.rows}
        self.cells = {k: self.cells[k] for k in self.rows}
        self._pos = {k: i for i, k in enumerate(self.rows)}
        self._risky = sum(1 for r in self.rows.values() if r.risk)
        self._progress = ""
        if loaded.stats_error:
            self.notify(f"execution statistics could not be read: {loaded.stats_error}", severity="warning")
        if reload:
            self._refresh_view()
        self._update_status()

    def _refresh_view(self) -> None:
        self.data_view().set_rows({k: self.cells[k] for k in self.rows})
        self._apply_where()

    def _apply_where(self) -> None:
        """The expression filter as the table's row predicate: asked lazily, row by row, as
        the table scans its view (the rows stay in the table, so nothing is rebuilt)."""
        keep = self._keep
        view = self.data_view()
        if keep is None:
            view.set_where(None)
            return

        def where(key: str) -> bool:
            row = self.rows.get(key)  # (the tab's rows as they are now: a reload replaces them)
            return row is not None and keep(row)

        view.set_where(where)

    def _set_row(self, row: ActionRow, *, flash: bool) -> None:
        self.rows[row.id] = row
        new = self.cells[row.id] = cells(row, self.used.value(row.id))
        view = self.data_view()
        if row.id not in view.store.pos:
            return
        saved = view.flash_seconds
        if not flash:
            view.flash_seconds = 0  # a used-by count arriving is not a change of the action
        try:
            view.update_rows({row.id: new})
        finally:
            view.flash_seconds = saved

    # -- the status line and used-by ------------------------------------------------------------

    def _tick(self) -> None:
        self._update_status()
        if self.session is None or self.used_by_cache is None or self.modal_open():
            return
        view = self.data_view()
        if not view.region.area:
            return  # another tab is shown
        for key in self.used.wanted(window_keys(view)):
            row = self.rows.get(key)
            if row is None:
                continue
            self.used.pending.add(key)
            self.used.lookups += 1
            self.run_worker(self._used_by(row), name="actions: used by", group="actions-used-by",
                            exit_on_error=False)  # fmt: skip

    async def _used_by(self, row: ActionRow) -> None:
        assert self.session is not None and self.used_by_cache is not None
        self.post_message(await lookup(self.session.pool, self.used_by_cache, row))

    def on_used_by_ready(self, message: UsedByReady) -> None:
        self.used.store(message)
        row = self.rows.get(message.action_id)
        if row is not None:
            self._set_row(row, flash=False)

    def status_text(self) -> str:
        if self._loaded is None:
            return self._progress
        # The line is cut at the terminal's width: what a bulk change acts on (shown, marked,
        # hidden) comes first, the expression (the user typed it, it can be long) after it.
        view = self.data_view()
        parts = [f"{len(self.rows):,} actions", f"{self._risky:,} at risk"]
        if self.expression or view.filter.active:
            count = view.shown_count()  # None: a big table still being scanned (Counted follows)
            parts.append("counting…" if count is None else f"{count:,} shown")
        marked = self._marked()
        if marked:
            visible = set(view.visible_keys()) if len(marked) < 5000 else None
            hidden = sum(1 for k in marked if visible is not None and k not in visible)
            parts.append(f"{len(marked):,} marked" + (f" ({hidden} hidden)" if hidden else ""))
        if self._loaded.stats_error:
            parts.append("no statistics")
        if self._progress:
            parts.append(self._progress)
        if self.expression:
            parts.append(f"where {self.expression}")
        if view.filter.active:
            parts.append(f"/{view.filter.describe()}")
        parts.append(f"stats {self.settings.analytics_window_days} d")
        return " · ".join(parts)

    def _update_status(self) -> None:
        text = clean(self.status_text())
        if text != self._shown_status:
            self._shown_status = text
            # one line of a fixed size: repainted, no layout pass (a keystroke's frame stays small)
            self.query_one("#actions-status", Static).update(text, layout=False)

    def filter_changed(self, view: DataView) -> None:
        self._update_status()

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        return [record(self.rows[k], self.used.value(k)) for k in keys if k in self.rows]

    # -- the expression filter ------------------------------------------------------------------

    def action_where(self) -> None:
        from gctui.tui.widgets.ask import AskScreen

        def done(value: str | None) -> None:
            if value is not None:
                self.command_where(value)

        question = "Filter by expression (empty clears), e.g. timeout<=3 and p99>2500 · risk · host~crm"
        self.app.push_screen(AskScreen(question, self.expression), done)

    def command_where(self, expression: str) -> None:
        from gctui.services.actions import FilterError, compile_filter

        problem = self.query_one("#actions-problem", Static)
        text = expression.strip()
        try:
            keep = compile_filter(text) if text else None
        except FilterError as exc:
            # The caret sits under the position; escapes widen the text before it, so measure that.
            pad = len(clean(exc.expression[: exc.position]))
            why = f"{clean(exc.message)}; the rows are unchanged"
            shown = Text(f"{why}\n  {clean(exc.expression)}\n  {' ' * pad}^")
            problem.update(shown)
            problem.display = True
            self.notify(f"{exc.message}; the rows are unchanged", severity="error", markup=False)
            return
        problem.display = False
        self.expression, self._keep = text, keep
        self._apply_where()
        self._update_status()

    # -- the changes' messages (the keys are in ChangeActions) -----------------------------

    def on_plan_ready(self, message: PlanReady) -> None:
        self.writes.plan_ready(message)

    def on_plan_failed(self, message: PlanFailed) -> None:
        self.writes.plan_failed(message)

    def on_batch_done(self, message: BatchDone) -> None:
        self.writes.batch_done(message)

    def batch_applied(self, report: BatchReport) -> None:
        """The new values in the rows (their cells marked as changed); ``u`` undoes this batch."""
        from gctui.services.actions import State

        self.last_batch = report.batch.id
        for outcome in report.outcomes:
            row = self.rows.get(outcome.action_id)
            if outcome.state is State.DONE and row is not None:
                self._set_row(retimed(row, outcome.after, outcome.version, self.settings), flash=True)
        self._risky = sum(1 for r in self.rows.values() if r.risk)
        self._update_status()

    # -- other actions --------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.session is not None:
            self._load()
            self._update_status()

    def on_data_table_row_selected(self, event: DataView.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        from gctui.tui.widgets.detail import DetailScreen

        key = self.data_view().current_key()
        if key is None or key not in self.rows:
            return

        def content() -> Text | None:
            row = self.rows.get(key)
            if row is None:
                return None
            return detail_text(row, self.used.flows.get(key), self.used.errors.get(key))

        self.app.push_screen(DetailScreen(f"Data action {self.rows[key].name}", content))
