"""The Scaling tab (5th): capacity forecast per edge and trunk, Erlang C, the recommendation per
node group (edge group) with its exact webhook payload and SHA-256, and apply.

Polls never overlap (the shared :class:`Poller`): each run samples the org through the worker
pool, the service forecasts from its in-memory window (loaded once from SQLite, off the loop),
and the tab diffs the rows in place. Runs are skipped while a dialog is open. Apply: the confirm
dialog (focus on Cancel) → the service (journal → POST with an Idempotency-Key → health probes →
audit). Read-only mode leaves the apply key unbound, and the service refuses it too."""

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
from gctui.tui.tabs.scaling_keys import ACTIONS, TAB
from gctui.tui.tabs.scaling_view import (
    COLUMNS,
    draw_plot,
    recommendation_text,
    row_cells,
    staffing_line,
    status_line,
)
from gctui.tui.widgets.dataview import DataView

if TYPE_CHECKING:
    from gctui.services.poller import Poller
    from gctui.services.scaling import (
        ApplyOutcome,
        Forecast,
        Plan,
        ScalingService,
        ScalingView,
        WebhookTarget,
    )
    from gctui.tui.context import TabContext

POOL_GROUP = "scaling"
POLL_FLOOR = 1.0


class ServiceReady(Message):
    def __init__(self, service: ScalingService) -> None:
        super().__init__()
        self.service = service


class ViewReady(Message):
    def __init__(self, view: ScalingView, took: float) -> None:
        super().__init__()
        self.view = view
        self.took = took


class ApplyDone(Message):
    def __init__(self, group: str, outcome: ApplyOutcome | None, error: str | None) -> None:
        super().__init__()
        self.group = group
        self.outcome = outcome
        self.error = error


class ScalingTab(FeatureTab):
    TAB = TAB
    ACTIONS = ACTIONS
    DEFAULT_CSS = """
    ScalingTab { height: 1fr; }
    ScalingTab #scaling-line { height: 1; padding: 0 1; color: $text-muted; }
    ScalingTab #scaling-staffing { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ScalingTab #scaling-resources { height: 1fr; }
    ScalingTab #scaling-lower { height: 45%; min-height: 7; max-height: 16; }
    ScalingTab #scaling-plot { width: 1fr; height: 100%; }
    ScalingTab #scaling-rec-box { width: 1fr; height: 100%; border: round $primary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="scaling-tab")
        self.service: ScalingService | None = None
        self.poller: Poller | None = None
        self.view: ScalingView | None = None
        self._plans: dict[str, Plan] = {}
        self._by_key: dict[str, Forecast] = {}
        self._note: dict[str, str] = {}
        self._took: float | None = None
        self._applying = False

    def compose(self) -> ComposeResult:
        yield Static("waiting for the org…", id="scaling-line", markup=False)
        yield Static("", id="scaling-staffing", markup=False)
        yield DataView(COLUMNS, id="scaling-resources")
        with Horizontal(id="scaling-lower"):
            yield PlotextPlot(id="scaling-plot")
            with VerticalScroll(id="scaling-rec-box") as box:
                box.border_title = "Recommendation"
                yield Static("", id="scaling-rec", markup=False)

    def data_view(self) -> DataView:
        return self.query_one("#scaling-resources", DataView)

    def on_unmount(self) -> None:
        if self.service is not None:
            self.service.store.close()

    # -- lifecycle ----------------------------------------------------------------------------

    def attach(self, context: TabContext) -> None:
        self._build(context)

    @work(group="scaling-setup", exit_on_error=False)
    async def _build(self, context: TabContext) -> None:
        import asyncio

        service = await asyncio.to_thread(_make_service, context)
        self.post_message(ServiceReady(service))

    def on_service_ready(self, message: ServiceReady) -> None:
        from gctui.services.poller import Poller

        self.service = message.service
        interval = max(POLL_FLOOR, self.service.config.sample_interval_seconds)
        self.poller = Poller(
            self._poll, interval=interval, floor=POLL_FLOOR, blocked=self.modal_open, name="scaling"
        )
        self._run_poller(self.poller)

    @work(group="scaling-poll", exit_on_error=False)
    async def _run_poller(self, poller: Poller) -> None:
        await poller.run_forever()

    async def _poll(self) -> bool:
        service = self.service
        if service is None or self.context is None:
            return False
        started = time.monotonic()

        async def job(_: Any) -> ScalingView:
            return await service.refresh()

        view = await self.context.pool.run("scaling: sample and forecast", job, group=POOL_GROUP)
        self.post_message(ViewReady(view, time.monotonic() - started))
        return True

    # -- rendering ----------------------------------------------------------------------------

    def on_view_ready(self, message: ViewReady) -> None:
        view = self.view = message.view
        self._took = message.took
        self._by_key = {f.key: f for f in view.forecasts}
        self._plans = {p.recommendation.group.id: p for p in view.plans}
        self.data_view().set_rows({f.key: row_cells(f) for f in view.forecasts})
        self._show_line()
        self._show_cursor()

    def _show_line(self) -> None:
        if self.view is None or self.service is None:
            return
        paused = self.poller is not None and self.poller.paused
        text = status_line(self.view, self.service.config.model, self._took, paused)
        self.query_one("#scaling-line", Static).update(text)
        self.query_one("#scaling-staffing", Static).update(staffing_line(self.view))

    def on_data_table_row_highlighted(self, message: DataView.RowHighlighted) -> None:
        self._show_cursor()

    def current(self) -> Forecast | None:
        key = self.data_view().current_key()
        return self._by_key.get(key) if key else None

    def current_plan(self) -> Plan | None:
        f = self.current()
        return self._plans.get(f.group_id) if f is not None and f.group_id else None

    def _show_cursor(self) -> None:
        f = self.current()
        plot = self.query_one("#scaling-plot", PlotextPlot)
        draw_plot(plot.plt, f)
        plot.refresh()
        plan = self.current_plan()
        note = self._note.get(plan.recommendation.group.id, "") if plan else ""
        read_only = self.context is None or self.context.read_only
        self.query_one("#scaling-rec", Static).update(
            recommendation_text(plan, read_only=read_only, note=note)
        )

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        from gctui.services.scaling.report import forecast_document

        return [forecast_document(self._by_key[k]) for k in keys if k in self._by_key]

    # -- keys ---------------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if self.poller is not None:
            paused = self.poller.toggle()
            self.notify("sampling paused" if paused else "sampling resumed")
            self._show_line()

    def action_run_now(self) -> None:
        if self.poller is not None and not self.poller.run_now():
            self.notify("a sample is already running")

    def action_payload(self) -> None:
        from rich.text import Text

        from gctui.tui.widgets.detail import DetailScreen

        plan = self.current_plan()
        if plan is None:
            return
        body = Text(
            clean(plan.payload.decode()) + f"\n\nsha256 {plan.sha256}\nIdempotency-Key {plan.idempotency_key}"
        )
        self.app.push_screen(DetailScreen(f"Payload: {plan.recommendation.group.name}", body))

    def action_apply(self) -> None:
        from gctui.tui.widgets.confirm import BlastRadius, Change, ConfirmScreen

        plan = self.current_plan()
        if self.context is None or self.context.read_only:
            self.notify("read-only mode: scaling apply is not available", severity="warning")
            return
        if plan is None or self.service is None:
            self.notify("no node group under the cursor", severity="warning")
            return
        if self._applying:
            self.notify("an apply is already running", severity="warning")
            return
        rec = plan.recommendation
        entry = self.service.store.open_entry(rec.group.id)
        if not rec.scale_up and entry is None:
            self.notify(f"{clean(rec.group.name)}: no scale-up recommended; nothing to apply")
            return
        if self._target() is None:
            self.notify("no scaling webhook: set [scaling] webhook_url in the config", severity="error")
            return
        before: int | None = rec.current_nodes
        after: int | None = rec.requested_nodes
        sha = plan.sha256
        extra: list[str] = []
        if entry is not None:  # what goes is the journaled apply whose answer never came
            before, after, sha = entry.current_nodes, entry.requested_nodes, entry.sha256
            extra = ["re-sends the unanswered earlier apply: the same bytes, the same Idempotency-Key"]
        radius = BlastRadius(
            f"Post a scale-up of node group {rec.group.name}",
            [Change(rec.group.name, "nodes", before, after)],
            "node groups",
            affected=[
                "to the configured scaling webhook (its URL and headers are not shown)",
                f"payload sha256 {sha}",
                *extra,
            ],
            verb="Post",
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._apply(plan)

        self.app.push_screen(ConfirmScreen(radius), confirmed)

    def _target(self) -> WebhookTarget | None:
        from gctui.services.scaling.service import webhook_url

        if self.service is None or self.context is None:
            return None
        profile = self.context.profile
        return self.service.target(
            webhook_url(profile.scaling, profile.name, profile.options.region.api_base)
        )

    @work(group="scaling-apply", exit_on_error=False)
    async def _apply(self, plan: Plan) -> None:
        from gctui.services.scaling import ApplyRefused, ThresholdError
        from gctui.services.scaling.verify import probe_verifier

        assert self.service is not None and self.context is not None
        self._applying = True
        gid = plan.recommendation.group.id
        try:
            verify = (
                probe_verifier(self.context.session, self.context.profile)
                if self.service.config.verify
                else None
            )
            out = await self.service.apply(plan, target=self._target(), verify=verify)
            self.post_message(ApplyDone(gid, out, None))
        except (ApplyRefused, ThresholdError) as exc:
            self.post_message(ApplyDone(gid, None, getattr(exc, "message", str(exc))))
        finally:
            self._applying = False

    def on_apply_done(self, message: ApplyDone) -> None:
        if message.outcome is None:
            text = message.error or "refused"
            self.notify(clean(text), severity="warning", markup=False)
        else:
            out = message.outcome
            what = f"HTTP {out.status_code}" if out.status_code is not None else out.response
            verified = f"; {out.verification.summary}" if out.verification else ""
            text = f"{out.outcome} ({what}, {out.attempts} attempt(s), {out.latency_ms:.0f} ms){verified}"
            self.notify(clean(text), severity="information" if out.ok else "error", markup=False)
        self._note[message.group] = f"last apply: {text}"
        self._show_cursor()


def _make_service(context: TabContext) -> ScalingService:
    from gctui.services.health.store import history_scope
    from gctui.services.scaling import ScalingService, ScalingStore, default_store_path

    profile = context.profile
    opts = profile.options
    store = ScalingStore(
        default_store_path(), history_scope(profile.name, opts.region.api_base, opts.client_id)
    )
    store.prune(profile.scaling.retention_days)
    return ScalingService(
        context.session.api, profile.scaling, store, profile=profile.name, read_only=context.read_only
    )
