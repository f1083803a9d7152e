"""The Health tab: the probe matrix, the token panel and the rate-limit panel, live.

Polls never overlap: the next run is scheduled only when the last one finished; runs are
skipped while paused or while a dialog is open. Rows are diffed in place (no full redraws).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from gctui.text import clean, duration
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.health_keys import ACTIONS, TAB
from gctui.tui.tabs.health_panels import (
    countdown,
    ms,
    pace_part,
    rate_panel,
    run_part,
    status_cell,
    token_panel,
)
from gctui.tui.widgets.dataview import Column, DataView

if TYPE_CHECKING:
    # The health service (and with it httpx and the API models) is imported when the org is
    # attached, after the first frame: start-up stays close to a bare Textual app.
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.health import HealthMonitor, HealthSnapshot, ProbeRow, Transition
    from gctui.services.poller import Poller
    from gctui.tui.context import TabContext

COLUMNS = (
    Column("probe", "Probe", 10),
    Column("status", "Status", 8),
    Column("latency", "ms", 4),
    Column("p50", "p50", 4),
    Column("p95", "p95", 4),
    Column("spark", "History", 12),
    Column("code", "Code", 4),
    Column("errors", "Err", 3),
    Column("error", "Last error", 20, flex=True),
    Column("checked", "Checked", 8),
)
SPARK_WIDTH = 12


class RowsReady(Message):
    def __init__(self, snapshot: HealthSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.rows = list(snapshot.rows)


class BudgetAlert(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class MonitorReady(Message):
    def __init__(self, monitor: HealthMonitor) -> None:
        super().__init__()
        self.monitor = monitor


class HealthTab(FeatureTab):
    TAB = TAB
    ACTIONS = ACTIONS
    DEFAULT_CSS = """
    HealthTab { height: 1fr; }
    HealthTab #health-line { height: 1; padding: 0 1; color: $text-muted; }
    HealthTab #health-line Static { width: auto; height: 1; }
    HealthTab #panels { height: 7; }
    HealthTab .panel {
        width: 1fr; height: 7; border: round $primary; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="health-tab")
        self.monitor: HealthMonitor | None = None
        self.poller: Poller | None = None
        self.session: Session | None = None
        self.profile: ResolvedProfile | None = None
        self._last_status: dict[str, str] = {}
        self._shown: dict[str, object] = {}
        self._pending: list[Transition] = []
        self._runs_seen = 0

    def compose(self) -> ComposeResult:
        # The line is made of small widgets: a tick repaints only the part that changed.
        with Horizontal(id="health-line"):
            yield Static("waiting for the org…", id="hl-run")
            yield Static("", id="hl-next")
            yield Static("", id="hl-pace")
            yield Static("", id="hl-filter")
        yield DataView(COLUMNS, id="probes")
        with Horizontal(id="panels"):
            token = Static("", id="token-panel", classes="panel")
            token.border_title = "Token"
            yield token
            rate = Static("", id="rate-panel", classes="panel")
            rate.border_title = "Rate limit"
            yield rate

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def on_unmount(self) -> None:
        if self.monitor is not None and self.monitor.store is not None:
            self.monitor.store.close()

    def data_view(self) -> DataView:
        return self.query_one("#probes", DataView)

    # -- lifecycle ----------------------------------------------------------------------------

    def attach(self, context: TabContext) -> None:
        self.session = context.session
        self.profile = context.profile
        self._build_monitor(context.session, context.profile)

    @work(group="health-setup", exit_on_error=False)
    async def _build_monitor(self, session: Session, profile: ResolvedProfile) -> None:
        # Opening (and pruning) the history DB can take a while on a big file: not on the loop.
        history_path = self.context.history_path if self.context else None
        monitor, problem = await asyncio.to_thread(_make_monitor, session, profile, history_path)
        if problem:
            self.notify(clean(problem), severity="warning", markup=False)
        self.post_message(MonitorReady(monitor))

    def on_monitor_ready(self, message: MonitorReady) -> None:
        from gctui.services.health import health_poller

        monitor = self.monitor = message.monitor
        assert self.profile is not None
        monitor.on_transition.append(lambda t: self._pending.append(t))  # _pending is swapped per run
        monitor.on_snapshot.append(lambda snap: self.post_message(RowsReady(snap)))
        monitor.on_budget_alert.append(lambda text: self.post_message(BudgetAlert(text)))
        # Polls are skipped while a dialog is open (they would change the board under it).
        self.poller = health_poller(monitor, self.profile.health.interval_seconds, blocked=self.modal_open)
        # Cached rows (from the history store) are drawn before the first fetch.
        self._render_rows(monitor.rows(), changed=set())
        self._run_poller(self.poller)

    @work(group="health-poll", exit_on_error=False)
    async def _run_poller(self, poller: Poller) -> None:
        await poller.run_forever()

    # -- rendering ----------------------------------------------------------------------------

    def on_budget_alert(self, message: BudgetAlert) -> None:
        self.app.bell()
        self.notify(message.text, title="Rate budget", severity="warning", timeout=6, markup=False)

    def on_rows_ready(self, message: RowsReady) -> None:
        changed = {
            r.name
            for r in message.rows
            if self._last_status.get(r.name) not in (None, "unknown", str(r.status))
        }
        self._render_rows(message.rows, changed)
        self._announce(self._pending, first=self._runs_seen == 0)
        self._pending = []
        self._runs_seen += 1
        if self._runs_seen == 1:
            import gc

            gc.freeze()  # the start-up objects never need collecting: no 40 ms GC pause in a frame
        self._tick()

    def _announce(self, transitions: list[Transition], *, first: bool) -> None:
        """One toast per run (not one per probe); a bell only when something got worse."""
        alerts = [t for t in transitions if t.is_alert]
        # On the first run, recoveries against restored history are not news.
        recovered = [] if first else [t for t in transitions if t.is_recovery]
        if not alerts and not recovered:
            return
        parts = []
        for level in ("critical", "degraded"):
            names = [t.probe for t in alerts if str(t.new) == level]
            if names:
                parts.append(f"{level}: {', '.join(names)}")
        if alerts:
            parts[-1] += f" ({_error_text(alerts[0].row) or 'slow'})"
        if recovered:
            parts.append(f"recovered: {', '.join(t.probe for t in recovered)}")
        critical = any(str(t.new) == "critical" for t in alerts)
        if alerts:
            self.app.bell()
        self.notify(
            " · ".join(parts),
            title="Probe alert" if alerts else "Probes",
            severity="error" if critical else "warning" if alerts else "information",
            timeout=6 if alerts else 4,
        )

    def _render_rows(self, rows: list[ProbeRow], changed: set[str]) -> None:
        from gctui.services.health import sparkline

        table: dict[str, list[Any]] = {}
        for r in rows:
            table[r.name] = [
                r.name,
                status_cell(r, r.name in changed),
                ms(r.latency_ms),
                ms(r.p50_ms),
                ms(r.p95_ms),
                sparkline(r.history, SPARK_WIDTH),
                "-" if r.status_code is None else str(r.status_code),
                str(r.errors),
                _error_text(r),
                r.checked_at.astimezone().strftime("%H:%M:%S") if r.checked_at else "-",
            ]
            self._last_status[r.name] = str(r.status)
        self.data_view().set_rows(table)

    def _tick(self) -> None:
        monitor, poller = self.monitor, self.poller
        if monitor is None or poller is None:
            return
        snap = monitor.snapshot
        self._set_id("hl-run", run_part(poller.interval, snap.duration, snap.overall(), len(snap.blind)))
        self._set_id("hl-next", countdown(poller.paused, poller.running, poller.due_in()))
        budget = self.session.client.governor.status() if self.session is not None else None
        self._set_id("hl-pace", pace_part(budget, len(monitor.specs), poller, snap.rate_wait))
        view = self.data_view()
        shown = f" · {view.shown}/{view.total} shown" if view.filter.active else ""
        self._set_id("hl-filter", shown)
        if self.session is not None:
            kind = "access token" if self.session.options.access_token else "client credentials"
            tokens = self.session.client.tokens.status()
            self._set(self.query_one("#token-panel", Static), token_panel(tokens, kind))
            self._set(self.query_one("#rate-panel", Static), rate_panel(budget))

    def _set_id(self, widget_id: str, content: str) -> None:
        self._set(self.query_one(f"#{widget_id}", Static), content)

    def _set(self, widget: Static, content: str | Text) -> None:
        """Update a Static only when what it shows changed: a tick costs no redraw (slow links)."""
        key = (content.plain, tuple(content.spans)) if isinstance(content, Text) else content
        old = self._shown.get(widget.id or "")
        if old != key:
            self._shown[widget.id or ""] = key
            # A layout pass repaints more than the widget (the table's scrollbars: ~2 KB at 80
            # columns). Only a part of the line whose width changed needs one; the panels have
            # a fixed size and never do.
            widget.update(content, layout=not widget.has_class("panel") and _width(old) != _width(key))

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        from gctui.services.health import row_document

        if self.monitor is None:
            return []
        rows = {r.name: r for r in self.monitor.rows()}
        return [row_document(rows[k]) for k in keys if k in rows]

    def filter_changed(self, view: DataView) -> None:
        self._tick()

    # -- actions ------------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if self.poller is None:
            return
        paused = self.poller.toggle()
        self.notify("health polling paused" if paused else "health polling resumed")
        self._tick()

    def action_run_now(self) -> None:
        if self.poller is None:
            return
        if not self.poller.run_now():
            self.notify("a probe run is already in progress: no second one was started")
            return
        self._tick()

    def action_retime(self) -> None:
        from gctui.tui.widgets.ask import AskScreen

        if self.poller is None:
            return

        def done(value: str | None) -> None:
            if value is not None:
                self._set_interval(value)

        self.app.push_screen(
            AskScreen("Probe interval in seconds (5-3600)", str(int(self.poller.interval))), done
        )

    async def command_interval(self, value: str) -> None:
        self._set_interval(value)

    def _set_interval(self, value: str) -> None:
        if self.poller is None:
            return
        try:
            self.poller.interval = float(value)
        except ValueError as exc:
            text = str(exc) if "range" in str(exc) else f"{value!r} is not a number of seconds"
            self.notify(f"interval: {clean(text)}; unchanged", severity="error", markup=False)
            return
        self.notify(f"probes every {duration(self.poller.interval)}")
        self._tick()

    def on_data_table_row_selected(self, event: Any) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        from gctui.services.health import sparkline
        from gctui.text import clean
        from gctui.tui.tabs.health_panels import STATUS_STYLE
        from gctui.tui.widgets.detail import DetailScreen

        key = self.data_view().current_key()
        monitor = self.monitor
        if monitor is None or key is None:
            return

        def content() -> Text | None:
            """The probe's row as the monitor has it now (the dialog re-reads it every second)."""
            row = next((r for r in monitor.rows() if r.name == key), None)
            if row is None:
                return None
            checked = row.checked_at.astimezone().strftime("%H:%M:%S") if row.checked_at else "-"
            text = Text()
            text.append(clean(row.name), style="bold")
            text.append(f"  {clean(row.method)} {clean(row.path)}\n")
            text.append("status ")
            text.append(str(row.status), style=STATUS_STYLE.get(str(row.status), ""))
            text.append(f"  last code {row.status_code or '-'}  latency {ms(row.latency_ms)} ms\n")
            text.append(f"p50 {ms(row.p50_ms)} ms  p95 {ms(row.p95_ms)} ms  errors in window {row.errors}\n")
            text.append(f"consecutive failures {row.consecutive_failures}  checked at {checked}\n")
            text.append(f"last error: {clean(row.error_detail or row.last_error or '-')}\n")
            text.append(f"correlation id: {clean(row.correlation_id or '-')}\n")
            text.append(f"history: {sparkline(row.history, 40)}")
            return text

        if content() is not None:
            self.app.push_screen(DetailScreen(f"Probe {key}", content))


def _width(shown: object) -> int:
    from rich.cells import cell_len

    text = shown[0] if isinstance(shown, tuple) else shown
    return cell_len(text) if isinstance(text, str) else -1


def _error_text(row: ProbeRow) -> str:
    if not row.last_error:
        return ""
    corr = f" [{row.correlation_id[:8]}]" if row.correlation_id else ""
    return clean(f"{row.last_error}{corr}")


def _make_monitor(
    session: Session, profile: ResolvedProfile, history_path: Path | None
) -> tuple[HealthMonitor, str | None]:
    from gctui.services.health import HealthMonitor, open_history

    store, problem = open_history(history_path, profile)  # a read-only home must not stop the board
    return HealthMonitor.from_profile(session, profile, store=store), problem
