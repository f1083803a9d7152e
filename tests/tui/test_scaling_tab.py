"""The Scaling tab as a user drives it, in an app with only this tab (the shell registers it
later), against the simulated org over loopback and its webhook receiver."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual_plotext import PlotextPlot

from gctui.config.scaling import ScalingConfig
from gctui.services.scaling import ScalingStore, default_store_path
from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.scaling import ScalingTab
from gctui.tui.widgets.confirm import ConfirmScreen
from tests.tui.conftest import SimSource, wait_for

HOOK = "scale-tab"
SHARED = "tab-shared-secret"


class ScalingApp(GctuiApp):
    TABS = (ScalingTab,)


def make(sim: SimServer, tmp_path: Path, *, read_only: bool = False) -> ScalingApp:
    source = SimSource(sim.base_url, read_only=read_only)
    scaling = ScalingConfig(
        webhook_url=SecretStr(f"{sim.base_url}/sim/webhooks/{HOOK}"),
        webhook_headers={"X-Shared-Secret": SecretStr(SHARED)},
        sample_interval_seconds=3600,  # one sample at start; the test asks for more with space
    )
    source.profile = dataclasses.replace(source.profile, scaling=scaling)
    return ScalingApp(source, read_only=read_only, export_dir=tmp_path / "exports",
                      history_path=tmp_path / "health.sqlite3")  # fmt: skip


async def received(sim: SimServer) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=sim.base_url) as client:
        resp = await client.get(f"/sim/webhooks/{HOOK}")
        return resp.json()["entities"]  # type: ignore[no-any-return]


def resources(sim: SimServer) -> int:
    assert sim.runtime is not None
    return 2 * len(sim.runtime.org.edges) + len(sim.runtime.org.trunks)


async def loaded(pilot: Any, app: ScalingApp, sim: SimServer) -> ScalingTab:
    tab = app.query_one(ScalingTab)
    await wait_for(pilot, lambda: tab.view is not None and tab.data_view().total == resources(sim), 20)
    return tab


async def test_rows_plot_and_the_recommendation_with_its_payload(sim: SimServer, tmp_path: Path) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        tab = await loaded(pilot, app, sim)
        assert sim.runtime is not None
        edge = sim.runtime.org.edges[0]
        view = tab.data_view()
        assert view.move_cursor(f"edge:{edge['id']}:cpu")
        await pilot.pause()
        row = [str(c) for c in view.get_row(f"edge:{edge['id']}:cpu")]
        assert row[0] == edge["name"] and row[1] == "cpu" and row[2] == edge["edgeGroup"]["name"]
        assert row[5] == "75%" and row[6] == "90%"
        line = str(app.query_one("#scaling-line").render())
        assert f"{resources(sim)} resources" in line and "history 1 samples" in line
        plan = tab.current_plan()
        assert plan is not None and plan.recommendation.group.id == edge["edgeGroup"]["id"]
        shown = str(app.query_one("#scaling-rec").render())
        assert plan.sha256 in shown and plan.payload.decode() in shown.replace("\n", "")
        assert hashlib.sha256(plan.payload).hexdigest() == plan.sha256
        assert isinstance(app.query_one("#scaling-plot"), PlotextPlot)
        staffing = str(app.query_one("#scaling-staffing").render())
        assert staffing.startswith("Erlang C: ") and " needed for " in staffing and " on queue" in staffing

        await pilot.press("space")  # a second sample: the history grows
        await wait_for(pilot, lambda: tab.view is not None and "history 2 samples" in
                       str(app.query_one("#scaling-line").render()), 20)  # fmt: skip
        with ScalingStore(default_store_path(), tab.service.store.scope) as store:  # type: ignore[union-attr]
            assert store.sample_count() == 2 * resources(sim)


async def test_apply_through_the_confirm_dialog_posts_the_shown_bytes(sim: SimServer, tmp_path: Path) -> None:
    app = make(sim, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        tab = await loaded(pilot, app, sim)
        assert sim.runtime is not None
        edge = sim.runtime.org.edges[0]  # the sim's hot edge, with a busy trunk: it asks for a node
        tab.data_view().move_cursor(f"edge:{edge['id']}:cpu")
        await pilot.pause()
        plan = tab.current_plan()
        assert plan is not None and plan.recommendation.scale_up
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("escape")  # cancelled: nothing sent
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert await received(sim) == []

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: "last apply: applied" in str(app.query_one("#scaling-rec").render()), 20
        )
        (got,) = await received(sim)
        body = json.dumps(got["body"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert body == plan.payload
        headers = {k.lower(): v for k, v in got["headers"].items()}
        assert headers["idempotency-key"] == plan.idempotency_key and headers["x-shared-secret"] == SHARED
        assert SHARED not in str(app.query_one("#scaling-rec").render())
        (record,) = tab.service.store.audit_records()  # type: ignore[union-attr]
        assert record["payloadSha256"] == hashlib.sha256(body).hexdigest()

        await pilot.press("a")  # the cool-down holds a second one back
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "cool-down" in str(app.query_one("#scaling-rec").render()), 20)
        assert len(await received(sim)) == 1


async def test_read_only_has_no_apply(sim: SimServer, tmp_path: Path) -> None:
    app = make(sim, tmp_path, read_only=True)
    async with app.run_test(size=(140, 45)) as pilot:
        tab = await loaded(pilot, app, sim)
        assert not tab.check_action("apply", ())
        await pilot.press("a")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)
        assert sim.runtime is not None
        tab.data_view().move_cursor(f"edge:{sim.runtime.org.edges[0]['id']}:cpu")
        await pilot.pause()
        assert "read-only: apply is not available" in str(app.query_one("#scaling-rec").render())
        tab.action_apply()  # even called directly, it refuses
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert await received(sim) == []


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
