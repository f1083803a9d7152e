"""The Data actions tab at 10,000 actions: the listing's progress is shown, rows reach the table
in batches (the loop is never held for the whole set), and "used by" is looked up only for the
rows on screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gctui.services.actions.loader import BUILD_CHUNK, FIRST_CHUNK
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.actions_usedby import window_keys
from tests.tui.conftest import make_app, wait_for

ACTIONS = 10_000


async def test_ten_thousand_actions_load_progressively_and_stay_responsive(tmp_path: Path) -> None:
    config = SimConfig(actions=ACTIONS, flows=2000, token_rate_limit=1000, rate_limit=1_000_000)
    async with SimServer(config) as sim:
        app = make_app(sim, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("2")
            tab = app.query_one(DataActionsTab)
            view = tab.data_view()
            statuses: set[str] = set()
            totals: set[int] = set()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            while not tab.loaded and loop.time() < deadline:
                statuses.add(str(app.query_one("#actions-status").render()))
                totals.add(view.total)
                await asyncio.sleep(0.005)
            assert tab.loaded and view.total == ACTIONS
            assert any("of about 10,000" in s for s in statuses), statuses
            partial = {t for t in totals if 0 < t < ACTIONS}
            # page by page: the first page's rows at once, then a chunk of pages at a time
            assert partial and all((t - FIRST_CHUNK) % BUILD_CHUNK == 0 for t in partial), totals
            # Keys work at once on the full table: a sort, a move, a filter by expression.
            await pilot.press("s")
            await pilot.press("down")
            await pilot.press("colon", *"filter risk", "enter")
            await pilot.pause()
            risky = sum(1 for r in tab.rows.values() if r.risk)
            # the status line counts once the table has scanned every row (after the frame)
            status = app.query_one("#actions-status")
            await wait_for(pilot, lambda: f"{risky:,} shown" in str(status.render()), timeout=10)
            assert 0 < view.shown == risky < ACTIONS
            window = window_keys(view)
            await wait_for(pilot, lambda: all(tab.used.value(k) is not None for k in window), timeout=20)
            await pilot.pause(0.5)
            # Three windows were on screen (the first rows as the listing streamed in, sorted by
            # name, the filter's), each the screen plus a margin: never more than a few screens.
            assert tab.used.lookups <= 4 * len(window)
            assert tab.used_by_cache is not None
            assert len(tab.used.flows) + len(tab.used.errors) == tab.used.lookups < 100
