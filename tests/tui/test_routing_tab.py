"""The Routing tab as a user drives it, in an app with only this tab (the lead registers it in
the shell), against the simulated org over loopback. The witness for "no new request" is the
simulator's own request counter."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from textual_plotext import PlotextPlot

from gctui.config.routing import RoutingConfig
from gctui.services.health.store import history_scope
from gctui.services.routing import PushStore
from gctui.services.routing.push import default_store_path
from gctui.services.routing.saved import default_weights_path, load_saved
from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.routing import RoutingTab
from gctui.tui.widgets.confirm import ConfirmScreen
from tests.tui.conftest import SimSource, wait_for

HOOK = "routing-tab"


class RoutingApp(GctuiApp):
    TABS = (RoutingTab,)


def make(sim: SimServer, tmp_path: Path, *, read_only: bool = False, **routing: Any) -> RoutingApp:
    source = SimSource(sim.base_url, read_only=read_only)
    cfg = RoutingConfig(
        webhook_url=SecretStr(f"{sim.base_url}/sim/webhooks/{HOOK}"),
        **{"default_interval": "7d", "time_zone": "UTC", **routing},
    )
    source.profile = dataclasses.replace(source.profile, routing=cfg)
    return RoutingApp(source, read_only=read_only, export_dir=tmp_path / "exports",
                      history_path=tmp_path / "health.sqlite3")  # fmt: skip


def requests(sim: SimServer) -> int:
    assert sim.runtime is not None
    return int(sim.runtime.control.stats()["requests"])


def queues(sim: SimServer) -> int:
    assert sim.runtime is not None
    return len(sim.runtime.org.queues)


async def loaded(pilot: Any, app: RoutingApp, sim: SimServer) -> RoutingTab:
    tab = app.query_one(RoutingTab)
    await wait_for(pilot, lambda: tab.dataset is not None and tab.data_view().total == queues(sim), 20)
    await pilot.pause()
    return tab


def order(tab: RoutingTab) -> list[str]:
    return [str(tab.data_view().get_row(k)[1]) for k in tab.data_view().visible_keys()]


async def test_table_chart_breakdown_and_a_weight_change_reranks_with_no_request(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(150, 48)) as pilot:
        tab = await loaded(pilot, app, sim)
        line = str(app.query_one("#routing-line").render())
        assert f"{queues(sim)} queues" in line and "7d" in line and "sync query" in line
        assert isinstance(app.query_one("#routing-plot"), PlotextPlot)
        top = tab.current()
        assert top is not None and top["rank"] == 1
        shown = str(app.query_one("#routing-breakdown").render())
        assert "score" in shown and "asa" in shown and "handled" in shown
        weights = str(app.query_one("#routing-weights").render())
        assert "> asa" in weights and "0.40" in weights

        before_requests = requests(sim)
        before_order = order(tab)
        before_rescored = tab.rescored
        # put all the weight on AHT (lower is better): select it, raise it, drop the others
        await pilot.press("w")  # asa -> aht
        assert tab.selected == "aht"
        for _ in range(20):
            await pilot.press("plus")
        await pilot.pause()
        assert tab.settings is not None and tab.settings.weights["aht"] == 1.0
        assert tab.rescored == before_rescored + 20
        ranked = [r for r in tab.records.values() if not r["lowVolume"]]
        ahts = [r["ahtMs"] for r in sorted(ranked, key=lambda r: r["rank"])]
        assert order(tab) != before_order
        # the queue ranked first now has the lowest AHT... once the other weights are gone
        for kpi_steps in (("W",), ("W", "W"), ("W",)):  # aht -> asa, -> abandoned, -> handled
            for key in kpi_steps:
                await pilot.press(key)
            for _ in range(10):
                await pilot.press("minus")
        await pilot.pause()
        assert tab.settings.active() == {"aht": 1.0}
        ranked = sorted((r for r in tab.records.values() if not r["lowVolume"]), key=lambda r: r["rank"])
        ahts = [r["ahtMs"] for r in ranked]
        assert ahts == sorted(ahts)
        assert "unsaved" in str(app.query_one("#routing-weights").render())
        assert requests(sim) == before_requests  # every re-rank came from memory

        for _ in range(4):  # handled -> aht
            await pilot.press("w")
        assert tab.selected == "aht"
        await pilot.press("d")  # AHT: higher is better now
        await pilot.pause()
        ranked = sorted((r for r in tab.records.values() if not r["lowVolume"]), key=lambda r: r["rank"])
        assert [r["ahtMs"] for r in ranked] == sorted(ahts, reverse=True)
        await pilot.press("n")
        await pilot.pause()
        assert tab.settings.normalization == "percentile"
        assert requests(sim) == before_requests


async def test_weights_are_saved_per_profile_and_reset(sim: SimServer, tmp_path: Path) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(150, 48)) as pilot:
        tab = await loaded(pilot, app, sim)
        await pilot.press("plus")  # asa 0.40 -> 0.45
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_saved("test") == (
            {"handled": 0.3, "asa": 0.45, "abandoned": 0.3},
            {k: v for k, v in tab.settings.higher_is_better.items()},  # type: ignore[union-attr]
        )
        assert "unsaved" not in str(app.query_one("#routing-weights").render())
    # a new session of the same profile starts from the saved weights
    app = make(sim, tmp_path)
    async with app.run_test(size=(150, 48)) as pilot:
        tab = await loaded(pilot, app, sim)
        assert tab.settings is not None and tab.settings.weights["asa"] == 0.45
        await pilot.press("z")
        await pilot.pause()
        assert tab.settings.weights == {"handled": 0.3, "asa": 0.4, "abandoned": 0.3}
        assert load_saved("test") is None and default_weights_path().exists()


async def test_grouping_by_method_and_used_routing(sim: SimServer, tmp_path: Path) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(150, 48)) as pilot:
        tab = await loaded(pilot, app, sim)
        before = requests(sim)
        total = sum(r["offered"] for r in tab.records.values())
        await pilot.press("g")
        await wait_for(pilot, lambda: tab.by == "method" and tab.data_view().total > 0)
        assert set(tab.records) <= {
            "standard",
            "bullseye",
            "preferred",
            "conditional",
            "last",
            "predictive",
            "direct",
        }
        assert sum(r["queues"] for r in tab.records.values()) == queues(sim)
        assert sum(r["offered"] for r in tab.records.values()) == total
        await pilot.press("g")
        await wait_for(pilot, lambda: tab.by == "used" and tab.data_view().total > 0)
        assert "Standard" in tab.records
        assert requests(sim) == before
        await pilot.press("e")  # the shell's CSV export of the shown rows
        await wait_for(
            pilot, lambda: (tmp_path / "exports").exists() and any((tmp_path / "exports").iterdir())
        )
        (path,) = (tmp_path / "exports").iterdir()
        header, *rows = path.read_text().splitlines()
        assert header.startswith("usedRouting,queues,offered") and "contribution.asa" in header
        assert len(rows) == tab.data_view().total


async def test_bi_push_through_the_confirm_dialog_posts_the_audited_bytes(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(150, 48)) as pilot:
        await loaded(pilot, app, sim)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        async with httpx.AsyncClient(base_url=sim.base_url) as client:
            assert (await client.get(f"/sim/webhooks/{HOOK}")).json()["entities"] == []
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")

        async def got() -> list[dict[str, Any]]:
            async with httpx.AsyncClient(base_url=sim.base_url) as client:
                return (await client.get(f"/sim/webhooks/{HOOK}")).json()["entities"]  # type: ignore[no-any-return]

        deliveries: list[dict[str, Any]] = []
        for _ in range(100):
            deliveries = await got()
            if deliveries:
                break
            await pilot.pause(0.05)
        (delivery,) = deliveries
        body = delivery["body"]
        assert body["recordCount"] == queues(sim) and body["evaluationType"] == "queue"
        posted = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        scope = history_scope("test", sim.base_url, "gctui-demo")
        records: list[dict[str, Any]] = []
        for _ in range(100):  # the audit is written right after the answer
            with PushStore(default_store_path(), scope) as store:
                records = store.audit_records()
            if records:
                break
            await pilot.pause(0.05)
        (record,) = records
        assert record["sha256"] == hashlib.sha256(posted).hexdigest() and record["status"] == 200
        assert record["rows"] == queues(sim) and HOOK not in json.dumps(record)


async def test_read_only_scores_30_days_through_a_job_and_leaves_the_push_unbound(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make(sim, tmp_path, read_only=True, default_interval="30d")
    async with app.run_test(size=(150, 48)) as pilot:
        tab = await loaded(pilot, app, sim)
        assert tab.dataset is not None and tab.dataset.mode == "job" and tab.dataset.job_id
        assert f"job {tab.dataset.job_id}" in str(app.query_one("#routing-line").render())
        await pilot.press("b")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert tab.check_action("push", ()) is False
