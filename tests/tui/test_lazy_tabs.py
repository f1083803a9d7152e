"""Start-up draws only what the first frame shows: a tab's module is imported and its widgets
mounted the first time it is shown (then it starts loading, as before); the key registry, `?`
and the tab bar read the tabs' light declarations. The collector is off until the first frame."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from gctui.errors import GctuiError
from gctui.sim.server import SimServer
from gctui.tui.actions import LazyTab
from gctui.tui.app import GctuiApp
from gctui.tui.tabs import TABS
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.health import HealthTab
from gctui.tui.tabs.routing import RoutingTab
from gctui.tui.tabs.scaling import ScalingTab
from tests.tui.conftest import make_app, wait_for


def test_each_declaration_is_the_one_its_tab_class_binds() -> None:
    for declared in TABS:
        assert isinstance(declared, LazyTab)
        cls = declared.load()
        assert issubclass(cls, FeatureTab)
        assert cls.TAB is declared.TAB and cls.ACTIONS is declared.ACTIONS


FRESH = """
import asyncio, sys
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.base import FeatureTab

class Nowhere:
    label = "test"
    def open(self):
        raise OSError("no org in this test")
    def close(self):
        return None

TAB_MODULES = ("gctui.tui.tabs.actions", "gctui.tui.tabs.flows", "gctui.tui.tabs.routing",
               "gctui.tui.tabs.scaling", "textual_plotext")

async def main():
    app = GctuiApp(Nowhere())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print("at start:", sorted(m for m in TAB_MODULES if m in sys.modules),
              [type(t).__name__ for t in app.query(FeatureTab)])
        await pilot.press("4")
        await pilot.pause()
        print("after 4:", sorted(m for m in TAB_MODULES if m in sys.modules),
              [type(t).__name__ for t in app.query(FeatureTab)], type(app.active_tab()).__name__)

asyncio.run(main())
"""


def test_a_tab_not_yet_shown_has_neither_its_module_nor_its_widgets() -> None:
    """A fresh interpreter: the others' test imports would hide a module loaded too early."""
    out = subprocess.run(
        [sys.executable, "-c", FRESH], capture_output=True, text=True, check=True, timeout=60
    )
    start, shown = out.stdout.strip().splitlines()[-2:]
    assert start == "at start: [] ['HealthTab']"
    assert shown == (
        "after 4: ['gctui.tui.tabs.routing', 'textual_plotext'] ['HealthTab', 'RoutingTab'] RoutingTab"
    )


async def test_a_tab_shown_the_first_time_is_mounted_started_focused_and_keyed(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path, keymap={"scaling.pause": "P"})
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        assert [type(t) for t in app.query(FeatureTab)] == [HealthTab]
        await pilot.press("5")
        tab = app.query_one(ScalingTab)
        await wait_for(pilot, lambda: tab.context is app.context)
        assert app.active_tab() is tab and app.focused is tab.data_view()
        await wait_for(pilot, lambda: tab.poller is not None)
        live = {e.spec.id for e in app.live_entries()}
        assert {"scaling.pause", "scaling.run", "scaling.apply"} <= live
        bound = app.screen.active_bindings
        assert "P" in bound and bound["P"].binding.action == "toggle_pause"  # the [keys] rebind
        assert "p" not in bound
        await pilot.press("1", "5")  # shown again: the same tab, not a second one
        await pilot.pause()
        assert len(app.query(ScalingTab)) == 1


async def test_a_click_on_the_tab_bar_mounts_and_starts_the_tab(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.click("#--content-tab-routing")
        await wait_for(pilot, lambda: bool(app.query(RoutingTab)))
        tab = app.query_one(RoutingTab)
        await wait_for(pilot, lambda: tab.context is app.context)


async def test_the_collector_is_on_again_once_the_app_has_drawn(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    gc.disable()  # as `gctui.cli.launch` leaves it for start-up
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: gc.isenabled())
    finally:
        gc.enable()


def test_launch_turns_the_collector_back_on_when_the_config_is_refused(tmp_path: Path) -> None:
    from gctui.cli.launch import launch
    from gctui.cli.main import build_parser

    bad = tmp_path / "config.toml"
    bad.write_text("this is = not toml [\n")
    args = build_parser().parse_args(["--config", str(bad)])
    with pytest.raises(GctuiError) as err:
        launch(args)
    assert err.value.code == 2
    assert gc.isenabled()


def test_the_app_class_lists_the_declarations_not_the_tab_classes() -> None:
    assert GctuiApp.TABS == TABS
    assert RoutingTab.load() is RoutingTab  # a class is its own declaration (test apps list classes)
