"""The Routing tab (4th): queues (or routing methods) scored from the conversation aggregates,
a bar chart of the scores, the cursor row's breakdown, and a weights panel that re-ranks at once.

Loading runs through the shared worker pool (the sync query, or an async aggregate job for long
intervals, its progress in the status line). Everything after it is in memory: a change of
weight, direction, normalization or grouping re-scores the fetched frame and diffs the table by
row key; no request is sent. Weights are saved per profile (``ctrl+s``) and reset to
``[routing]`` (``z``). The BI push (``b``) previews the envelope in the confirm dialog (focus on
Cancel) and is journaled and audited; read-only mode leaves it unbound."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual_plotext import PlotextPlot

from gctui.text import clean
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.routing_keys import ACTIONS, TAB
from gctui.tui.tabs.routing_view import (
    breakdown_text,
    columns,
    draw_plot,
    export_record,
    key_of,
    row_cells,
    weights_text,
)
from gctui.tui.widgets.dataview import DataView

if TYPE_CHECKING:
    from gctui.services.routing import Dataset, QueryProgress, ScoreSettings
    from gctui.tui.context import TabContext

POOL_GROUP = "routing"
STEP = 0.05
GROUPINGS = ("queue", "method", "used")


class Loaded(Message):
    def __init__(self, dataset: Dataset, took: float) -> None:
        super().__init__()
        self.dataset = dataset
        self.took = took


class Progressed(Message):
    def __init__(self, progress: QueryProgress) -> None:
        super().__init__()
        self.progress = progress


class Pushed(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


class RoutingTab(FeatureTab):
    TAB = TAB
    ACTIONS = ACTIONS
    DEFAULT_CSS = """
    RoutingTab { height: 1fr; }
    RoutingTab #routing-line { height: 1; padding: 0 1; color: $text-muted; }
    RoutingTab #routing-upper { height: 1fr; }
    RoutingTab #routing-table { width: 1fr; }
    RoutingTab #routing-weights-box { width: 34; border: round $primary; padding: 0 1; }
    RoutingTab #routing-lower { height: 45%; min-height: 7; max-height: 14; }
    RoutingTab #routing-plot { width: 1fr; height: 100%; }
    RoutingTab #routing-breakdown-box { width: 1fr; height: 100%; border: round $primary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="routing-tab")
        self.dataset: Dataset | None = None
        self.settings: ScoreSettings | None = None
        self.records: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.by = "queue"
        self.interval_spec = "today"
        self.selected = "asa"
        self.dirty = False
        self.rescored = 0  # how many times the table was re-scored from memory
        self._took: float | None = None
        self._progress = ""
        self._pushing = False

    def compose(self) -> ComposeResult:
        yield Static("waiting for the org…", id="routing-line", markup=False)
        with Horizontal(id="routing-upper"):
            yield DataView(columns(self.by), id="routing-table")
            with VerticalScroll(id="routing-weights-box") as box:
                box.border_title = "Weights"
                yield Static("", id="routing-weights", markup=False)
        with Horizontal(id="routing-lower"):
            yield PlotextPlot(id="routing-plot")
            with VerticalScroll(id="routing-breakdown-box") as box:
                box.border_title = "Breakdown"
                yield Static("", id="routing-breakdown", markup=False)

    def data_view(self) -> DataView:
        return self.query_one("#routing-table", DataView)

    # -- loading ------------------------------------------------------------------------------

    def attach(self, context: TabContext) -> None:
        from gctui.services.routing.saved import settings_from_config

        cfg = context.profile.routing
        self.interval_spec = cfg.default_interval
        try:
            self.settings = settings_from_config(cfg, context.profile.name)
        except Exception as exc:  # a damaged saved entry must not keep the tab from loading
            self.notify(f"saved weights ignored: {clean(exc)}", severity="warning", markup=False)
            from gctui.services.routing.saved import default_settings

            self.settings = default_settings(cfg)
        self._show_weights()
        self._load(context)

    @work(group="routing-load", exclusive=True, exit_on_error=False)
    async def _load(self, context: TabContext) -> None:
        from gctui.services.routing import fetch_dataset, parse_interval

        cfg = context.profile.routing
        interval = parse_interval(self.interval_spec, time_zone=cfg.time_zone)
        how = "async job" if interval.days > cfg.job_threshold_days else "sync query"
        self._line(f"loading {interval.label} ({interval.iso()}) through the {how}…")
        started = time.monotonic()

        def progressed(p: QueryProgress) -> None:
            self.post_message(Progressed(p))

        async def job(_: Any) -> Dataset:
            return await fetch_dataset(
                context.session.api,
                interval,
                job_threshold_days=cfg.job_threshold_days,
                on_progress=progressed,
                max_job_seconds=cfg.poll_max_seconds,
            )

        dataset = await context.pool.run(f"routing: analytics {interval.label}", job, group=POOL_GROUP)
        self.post_message(Loaded(dataset, time.monotonic() - started))

    def on_progressed(self, message: Progressed) -> None:
        self._progress = message.progress.summary()
        self._line(self._progress)

    def on_loaded(self, message: Loaded) -> None:
        self.dataset = message.dataset
        self._took = message.took
        self.rescore()

    # -- scoring (memory only) ----------------------------------------------------------------

    def rescore(self) -> None:
        """Score the fetched frame with the current settings and diff the table: no request."""
        from gctui.services.routing import row_records, score_frame

        if self.dataset is None or self.settings is None:
            return
        ds = self.dataset
        table = ds.queue_table() if self.by == "queue" else ds.method_table(by=self.by)
        scored = score_frame(table, self.settings)
        records = row_records(scored, self.settings, ds if self.by == "queue" else None, self.by)
        self.records = {key_of(r, self.by): r for r in records}
        self.order = list(self.records)
        self.rescored += 1
        view = self.data_view()
        view.set_rows({k: row_cells(r, self.by) for k, r in self.records.items()})
        self._show_line()
        self._show_weights()
        self._show_cursor()

    def _line(self, text: str) -> None:
        self.query_one("#routing-line", Static).update(text)

    def _show_line(self) -> None:
        ds = self.dataset
        if ds is None:
            return
        ranked = sum(1 for r in self.records.values() if not r["lowVolume"])
        took = f", {self._took:.1f} s" if self._took is not None else ""
        mode = f"job {ds.job_id}" if ds.mode == "job" else "sync query"
        self._line(
            f"{len(self.records)} {'queues' if self.by == 'queue' else 'methods'} ({ranked} ranked) · "
            f"{ds.interval.label} {ds.interval.iso()} · {mode}{took}"
        )

    def _show_weights(self) -> None:
        if self.settings is not None:
            self.query_one("#routing-weights", Static).update(
                weights_text(self.settings, self.selected, self.dirty)
            )

    def current(self) -> dict[str, Any] | None:
        key = self.data_view().current_key()
        return self.records.get(key) if key else None

    def on_data_table_row_highlighted(self, message: DataView.RowHighlighted) -> None:
        self._show_cursor()

    def filter_changed(self, view: Any) -> None:
        self._show_cursor()

    def _show_cursor(self) -> None:
        self.query_one("#routing-breakdown", Static).update(breakdown_text(self.current(), self.by))
        plot = self.query_one("#routing-plot", PlotextPlot)
        shown = [self.records[k] for k in self.data_view().visible_keys() if k in self.records]
        draw_plot(plot.plt, shown, self.by)
        plot.refresh()

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        from gctui.config.routing import KPI_HIGHER_IS_BETTER

        # low-volume rows have no breakdown: every record gets the same columns
        kpis = [k for k in KPI_HIGHER_IS_BETTER if self.settings is not None and k in self.settings.active()]
        out = []
        for key in keys:
            if key in self.records:
                rec = export_record(self.records[key])
                for k in kpis:
                    for prefix in ("normalized", "contribution"):
                        rec.setdefault(f"{prefix}.{k}", None)
                out.append(rec)
        return out

    # -- keys ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.context is not None:
            self._load(self.context)

    def action_next_interval(self) -> None:
        from gctui.config.routing import INTERVAL_PRESETS

        presets = list(INTERVAL_PRESETS)
        i = presets.index(self.interval_spec) if self.interval_spec in presets else -1
        self.interval_spec = presets[(i + 1) % len(presets)]
        self.notify(f"interval: {self.interval_spec}")
        self.action_reload()

    async def action_next_grouping(self) -> None:
        # other columns: a new table (re-scored from memory, no request)
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        await self.data_view().remove()
        new = DataView(columns(self.by), id="routing-table")
        await self.query_one("#routing-upper", Horizontal).mount(new, before=0)
        self.rescore()
        new.focus()

    def action_select_kpi(self, delta: int) -> None:
        from gctui.config.routing import KPI_HIGHER_IS_BETTER

        kpis = list(KPI_HIGHER_IS_BETTER)
        self.selected = kpis[(kpis.index(self.selected) + delta) % len(kpis)]
        self._show_weights()

    def _change(self, settings: ScoreSettings) -> None:
        self.settings = settings
        self.dirty = True
        self.rescore()

    def action_weight(self, delta: int) -> None:
        from gctui.services.routing import ScoreError

        if self.settings is None:
            return
        now = self.settings.weights.get(self.selected, 0.0)
        new = max(0.0, round(now + delta * STEP, 4))
        try:
            self._change(self.settings.with_weight(self.selected, new))
        except ScoreError as exc:
            self.notify(clean(exc.message), severity="warning", markup=False)

    def action_direction(self) -> None:
        if self.settings is not None:
            self._change(self.settings.with_direction(self.selected, not self.settings.higher(self.selected)))

    def action_normalization(self) -> None:
        from gctui.services.routing import ScoreSettings

        s = self.settings
        if s is not None:
            other = "percentile" if s.normalization == "minmax" else "minmax"
            self._change(ScoreSettings(s.weights, s.higher_is_better, other, s.min_offered))

    def action_save_weights(self) -> None:
        from gctui.config.routing import KPI_HIGHER_IS_BETTER
        from gctui.services.routing.saved import save

        if self.settings is None or self.context is None:
            return
        higher = {k: self.settings.higher(k) for k in KPI_HIGHER_IS_BETTER}
        try:
            path = save(self.context.profile.name, dict(self.settings.weights), higher)
        except (OSError, ValueError) as exc:
            self.notify(f"weights not saved: {clean(exc)}", severity="error", markup=False)
            return
        self.dirty = False
        self._show_weights()
        self.notify(f"weights saved for profile {clean(self.context.profile.name)} in {path}", markup=False)

    def action_reset_weights(self) -> None:
        from gctui.services.routing.saved import default_settings, forget

        if self.context is None:
            return
        try:
            forget(self.context.profile.name)
        except OSError as exc:
            self.notify(f"saved weights not forgotten: {clean(exc)}", severity="error", markup=False)
        self.settings = default_settings(self.context.profile.routing)
        self.dirty = False
        self.rescore()
        self.notify("weights reset to [routing]")

    # -- the BI push --------------------------------------------------------------------------

    def _document(self) -> dict[str, Any] | None:
        from gctui.services.routing import envelope, settings_doc

        if self.dataset is None or self.settings is None:
            return None
        return envelope(
            [self.records[k] for k in self.order],
            interval=self.dataset.interval.iso(),
            weights=self.settings.active(),
            evaluation_type=self.by,
            settings=settings_doc(self.settings),
        )

    def action_push(self) -> None:
        from gctui.services.routing import canonical_json, sha256
        from gctui.tui.widgets.confirm import BlastRadius, ConfirmScreen

        if self.context is None or self.context.read_only:
            self.notify("read-only mode: the BI push is not available", severity="warning")
            return
        url = self.context.profile.routing.webhook_url.get_secret_value()
        if not url:
            self.notify("no BI webhook: set [routing] webhook_url in the config", severity="error")
            return
        doc = self._document()
        if doc is None:
            self.notify("nothing scored yet", severity="warning")
            return
        if self._pushing:
            self.notify("a push is already running", severity="warning")
            return
        body = canonical_json(doc)
        weights = ", ".join(f"{k}={v:g}" for k, v in doc["weights"].items())
        radius = BlastRadius(
            "Post the scored table to the BI webhook",
            [],
            "records",
            items=[str(r.get("name") or key_of(r, self.by)) for r in doc["data"]],
            affected=[
                f"timestamp {doc['timestamp']}",
                f"evaluation type {doc['evaluationType']}",
                f"interval {doc['interval']}",
                f"weights {weights}",
                f"record count {doc['recordCount']}",
                f"{len(body)} bytes, sha256 {sha256(body)}",
                "to the configured BI webhook (its URL and headers are not shown)",
            ],
            verb="Post",
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._push(url, doc)

        self.app.push_screen(ConfirmScreen(radius), confirmed)

    @work(group="routing-push", exit_on_error=False)
    async def _push(self, url: str, doc: dict[str, Any]) -> None:
        import asyncio

        from gctui.services.health.store import history_scope
        from gctui.services.routing import PushStore, push
        from gctui.services.routing.push import default_store_path

        assert self.context is not None
        profile = self.context.profile
        cfg = profile.routing
        self._pushing = True
        try:
            opts = profile.options
            scope = history_scope(profile.name, opts.region.api_base, opts.client_id)
            store = await asyncio.to_thread(PushStore, default_store_path(), scope)
            try:
                headers = {k: v.get_secret_value() for k, v in cfg.webhook_headers.items()}
                out = await push(store, url, doc, headers=headers, timeout=cfg.webhook_timeout)
            finally:
                store.close()
            if out.ok:
                text = f"posted {out.record['rows']} records: HTTP {out.status} in {out.latency_ms:.0f} ms"
            else:
                text = f"BI push failed: {out.error}"
            self.post_message(Pushed(f"{text} (sha256 {out.sha256[:16]}…)", out.ok))
        finally:
            self._pushing = False

    def on_pushed(self, message: Pushed) -> None:
        self.notify(clean(message.text), severity="information" if message.ok else "error", markup=False)
