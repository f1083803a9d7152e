"""The detail dialog: static, live (redrawn only when its content changed), markup-safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Static

from gctui.sim.server import SimServer
from gctui.tui.widgets.detail import DetailScreen
from tests.tui.conftest import make_app, wait_for
from tests.tui.test_dialogs_support import DialogHost, shown


def spy_updates(widget: Static) -> list[Any]:
    """Every ``update`` the widget gets from now on."""
    calls: list[Any] = []
    original = widget.update

    def update(content: Any = "", **kwargs: Any) -> None:
        calls.append(content)
        original(content, **kwargs)

    widget.update = update  # type: ignore[method-assign]
    return calls


async def test_static_text_is_cleaned_and_never_markup() -> None:
    body = "503 service.unavailable [b]not bold[/b] [48a414fd]\nsecond\x1b[2J line"
    host = DialogHost(DetailScreen("Probe [i]x[/i]", body))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(host.screen.query_one("#detail-body"))
        assert text == "503 service.unavailable [b]not bold[/b] [48a414fd]\nsecond\\x1b[2J line"
        assert shown(host.screen.query_one("#detail-hint")) == "Esc closes"
        assert Text.from_markup(str(host.screen.children[0].border_title)).plain == "Probe [i]x[/i]"
        assert not host.screen.live
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(host.screen, DetailScreen)


async def test_live_detail_follows_the_source_and_redraws_only_on_change() -> None:
    state = {"status": "healthy", "reads": 0}

    def source() -> str:
        state["reads"] += 1
        return f"status {state['status']}"

    dialog = DetailScreen("Probe flows", source, interval=0.05)
    host = DialogHost(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = dialog.query_one("#detail-body", Static)
        updates = spy_updates(body)
        assert (
            shown(body) == "status healthy" and shown(dialog.query_one("#detail-hint")) == "live · Esc closes"
        )
        reads = state["reads"]
        await pilot.pause(0.4)
        assert state["reads"] >= reads + 4  # it keeps reading…
        assert updates == [] and dialog.renders == 0  # …and draws nothing while nothing changed
        state["status"] = "critical [503]"
        await wait_for(pilot, lambda: shown(body) == "status critical [503]", timeout=2)
        await pilot.pause(0.3)
        assert len(updates) == 1 and dialog.renders == 1


async def test_live_detail_says_when_its_item_is_gone() -> None:
    state: dict[str, Text | None] = {"value": Text("queue A", style="bold")}
    dialog = DetailScreen("Queue", lambda: state["value"], interval=0.05)
    host = DialogHost(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        state["value"] = None
        await pilot.pause(0.2)
        assert shown(dialog.query_one("#detail-body")) == "queue A"  # the last known state stays
        assert shown(dialog.query_one("#detail-hint")).startswith("no longer available")


async def test_health_details_are_live(sim: SimServer, tmp_path: Path) -> None:
    """Enter on a probe opens its details; a run while the dialog is open shows up in it."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        tab: Any = app.query_one("#health-tab")
        await wait_for(pilot, lambda: tab.monitor is not None and tab.monitor.runs >= 1)
        await wait_for(pilot, lambda: not tab.monitor.running)
        keys = tab.data_view().visible_keys()
        for _ in range(keys.index("flows")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DetailScreen) and dialog.live
        body = dialog.query_one("#detail-body", Static)
        assert "flows  GET /api/v2/flows" in shown(body) and "last code 200" in shown(body)
        sim.control.script_fault("GET", "/api/v2/flows", status=503, count=1)
        await tab.monitor.run_once()
        await wait_for(pilot, lambda: "last code 503" in shown(body), timeout=3)
        assert "service.unavailable" in shown(body)
