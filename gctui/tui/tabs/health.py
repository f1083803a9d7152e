"""The Health tab: the probe matrix, the token panel and the rate-limit panel, live.

Polls never overlap: the next run is scheduled only when the last one finished; runs are
skipped while paused or while a dialog is open. Rows are diffed in place (no full redraws).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from gctui.text import duration
from gctui.tui.actions import ActionSpec, Command, TabSpec
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.health_panels import ms, rate_panel, status_cell, token_panel
from gctui.tui.widgets.dataview import Column, DataView

if TYPE_CHECKING:
    # The health service (and with it httpx and the API models) is imported when the org is
    # attached, after the first frame: start-up stays close to a bare Textual app.
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.health import HealthMonitor, ProbeRow, Transition
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
    def __init__(self, rows: list[ProbeRow], duration_s: float) -> None:
        super().__init__()
        self.rows = rows
        self.duration_s = duration_s


class MonitorReady(Message):
    def __init__(self, monitor: HealthMonitor) -> None:
        super().__init__()
        self.monitor = monitor


class HealthTab(FeatureTab):
    TAB = TabSpec("health", "Health", "1")
    ACTIONS = (
        ActionSpec(
            "health.pause", "p", "toggle_pause", "Pause", "Pause/resume polling", command=Command("pause")
        ),
        ActionSpec("health.run", "space", "run_now", "Run now", "Run the probes now", command=Command("run")),
        ActionSpec(
            "health.retime",
            "r",
            "retime",
            "Interval",
            "Set the probe interval",
            command=Command("interval", "SECONDS", "command_interval"),
        ),
        ActionSpec("health.details", "enter", "details", "Details", "Details of the probe", show=False),
    )
    DEFAULT_CSS = """
    HealthTab { height: 1fr; }
    HealthTab #health-line { height: 1; padding: 0 1; color: $text-muted; }
    HealthTab #panels { height: 7; }
    HealthTab .panel { width: 1fr; height: 7; border: round $primary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="health-tab")
        self.monitor: HealthMonitor | None = None
        self.session: Session | None = None
        self.profile: ResolvedProfile | None = None
        self._timer: Timer | None = None
        self._due_at: float | None = None
        self._last_status: dict[str, str] = {}
        self._last_run: datetime | None = None
        self._last_duration: float | None = None
        self._shown: dict[str, object] = {}
        self._pending: list[Transition] = []
        self._runs_seen = 0

    def compose(self) -> ComposeResult:
        yield Static("waiting for the org…", id="health-line")
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
            self.notify(problem, severity="warning")
        self.post_message(MonitorReady(monitor))

    def on_monitor_ready(self, message: MonitorReady) -> None:
        self.monitor = message.monitor
        self.monitor.on_transition.append(lambda t: self._pending.append(t))
        # Cached rows (from the history store) are drawn before the first fetch.
        self._render_rows(self.monitor.rows(), changed=set())
        self._schedule(0.0)

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        delay = max(0.05, delay)  # Textual timers cannot be zero
        self._due_at = time.monotonic() + delay
        self._timer = self.set_timer(delay, self._due)

    def _due(self) -> None:
        monitor = self.monitor
        if monitor is None:
            return
        if monitor.paused or self.modal_open():
            self._schedule(1.0)  # check again soon; nothing is sent while paused or in a dialog
            return
        self._due_at = None
        self._poll()

    @work(group="health-poll", exit_on_error=False)
    async def _poll(self) -> None:
        monitor = self.monitor
        assert monitor is not None
        started = time.monotonic()
        try:
            rows = await monitor.run_once()
        finally:
            self._schedule(monitor.interval)
        self.post_message(RowsReady(rows, time.monotonic() - started))

    # -- rendering ----------------------------------------------------------------------------

    def on_rows_ready(self, message: RowsReady) -> None:
        self._last_run = datetime.now(UTC)
        self._last_duration = message.duration_s
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
        monitor = self.monitor
        line = self.query_one("#health-line", Static)
        if monitor is None:
            return
        parts = [f"every {duration(monitor.interval)}"]
        if self._last_run is not None:
            age = (datetime.now(UTC) - self._last_run).total_seconds()
            parts.append(f"last run {duration(age)} ago in {self._last_duration or 0:.2f}s")
        if monitor.paused:
            parts.append("PAUSED (p resumes)")
        elif monitor.running:
            parts.append("running…")
        elif self._due_at is not None:
            parts.append(f"next in {duration(max(0.0, self._due_at - time.monotonic()))}")
        if self.session is not None:
            budget = self.session.client.governor.status()
            if monitor.running and budget.waiting:
                parts.append(f"{budget.waiting} waiting for the rate budget")
            per_min = budget.limit * 60 / budget.window
            demand = len(monitor.specs) * 60 / monitor.interval
            if demand > 0.5 * per_min:
                parts.append(f"probes use {demand:.0f}/min of {per_min:.0f}/min")
        view = self.data_view()
        if view.filter.active:
            parts.append(f"{view.shown}/{view.total} shown ({view.filter.describe()})")
        self._set(line, " · ".join(parts))
        if self.session is not None:
            kind = "access token" if self.session.options.access_token else "client credentials"
            tokens = self.session.client.tokens.status()
            self._set(self.query_one("#token-panel", Static), token_panel(tokens, kind))
            self._set(
                self.query_one("#rate-panel", Static), rate_panel(self.session.client.governor.status())
            )

    def _set(self, widget: Static, content: str | Text) -> None:
        """Update a Static only when what it shows changed: a tick costs no redraw (slow links)."""
        key = (content.plain, tuple(content.spans)) if isinstance(content, Text) else content
        if self._shown.get(widget.id or "") != key:
            self._shown[widget.id or ""] = key
            widget.update(content)

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
        if self.monitor is None:
            return
        self.monitor.toggle_pause()
        self.notify("health polling paused" if self.monitor.paused else "health polling resumed")
        self._tick()

    def action_run_now(self) -> None:
        if self.monitor is None:
            return
        if self.monitor.running:
            self.notify("a probe run is already in progress")
            return
        self._due_at = None
        if self._timer is not None:
            self._timer.stop()
        self._poll()

    def action_retime(self) -> None:
        from gctui.tui.widgets.ask import AskScreen

        if self.monitor is None:
            return

        def done(value: str | None) -> None:
            if value is not None:
                self._set_interval(value)

        self.app.push_screen(
            AskScreen("Probe interval in seconds (minimum 5)", str(int(self.monitor.interval))), done
        )

    async def command_interval(self, value: str) -> None:
        self._set_interval(value)

    def _set_interval(self, value: str) -> None:
        assert self.monitor is not None
        try:
            seconds = float(value)
        except ValueError:
            self.notify(f"interval: {value!r} is not a number of seconds", severity="error")
            return
        if seconds < 5:
            self.notify(f"interval: {value} s is below the 5 s floor; unchanged", severity="error")
            return
        self.monitor.interval = seconds
        self.notify(f"probes every {duration(self.monitor.interval)}")
        if self._due_at is not None:
            self._schedule(self.monitor.interval)
        self._tick()

    def on_data_table_row_selected(self, event: Any) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        from gctui.services.health import sparkline
        from gctui.tui.widgets.detail import DetailScreen

        key = self.data_view().current_key()
        if self.monitor is None or key is None:
            return
        row = next((r for r in self.monitor.rows() if r.name == key), None)
        if row is None:
            return
        lines = [
            f"[b]{row.name}[/b]  {row.method} {row.path}",
            f"status {row.status}  last code {row.status_code or '-'}  latency {ms(row.latency_ms)} ms",
            f"p50 {ms(row.p50_ms)} ms  p95 {ms(row.p95_ms)} ms  errors in window {row.errors}",
            f"consecutive failures {row.consecutive_failures}",
            f"last error: {row.error_detail or row.last_error or '-'}",
            f"correlation id: {row.correlation_id or '-'}",
            f"history: {sparkline(row.history, 40)}",
        ]
        self.app.push_screen(DetailScreen(f"Probe {row.name}", "\n".join(lines)))


def _error_text(row: ProbeRow) -> str:
    if not row.last_error:
        return ""
    corr = f" [{row.correlation_id[:8]}]" if row.correlation_id else ""
    return f"{row.last_error}{corr}"


def _make_monitor(
    session: Session, profile: ResolvedProfile, history_path: Any
) -> tuple[HealthMonitor, str | None]:
    from gctui.services.health import HealthMonitor, HistoryStore, default_history_path
    from gctui.services.health.store import history_scope

    problem = None
    store: HistoryStore | None
    try:
        scope = history_scope(profile.name, profile.options.region.api_base, profile.options.client_id)
        store = HistoryStore(history_path or default_history_path(), scope=scope)
    except Exception as exc:  # a read-only home must not stop the dashboard
        problem = f"probe history disabled: {exc}"
        store = None
    return HealthMonitor.from_profile(session, profile, store=store), problem
