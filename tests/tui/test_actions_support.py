"""Helpers of the Data actions tab tests: the simulator's evidence (what it holds, its PATCH
history), another client changing an action, and the pilot steps a user takes."""

from __future__ import annotations

from typing import Any

import httpx

from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.actions_cells import COLUMN_INDEX
from gctui.tui.widgets.dataview import plain
from gctui.tui.widgets.progress import ProgressScreen
from tests.tui.conftest import SECRET, wait_for

ACTIONS_PATH = "/api/v2/integrations/actions"


# -- the simulator's side ------------------------------------------------------------------------


def sim_action(sim: SimServer, action_id: str) -> dict[str, Any]:
    assert sim.runtime is not None
    action: dict[str, Any] = sim.runtime.org.action_by_id[action_id]
    return action


def sim_timeout(sim: SimServer, action_id: str) -> int | None:
    value = sim_action(sim, action_id).get("config", {}).get("timeoutSeconds")
    return value if isinstance(value, int) else None


def applied(sim: SimServer, action_id: str) -> int:
    assert sim.runtime is not None
    count: int = sim.runtime.actions.history(action_id)["applied"]
    return count


def all_applied(sim: SimServer) -> int:
    assert sim.runtime is not None
    return sum(a["applied"] for a in sim.runtime.actions.summary()["actions"].values())


async def patch_behind_the_tabs_back(sim: SimServer, action_id: str, timeout: int) -> None:
    """Another client (its own token) changes the action's timeout."""
    async with httpx.AsyncClient(base_url=sim.base_url) as client:
        token = await client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("gctui-demo", SECRET)
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        url = f"{ACTIONS_PATH}/{action_id}"
        current = (await client.get(url, params={"includeConfig": "true"}, headers=headers)).json()
        body = {"version": current["version"], "config": {"timeoutSeconds": timeout}}
        answer = await client.patch(url, json=body, headers=headers)
        assert answer.status_code == 200, answer.text


# -- the app's side ------------------------------------------------------------------------------


async def open_tab(pilot: Any, app: GctuiApp) -> DataActionsTab:
    await pilot.press("2")
    tab = app.query_one(DataActionsTab)
    await wait_for(pilot, lambda: tab.loaded and tab.writes.writer is not None, timeout=20)
    return tab


def row(tab: DataActionsTab, key: str) -> list[str]:
    return [plain(c) for c in tab.data_view().get_row(key)]


def cell(tab: DataActionsTab, key: str, column: str) -> str:
    return row(tab, key)[COLUMN_INDEX[column]]


def screen_lines(app: GctuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def toasts(app: GctuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def answer(pilot: Any, text: str) -> None:
    """Replace what the open question holds with ``text`` and press Enter."""
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


async def wait_screen(pilot: Any, app: GctuiApp, kind: type) -> Any:
    await wait_for(pilot, lambda: isinstance(app.screen, kind))
    return app.screen


async def close_progress(pilot: Any, app: GctuiApp) -> None:
    progress = await wait_screen(pilot, app, ProgressScreen)
    await wait_for(pilot, lambda: progress.finished, timeout=20)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not progress)


def other_value(current: int | None) -> int:
    return 7 if current != 7 else 8
