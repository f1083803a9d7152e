"""Regenerate screenshots/*.svg from the real app against the embedded simulator (fixed seed).

    python scripts/screenshots.py

Latencies and clock times are real, so they differ from run to run; everything else is fixed by
the simulator's seed. Uses a throwaway history file, and points XDG_* at a temp dir (the Data
actions tab's change journal, crash logs), so nothing of the user's is touched. The Data actions
shots: the tab with "used by" known for the rows on screen, and the confirm dialog of a bulk
timeout change on three marked rows (cancelled: nothing is sent). Before it exits, every SVG is
checked for the client secret and the bearer tokens the session used (exit 1 if one is found).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from gctui.cli.profile import DemoSource
from gctui.sim.config import DEMO_CLIENT_SECRET
from gctui.tui.app import GctuiApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def _settle(pilot, app: GctuiApp) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await pilot.pause(0.05)
        table = app.query_one("#probes")
        monitor = app.query_one("#health-tab").monitor  # type: ignore[attr-defined]
        if monitor is not None and monitor.runs >= 1 and table.row_count and not monitor.running:
            break
    await pilot.pause(1.2)  # let the header and panels tick once


async def _until(pilot, predicate, what: str, within: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(within / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise RuntimeError(f"{what}: not reached in {within:.0f} s")


async def _actions_settled(pilot, app: GctuiApp):  # type: ignore[no-untyped-def]
    """`2`, then every action listed, the journal open and "used by" known for the rows on screen."""
    from gctui.tui.tabs.actions import DataActionsTab
    from gctui.tui.tabs.actions_usedby import window_keys

    await pilot.press("2")
    tab = app.query_one(DataActionsTab)
    view = tab.data_view()
    await _until(pilot, lambda: tab.loaded and tab.writes.writer is not None, "actions loaded")
    await _until(
        pilot,
        lambda: all(tab.used.value(k) is not None for k in window_keys(view)) and not tab.used.pending,
        "used by looked up",
    )
    await pilot.pause(1.2)
    return tab


async def _tokens(app: GctuiApp) -> list[str]:
    """The bearer token the session holds now (to check that no screenshot shows it)."""
    if app.session is None:
        return []
    return [(await app.session.client.tokens.get_token()).reveal()]


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    secrets = [DEMO_CLIENT_SECRET]
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(Path(tmp) / name.lower())
        app = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h.sqlite3", export_dir=Path(tmp))
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot, app)
            # A few more runs so the sparklines and percentiles have something to show.
            for _ in range(5):
                await pilot.press("space")
                await pilot.pause(0.4)
            await pilot.pause(1.1)
            app.save_screenshot("health.svg", str(OUT))
            await pilot.press("question_mark")
            await pilot.pause(0.3)
            app.save_screenshot("help.svg", str(OUT))
            await pilot.press("escape", "slash", "a", "c", "t")
            await pilot.pause(0.3)
            app.save_screenshot("filter.svg", str(OUT))
            secrets += await _tokens(app)
        small = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h2.sqlite3", export_dir=Path(tmp))
        async with small.run_test(size=(80, 24)) as pilot:
            await _settle(pilot, small)
            small.save_screenshot("health-80x24.svg", str(OUT))
            secrets += await _tokens(small)
        actions = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h3.sqlite3", export_dir=Path(tmp))
        async with actions.run_test(size=(110, 30)) as pilot:
            await _settle(pilot, actions)
            tab = await _actions_settled(pilot, actions)
            actions.save_screenshot("actions.svg", str(OUT))
            from gctui.tui.tabs.actions_dialogs import CheckedAsk
            from gctui.tui.widgets.confirm import ConfirmScreen

            # Three marks (the cursor moves between them), then T 12: the blast radius, cancelled.
            await pilot.press("down", "space", "down", "down", "space", "down", "space")
            await _until(pilot, lambda: len(tab.data_view().marked_keys()) == 3, "three marks")
            await pilot.press("T")
            await _until(pilot, lambda: isinstance(actions.screen, CheckedAsk), "the timeout question")
            await pilot.press(*"12", "enter")
            await _until(pilot, lambda: isinstance(actions.screen, ConfirmScreen), "the confirm dialog")
            await pilot.pause(0.5)
            actions.save_screenshot("actions-confirm.svg", str(OUT))
            await pilot.press("n")
            await _until(pilot, lambda: not isinstance(actions.screen, ConfirmScreen), "cancelled")
            secrets += await _tokens(actions)
        flows = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h4.sqlite3", export_dir=Path(tmp))
        async with flows.run_test(size=(110, 30)) as pilot:
            from gctui.tui.tabs.flows import FlowsTab

            await _settle(pilot, flows)
            await pilot.press("3")
            ftab = flows.query_one(FlowsTab)
            await _until(
                pilot,
                lambda: ftab.result is not None and ftab.problems is not None and not ftab._analysing,
                "flows read",
            )
            await pilot.press("c", "tab", "down", "enter")  # the first cycle, opened in the tree
            await pilot.pause(0.5)
            flows.save_screenshot("flows-cycles.svg", str(OUT))
            await pilot.press("i")  # what breaks if the cursor flow changes
            await pilot.pause(0.5)
            flows.save_screenshot("flows-impact.svg", str(OUT))
            secrets += await _tokens(flows)
        more = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h5.sqlite3", export_dir=Path(tmp))
        async with more.run_test(size=(110, 34)) as pilot:
            from gctui.tui.tabs.routing import RoutingTab
            from gctui.tui.tabs.scaling import ScalingTab

            await _settle(pilot, more)
            await pilot.press("4")
            rtab = more.query_one(RoutingTab)
            await _until(
                pilot, lambda: rtab.dataset is not None and rtab.data_view().total > 0, "queues scored"
            )
            await pilot.press("down", "down")  # the breakdown follows the cursor
            await pilot.pause(0.5)
            more.save_screenshot("routing.svg", str(OUT))
            await pilot.press("5")
            stab = more.query_one(ScalingTab)
            await _until(
                pilot, lambda: stab.view is not None and stab.data_view().total > 0, "resources sampled"
            )
            await pilot.press("space")  # a second sample: a history to draw
            await pilot.pause(2.5)
            more.save_screenshot("scaling.svg", str(OUT))
            secrets += await _tokens(more)
    leaks = [p.name for p in sorted(OUT.glob("*.svg")) if any(s in p.read_text() for s in secrets)]
    for name in sorted(OUT.glob("*.svg")):
        print(name)
    if leaks:
        print(f"a secret is in {', '.join(leaks)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
