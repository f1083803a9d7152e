"""The Data actions tab as a user sees it, against the simulator over loopback: what the table
shows, the listing's progress and failure, the expression filter, the layout at 80x24, read-only
mode, "used by" for the rows on screen, export, server text, and the test dialog."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from textual.widgets import Static
from textual.widgets._footer import FooterKey

from gctui.sim.server import SimServer
from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.actions_cells import COLUMN_INDEX
from gctui.tui.tabs.actions_dialogs import CheckedAsk
from gctui.tui.widgets.ask import AskScreen
from gctui.tui.widgets.confirm import ConfirmScreen
from gctui.tui.widgets.dataview import plain
from gctui.tui.widgets.help import HelpScreen
from tests.tui.conftest import make_app, wait_for
from tests.tui.test_actions_support import (
    ACTIONS_PATH,
    all_applied,
    answer,
    cell,
    open_tab,
    other_value,
    screen_lines,
    sim_timeout,
    toasts,
    wait_screen,
)

# -- the table -----------------------------------------------------------------------------------


async def test_tab_2_lists_every_action_with_its_effective_timeout(sim: SimServer, tmp_path: Path) -> None:
    assert sim.runtime is not None
    actions = sim.runtime.org.actions
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        view = tab.data_view()
        assert view.total == len(actions)
        unset = next(a for a in actions if a["config"].get("timeoutSeconds") is None)
        configured = next(a for a in actions if isinstance(a["config"].get("timeoutSeconds"), int))
        assert cell(tab, unset["id"], "timeout") == "10s dflt"  # the platform default of the config
        assert cell(tab, configured["id"], "timeout") == f"{configured['config']['timeoutSeconds']}s"
        assert cell(tab, configured["id"], "name") == configured["name"]
        status = str(app.query_one("#actions-status").render())
        assert status.startswith(f"{len(actions)} actions · ") and "stats 7 d" in status
        risky = [r for r in tab.rows.values() if r.risk]
        assert risky and all(cell(tab, r.id, "risk") == "RISK" for r in risky)
        few = [r for r in tab.rows.values() if r.suggested_timeout is None]
        assert few and all(cell(tab, r.id, "suggested") == "few" for r in few)
        assert all("executions in the window, 20 needed" in cell(tab, r.id, "reason") for r in few)


async def test_the_status_line_shows_the_progress_of_the_listing(tmp_path: Path, monkeypatch: Any) -> None:
    from gctui.sim import SimConfig

    config = SimConfig(actions=3000, flows=200, token_rate_limit=1000, rate_limit=100_000, latency_ms=150)
    async with SimServer(config) as sim:
        app = make_app(sim, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            seen: list[str] = []  # every text the line was given: sampling it could miss one
            shown = Static.update

            def record(widget: Static, content: object = "", **kw: object) -> None:
                if widget.id == "actions-status":
                    seen.append(str(content))
                shown(widget, content, **kw)  # type: ignore[arg-type]

            # the tab is mounted when first shown: catch its status line from its first text
            monkeypatch.setattr(Static, "update", record)
            await pilot.press("2")
            tab = app.query_one(DataActionsTab)
            await wait_for(pilot, lambda: tab.loaded, timeout=30)
            assert tab.loaded and tab.data_view().total == 3000
            progress = [s for s in seen if s.startswith("loading actions: ") and "of about 3,000" in s]
            assert progress, seen
            assert any(s.startswith("loading actions: ") and s.endswith("ready") for s in seen), seen


def hold_statistics(monkeypatch: Any) -> asyncio.Event:
    """The action statistics query waits until the returned event is set."""
    from gctui.services.actions import loader

    release = asyncio.Event()
    real = loader.load_stats

    async def held(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(loader, "load_stats", held)
    return release


async def test_rows_show_before_the_statistics_and_take_them_quietly(
    sim: SimServer, tmp_path: Path, monkeypatch: Any
) -> None:
    """The listing is on screen while the (slow, big) statistics query still runs; when they
    come the rows take them without every cell being marked as changed."""
    release = hold_statistics(monkeypatch)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.press("2")
        tab = app.query_one(DataActionsTab)
        view = tab.data_view()
        total = len(sim.runtime.org.actions)  # type: ignore[union-attr]
        await wait_for(pilot, lambda: view.total == total, timeout=20)
        assert not tab.loaded
        assert "statistics loading" in str(app.query_one("#actions-status").render())
        assert not any(row.executions for row in tab.rows.values())
        release.set()
        await wait_for(pilot, lambda: tab.loaded, timeout=20)
        assert any(row.executions for row in tab.rows.values()) and view.total == total
        assert not view._flash  # the statistics arriving is not a change to point at


async def test_a_reload_keeps_the_complete_rows_until_its_own_are_complete(
    sim: SimServer, tmp_path: Path, monkeypatch: Any
) -> None:
    """While a reload's statistics are still coming (or if it fails), the table and every
    change keep working on the rows that have them."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        await pilot.press("2")
        tab = app.query_one(DataActionsTab)
        await wait_for(pilot, lambda: tab.loaded, timeout=20)
        with_stats = sum(1 for row in tab.rows.values() if row.executions)
        assert with_stats
        release = hold_statistics(monkeypatch)
        await pilot.press("colon", *"reload", "enter")
        await wait_for(pilot, lambda: sim.runtime is not None and "loading" in tab.status_text(), timeout=10)
        await pilot.pause(0.3)  # the listing's pages come and go meanwhile
        assert sum(1 for row in tab.rows.values() if row.executions) == with_stats
        release.set()
        await wait_for(pilot, lambda: "loading" not in tab.status_text(), timeout=20)


async def test_a_failed_listing_is_said_in_the_tab_and_r_retries(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.context is not None)
        sim.control.script_fault("GET", ACTIONS_PATH, status=503, count=50)
        await pilot.press("2")
        tab = app.query_one(DataActionsTab)
        await wait_for(pilot, lambda: bool(tab.query(".tab-failure")), timeout=20)
        assert "503" in str(tab.query_one(".tab-failure").render()) and not tab.loaded
        sim.control.clear_faults()
        await pilot.press("R")
        await wait_for(pilot, lambda: tab.loaded and not tab.query(".tab-failure"), timeout=20)
        assert tab.data_view().total == len(tab.rows) > 0


async def test_where_narrows_and_a_bad_expression_changes_nothing(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        view = tab.data_view()
        expected = {r.id for r in tab.rows.values() if r.effective_timeout <= 3}
        assert 0 < len(expected) < view.total
        await pilot.press("colon", *"filter timeout<=3", "enter")
        await pilot.pause()
        assert set(view.visible_keys()) == expected
        assert f"{len(expected)} shown · where timeout<=3" in str(app.query_one("#actions-status").render())
        await pilot.press("colon", *"filter timeout<<3 and", "enter")
        await pilot.pause()
        assert set(view.visible_keys()) == expected  # unchanged
        problem = app.query_one("#actions-problem")
        assert problem.display
        lines = str(problem.render()).splitlines()
        assert "filter error at position 9" in lines[0] and "rows are unchanged" in lines[0]
        assert lines[1] == "  timeout<<3 and" and lines[2] == "  " + " " * 8 + "^"
        assert any("filter error" in t for t in toasts(app))
        await pilot.press("colon", *"filter risk and host~salesforce", "enter")
        await pilot.pause()
        wanted = {r.id for r in tab.rows.values() if r.risk and "salesforce" in (r.host or "").lower()}
        assert wanted and set(view.visible_keys()) == wanted and not problem.display
        await pilot.press("colon", *"filter", "enter")  # the key's question, empty: cleared
        await wait_screen(pilot, app, AskScreen)
        await answer(pilot, "")
        assert view.shown == view.total and tab.expression == ""


async def test_at_80_columns_the_status_line_keeps_the_marks_before_a_long_expression(
    sim: SimServer, tmp_path: Path
) -> None:
    # The line is cut at the width: "3 marked (1 hidden)" fell off behind the expression.
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, app)
        await pilot.press("colon", *"filter timeout>=1 and timeout<=60 and not secure", "enter")
        await pilot.pause()
        view = tab.data_view()
        first, second = view.visible_keys()[:2]
        await pilot.press("space", "down", "space")
        await pilot.press("slash", *tab.rows[first].name, "enter")
        await wait_for(pilot, lambda: view.store.view_index(second) is None)
        await pilot.pause()
        line = next(x for x in screen_lines(app) if x.strip().startswith(f"{len(tab.rows)} actions"))
        assert f"{view.shown} shown · 2 marked (1 hidden) · where timeout>=1" in line, line
        status = str(app.query_one("#actions-status").render())
        assert f"/{tab.rows[first].name.lower()}" in status.lower() and status.endswith("stats 7 d")


async def test_server_text_in_a_name_is_shown_as_text_never_as_markup(sim: SimServer, tmp_path: Path) -> None:
    from textual.containers import Vertical, VerticalScroll

    from gctui.tui.widgets.detail import DetailScreen

    assert sim.runtime is not None
    target = sim.runtime.org.actions[0]
    target["name"] = "Lookup [bold]x[/b] \x1b[31mred"
    shown = "Lookup [bold]x[/b] \\x1b[31mred"  # the control character escaped, the brackets kept
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        assert tab.data_view().move_cursor(target["id"]) and cell(tab, target["id"], "name") == shown
        await pilot.press("t")
        ask = await wait_screen(pilot, app, CheckedAsk)
        assert shown in str(ask.query_one("#ask-question", Static).render())
        await answer(pilot, str(other_value(sim_timeout(sim, target["id"]))))
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        title = confirm.query_one(Vertical)._border_title
        assert title is not None and title.plain == f"Set the timeout of {shown}"
        await pilot.press("escape", "enter")
        detail = await wait_screen(pilot, app, DetailScreen)
        title = detail.query_one(VerticalScroll)._border_title
        assert title is not None and title.plain == f"Data action {shown}"
        assert all_applied(sim) == 0


# -- modes and layout ----------------------------------------------------------------------------


async def test_read_only_leaves_t_T_u_x_unbound_and_unlisted(sim: SimServer, tmp_path: Path) -> None:
    from gctui.tui.widgets.detail import DetailScreen

    app = make_app(sim, tmp_path, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_tab(pilot, app)
        for key in ("t", "T", "u", "x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.screen_stack[0], key  # no dialog opened
        footer = {k.description for k in app.screen.query(FooterKey)}
        assert not footer & {"Timeout", "Bulk", "Undo", "Test"}
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, app, HelpScreen)
        table = help_screen.query_one("#help-keys")
        ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert "actions.where" in ids and "actions.reload" in ids
        assert not ids & {"actions.timeout", "actions.bulk", "actions.undo", "actions.test"}
        await pilot.press("escape")
        await pilot.press("colon", *"timeout 7", "enter")
        await pilot.pause()
        assert any("not available in read-only mode" in t for t in toasts(app))
        await pilot.press("colon", *"dry-run 9", "enter")  # reads only: allowed
        detail = await wait_screen(pilot, app, DetailScreen)
        assert "dry run: nothing was sent" in str(detail.query_one("#detail-body").render())
        assert all_applied(sim) == 0


async def test_at_80x24_the_main_columns_and_the_footer_fit(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, app)
        await pilot.pause()
        lines = screen_lines(app)
        header = next(line for line in lines if line.strip().startswith("Name"))
        for label in ("Name", "Timeout", "p99", "Room", "Risk", "Sugg", "Used", "Runs"):
            assert f" {label} " in header + " ", (label, header)
        first = tab.data_view().get_row_at(0)
        name_width = tab.data_view()._widths[COLUMN_INDEX["name"]]
        assert name_width >= 20 and plain(first[0])[:20] in lines[lines.index(header) + 1]
        keys = list(app.screen.query(FooterKey))
        shown = {k.description for k in keys}
        assert {"Timeout", "Bulk", "Undo", "Test", "Quit", "Keys", "Filter"} <= shown
        assert all(0 < k.region.right <= 80 and k.region.width > 0 for k in keys), [
            (k.description, k.region) for k in keys
        ]


# -- used by, export, the journal, the test dialog ---------------------------------------------------


class CountingConsumers(dict[str, list[str]]):
    """The simulator's consumers map, counting the dependency lookups per action."""

    def __init__(self, base: dict[str, list[str]]) -> None:
        super().__init__(base)
        self.asked: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.append(key)
        return super().get(key, default)


async def test_used_by_is_looked_up_for_the_rows_on_screen_only(tmp_path: Path) -> None:
    from gctui.sim import SimConfig
    from gctui.tui.tabs.actions_usedby import window_keys

    async with SimServer(SimConfig(actions=600, flows=400, token_rate_limit=1000, rate_limit=100_000)) as sim:
        assert sim.runtime is not None
        counting = sim.runtime.org.consumers = CountingConsumers(sim.runtime.org.consumers)
        app = make_app(sim, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            tab = await open_tab(pilot, app)
            view = tab.data_view()
            window = window_keys(view)
            await wait_for(pilot, lambda: all(tab.used.value(k) is not None for k in window))
            await pilot.pause(0.6)  # ticks go by: nothing more is looked up while nothing moves
            assert len(counting.asked) == len(set(counting.asked)) <= len(window)
            assert set(counting.asked) <= set(window)
            far = view.visible_keys()[-1]
            assert cell(tab, far, "used_by") == "…"
            assert cell(tab, window[0], "used_by") == str(len(sim.runtime.org.consumers.get(window[0], [])))
            await pilot.press("end")
            await wait_for(pilot, lambda: cell(tab, far, "used_by") != "…")
            assert len(counting.asked) <= 2 * len(window) + 5


async def test_export_json_gives_typed_records(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        await pilot.press("E")
        await pilot.pause()
        (path,) = (tmp_path / "exports").glob("gctui-actions-*.json")
        docs = json.loads(path.read_text())
        assert len(docs) == len(tab.rows)
        doc = docs[0]
        assert isinstance(doc["effectiveTimeoutSeconds"], int) and isinstance(doc["timeoutIsDefault"], bool)
        assert isinstance(doc["risk"], bool) and doc["id"] == next(iter(tab.rows))
        assert doc["usedBy"] is None or isinstance(doc["usedBy"], int)


async def test_x_opens_the_test_dialog_of_the_cursor_action(sim: SimServer, tmp_path: Path) -> None:
    from gctui.tui.widgets.invoke import InvokeScreen

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        tab = await open_tab(pilot, app)
        key = tab.data_view().current_key()
        assert key is not None
        await pilot.press("x")
        dialog = await wait_screen(pilot, app, InvokeScreen)
        await wait_for(pilot, lambda: dialog.contract is not None)
        assert dialog.contract.action_id == key
        assert dialog.contract.timeout_seconds == tab.rows[key].effective_timeout
        assert app.session is not None
        jobs = [j.name for j in app.session.pool.jobs() if j.group == "actions"]
        assert f"contract {tab.rows[key].name}" in jobs  # through the shared pool
