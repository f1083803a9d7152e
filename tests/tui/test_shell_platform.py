"""The console platform: tabs declared in one place, read-only leaves write keys unbound, tabs
load when first shown, one handler for worker errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from gctui.genesys.errors import ServerError
from gctui.sim.server import SimServer
from gctui.tui.actions import ActionSpec, Command, Registry, TabSpec
from gctui.tui.app import GctuiApp
from gctui.tui.tabs import TABS
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.health import HealthTab
from gctui.tui.widgets.help import HelpScreen
from tests.tui.conftest import SimSource, make_app, wait_for


class DummyTab(FeatureTab):
    can_focus = True
    TAB = TabSpec("dummy", "Dummy", "2")
    ACTIONS = (
        ActionSpec("dummy.wipe", "w", "wipe", "Wipe", "Wipe everything", write=True, command=Command("wipe")),
        ActionSpec("dummy.look", "l", "look", "Look", command=Command("look", "WHAT", "command_look")),
    )

    def __init__(self) -> None:
        super().__init__()
        self.attached = 0
        self.wiped = 0
        self.looked: list[str] = []

    def attach(self, context: Any) -> None:
        self.attached += 1

    def action_wipe(self) -> None:
        self.wiped += 1

    def action_look(self) -> None:
        self.looked.append("")

    def command_look(self, what: str) -> None:
        self.looked.append(what)


class TwoTabApp(GctuiApp):
    TABS = (HealthTab, DummyTab)


def _two_tabs(sim: SimServer, tmp_path: Path, *, read_only: bool) -> TwoTabApp:
    return TwoTabApp(
        SimSource(sim.base_url, read_only=read_only),
        read_only=read_only,
        export_dir=tmp_path / "exports",
        history_path=tmp_path / "health.sqlite3",
    )


def _footer(app: GctuiApp) -> set[str]:
    return {k.description for k in app.screen.query(FooterKey)}


def declaration_problems(app_class: type[GctuiApp]) -> list[str]:
    """Every declared action has its Textual action method and, with an argument, its handler."""
    problems = []
    for entry in app_class.REGISTRY.entries:
        node = app_class if entry.tab is None else entry.tab.load()
        spec = entry.spec
        if not callable(getattr(node, f"action_{spec.name}", None)):
            problems.append(f"{spec.id}: no {node.__name__}.action_{spec.name}")
        cmd = spec.command
        if cmd is not None and cmd.usage and not callable(getattr(node, cmd.handler, None)):
            problems.append(f"{spec.id}: no {node.__name__}.{cmd.handler or '<handler>'}")
    return problems + [f"{k} is bound to {a} and {b}" for k, a, b in app_class.REGISTRY.clashes({})]


def test_every_declared_action_has_a_handler_and_no_key_clashes() -> None:
    assert GctuiApp.TABS == TABS
    assert declaration_problems(GctuiApp) == []
    assert declaration_problems(TwoTabApp) == []


def test_the_check_catches_a_missing_handler_and_a_clash() -> None:
    class Broken(FeatureTab):
        TAB = TabSpec("broken", "Broken", "3")
        ACTIONS = (
            ActionSpec("broken.go", "g", "go", "Go"),
            ActionSpec("broken.set", "x", "go", "Set", command=Command("set", "N", "command_set")),
            ActionSpec("broken.quit", "q", "leave", "Leave"),
        )

    class BrokenApp(GctuiApp):
        TABS = (Broken,)

    assert declaration_problems(BrokenApp) == [
        "broken.go: no Broken.action_go",
        "broken.set: no Broken.action_go",
        "broken.set: no Broken.command_set",
        "broken.quit: no Broken.action_leave",
        "q is bound to app.quit and broken.quit",
    ]


def test_a_tab_cannot_declare_an_action_outside_its_scope() -> None:
    with pytest.raises(TypeError, match="must start with 'typo'"):

        class Typo(FeatureTab):
            TAB = TabSpec("typo", "Typo", "4")
            ACTIONS = (ActionSpec("health.pause", "p", "toggle_pause", "Pause"),)


def test_the_registry_finds_commands_only_in_live_scopes() -> None:
    registry = Registry((HealthTab, DummyTab))
    assert registry.find_command("interval", HealthTab) is not None
    assert registry.find_command("interval", DummyTab) is None
    assert registry.find_command("dummy", HealthTab) is not None  # tab switches are app-wide


async def test_read_only_leaves_write_actions_unbound_and_unlisted(sim: SimServer, tmp_path: Path) -> None:
    app = _two_tabs(sim, tmp_path, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.press("2")
        tab = app.query_one(DummyTab)
        await wait_for(pilot, lambda: tab.attached == 1)
        await pilot.pause()
        assert "Look" in _footer(app) and "Wipe" not in _footer(app)
        await pilot.press("w")
        await pilot.pause()
        assert tab.wiped == 0
        assert "dummy.wipe" not in {e.spec.id for e in app.live_entries()}  # what the palette lists
        await pilot.press("colon", *"wipe", "enter")
        await pilot.pause()
        assert tab.wiped == 0
        assert any("not available in read-only mode" in n.message for n in app._notifications)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert "dummy.look" in ids and "dummy.wipe" not in ids


async def test_read_write_binds_and_lists_write_actions(sim: SimServer, tmp_path: Path) -> None:
    app = _two_tabs(sim, tmp_path, read_only=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.press("2")
        tab = app.query_one(DummyTab)
        await wait_for(pilot, lambda: "Wipe" in _footer(app))
        await pilot.press("w")
        await pilot.press("colon", *"look queues", "enter")
        await pilot.pause()
        assert tab.wiped == 1 and tab.looked == ["queues"]
        assert "dummy.wipe" in {e.spec.id for e in app.live_entries()}


async def test_a_tab_starts_loading_when_first_shown(sim: SimServer, tmp_path: Path) -> None:
    app = _two_tabs(sim, tmp_path, read_only=False)
    async with app.run_test(size=(100, 30)) as pilot:
        health = app.query_one(HealthTab)
        await wait_for(pilot, lambda: health.monitor is not None)
        assert not app.query(DummyTab)  # its widgets are mounted when it is first shown
        await pilot.press("2")
        dummy = app.query_one(DummyTab)
        await wait_for(pilot, lambda: dummy.attached == 1)
        assert dummy.context is app.context and dummy.context.history_path == tmp_path / "health.sqlite3"
        await pilot.press("1", "2")
        await pilot.pause()
        assert dummy.attached == 1


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (RuntimeError("history db exploded"), "unexpected RuntimeError: history db exploded"),
        (
            ServerError("upstream timeout", status=503, context_id="c0ffee-42"),
            "503: upstream timeout (correlation id c0ffee-42)",
        ),
    ],
)
async def test_a_failing_worker_is_toasted_logged_and_said_in_the_tab(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, shown: str
) -> None:
    import gctui.tui.tabs.health as health_module

    real = health_module._make_monitor

    def broken(*args: Any) -> Any:
        raise error

    monkeypatch.setattr(health_module, "_make_monitor", broken)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = app.query_one(HealthTab)
        await wait_for(pilot, lambda: bool(tab.query(".tab-failure")))
        line = str(tab.query_one(".tab-failure").render())
        assert line == f"failed: {shown} — press R or :retry to retry"
        toast = next(n for n in app._notifications if n.title == "Health: failed")
        assert shown in toast.message and toast.severity == "error"
        logs = list(Path(toast.message.rpartition("details in ")[2]).parent.glob("crash-*.log"))
        assert len(logs) == 1 and "_build_monitor" in logs[0].read_text()
        monkeypatch.setattr(health_module, "_make_monitor", real)
        await pilot.press("R")
        await wait_for(pilot, lambda: tab.monitor is not None and tab.monitor.runs >= 1)
        assert not tab.query(".tab-failure")


def test_a_tab_command_shadows_the_shells_of_the_same_name() -> None:
    """`:filter` is the regex filter on Health and the expression filter on Data actions; `?`
    lists only the one that runs."""
    from gctui.tui.commands import help_rows
    from gctui.tui.tabs.actions import DataActionsTab

    registry = GctuiApp.REGISTRY
    on_health = registry.find_command("filter", HealthTab)
    on_actions = registry.find_command("filter", DataActionsTab)
    assert on_health is not None and on_health.tab is None and on_health.spec.id == "app.filter"
    assert on_actions is not None and on_actions.tab is not None
    assert on_actions.tab.load() is DataActionsTab
    rows = help_rows(registry.live(DataActionsTab), lambda spec: spec.key)
    assert [r[0] for r in rows if r[0].startswith(":filter")] == [":filter EXPR"]
