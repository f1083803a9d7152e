"""The terminal: what the header, the footer and `?` show at 80x24 and 60x20, and server text
that never reaches the screen raw."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets._footer import FooterKey

from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp
from gctui.tui.widgets.header import HeaderState, StatusHeader, token_text
from gctui.tui.widgets.help import HelpScreen
from tests.tui.conftest import make_app, wait_for

EVIL = "Evil\x1b]0;x\x07\x1b[2J Org"


def screen_lines(app: App[object]) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


class HeaderOnly(App[None]):
    def __init__(self, state: HeaderState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield StatusHeader(lambda: self.state)


BUSY = HeaderState(
    org="Contoso Customer Care Production EMEA",
    region="eu-central-1",
    read_only=True,
    token="token 4m59s",
    budget="rate 271/300 429s:3",
    problem="login blocked",
)


@pytest.mark.parametrize("width", [120, 80, 60])
async def test_header_never_drops_mode_token_or_budget(width: int) -> None:
    app = HeaderOnly(BUSY)
    async with app.run_test(size=(width, 20)) as pilot:
        await pilot.pause()
        line = screen_lines(app)[0]
        assert line.rstrip().endswith("│ RO │ token 4m59s │ rate 271/300 429s:3"), line
        assert line.lstrip().startswith("login b")  # the problem word is there, maybe shortened
        if width == 120:
            assert "Contoso Customer Care Production EMEA │ eu-central-1" in line


async def test_header_keeps_the_rate_when_offline_at_80_columns() -> None:
    app = HeaderOnly(HeaderState(org="Simulated Contact Center", region="simulator", problem="offline"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.state = HeaderState(
            org="Simulated Contact Center",
            region="simulator",
            problem="offline",
            token="token 23h59m",
            budget="rate 12/300",
        )
        app.query_one(StatusHeader).refresh_status()
        await pilot.pause()
        line = screen_lines(app)[0]
        assert line.strip().startswith("offline │ Simulated Contact Center │ simula")  # region shortened
        assert line.rstrip().endswith("│ RW │ token 23h59m │ rate 12/300")


def test_the_token_countdown_is_coarse_far_from_expiry() -> None:
    assert token_text(3599, static=False, has_token=True) == ("token 59m", False)
    assert token_text(601, static=False, has_token=True) == ("token 10m", False)
    assert token_text(599, static=False, has_token=True) == ("token 9m59s", False)
    assert token_text(299, static=False, has_token=True) == ("token 4m59s", True)
    assert token_text(7200, static=False, has_token=True) == ("token 2h00m", False)


async def test_footer_at_80_columns_lists_both_export_keys(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "e E Export" in footer and "r Interval" in footer, footer
        assert {"e", "E"} <= {k.key for k in app.screen.query(FooterKey)}


@pytest.mark.parametrize(("size", "with_ids"), [((80, 24), True), ((60, 20), False)])
async def test_help_shows_ids_only_when_they_fit_whole(
    sim: SimServer, tmp_path: Path, size: tuple[int, int], with_ids: bool
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        assert len(table.columns) == (3 if with_ids else 2)
        text = "\n".join(screen_lines(app))
        assert ("app.quit_ctrl_c" in text) is with_ids
        assert "Quit (Ctrl+C)" in text  # the two quits are told apart either way


async def test_header_at_60x20_keeps_mode_token_and_rate(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for(pilot, lambda: app.query_one(StatusHeader).state.org == "Simulated Contact Center")
        await wait_for(pilot, lambda: "token" in screen_lines(app)[0] and "rate" in screen_lines(app)[0])
        line = screen_lines(app)[0]
        assert "│ RW │ token " in line and "│ rate " in line and "/100000" in line


async def test_server_text_never_reaches_the_screen_raw(tmp_path: Path) -> None:
    async with SimServer(SimConfig(token_rate_limit=1000, rate_limit=100_000, org_name=EVIL)) as sim:
        app = make_app(sim, tmp_path)
        async with app.run_test(size=(120, 30)) as pilot:
            header = app.query_one(StatusHeader)
            await wait_for(pilot, lambda: "Evil" in header.state.org)
            app.notify(f"org {EVIL} says \x1b[31mhi", title=EVIL)
            await pilot.pause()
            text = "\n".join(screen_lines(app))
            assert "Evil\\x1b]0;x\\x07\\x1b[2J Org" in text
            assert "\x1b" not in text and "\x07" not in text
            toast = (
                app._notifications.last
                if hasattr(app._notifications, "last")
                else list(app._notifications)[-1]
            )
            assert "\x1b" not in toast.message + toast.title
            assert toast.message == "org Evil\\x1b]0;x\\x07\\x1b[2J Org says \\x1b[31mhi"


async def test_quit_stops_the_header_timer_with_its_widgets(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        header = app.query_one(StatusHeader)
        assert not app._timers, "no app-level timer may paint widgets"
        assert header._timers
        await pilot.press("q")
    assert app.return_code == 0
    assert not header._timers  # stopped with the widget


def test_app_subclass_keeps_the_stylesheet() -> None:
    assert Path(str(GctuiApp.CSS_PATH)).is_file()


async def test_keys_arriving_in_one_burst_after_slash_reach_the_filter(sim: SimServer, tmp_path: Path) -> None:
    """On a slow link "/flo" comes as one read: the letters after "/" go to the prompt, not to
    the table behind it."""
    from textual import events

    from gctui.tui.widgets.prompt import PromptBar

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.current_view()
        assert view is not None
        await wait_for(pilot, lambda: view.total > 0, timeout=20)
        for key, char in (("slash", "/"), ("f", "f"), ("l", "l"), ("o", "o")):
            app.post_message(events.Key(key, char))  # queued together, as the driver does
        await wait_for(pilot, lambda: app.query_one(PromptBar).value == "flo")
        await wait_for(pilot, lambda: view.filter.text == "flo")


async def test_keys_arriving_in_one_burst_after_enter_act_on_the_screen(sim: SimServer, tmp_path: Path) -> None:
    """"/web", Enter, "2" in one read: the filter is kept and "2" shows the Data actions tab
    (it is not typed into the closed prompt); Esc then a key likewise."""
    from textual import events

    from gctui.tui.tabs.actions import DataActionsTab
    from gctui.tui.widgets.prompt import PromptBar

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.current_view()
        assert view is not None
        await wait_for(pilot, lambda: view.total > 0, timeout=20)
        keys = [("slash", "/"), ("w", "w"), ("e", "e"), ("b", "b"), ("enter", "\r"), ("2", "2")]
        for key, char in keys:
            app.post_message(events.Key(key, char))  # queued together, as the driver does
        await wait_for(pilot, lambda: isinstance(app.active_tab(), DataActionsTab))
        prompt = app.query_one(PromptBar)
        assert view.filter.text == "web" and prompt.value == "web" and not prompt.display
        for key, char in (("colon", ":"), ("x", "x"), ("escape", None), ("1", "1")):
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: app.active_tab() is not None and app.active_tab().TAB.key == "1")
        assert not prompt.display and prompt.value == "x"
