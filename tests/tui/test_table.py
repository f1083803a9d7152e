"""DataView as a user drives it: keys in, rows, cursor, marks and messages out."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding

from gctui.tui.widgets.dataview import Column, DataView

COLUMNS = [
    Column("name", "Name", 12),
    Column("kind", "Kind", 8),
    Column("ms", "ms", 6, numeric=True),
    Column("note", "Note", 10, flex=True),
]


def make_rows(n: int = 6) -> dict[str, list[Any]]:
    kinds = ["zendesk", "sfdc", "web"]
    rows: dict[str, list[Any]] = {}
    for i in range(n):
        ms = "-" if i % 4 == 3 else f"{(i * 37) % 11 * 100:,} ms"
        rows[f"k{i}"] = [f"action {i}", kinds[i % 3], ms, Text("ok", style="green")]
    return rows


class TableApp(App[None]):
    BINDINGS = [Binding("space", "app_space", "app space")]

    def __init__(self, view: DataView) -> None:
        super().__init__()
        self.view = view
        self.selected: list[str] = []
        self.highlighted: list[str | None] = []
        self.app_spaces = 0

    def compose(self) -> ComposeResult:
        yield self.view

    def on_mount(self) -> None:
        self.view.focus()

    def action_app_space(self) -> None:
        self.app_spaces += 1

    def on_data_table_row_selected(self, event: DataView.RowSelected) -> None:
        self.selected.append(event.key)

    def on_data_table_row_highlighted(self, event: DataView.RowHighlighted) -> None:
        self.highlighted.append(event.key)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_filter_narrows_inverts_and_anchors_per_cell() -> None:
    view = DataView(COLUMNS)
    async with TableApp(view).run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        await pilot.pause()
        assert view.apply_filter("zen").active
        assert view.visible_keys() == ["k0", "k3"] and view.shown == 2 and view.total == 6
        view.apply_filter("!zen")
        assert view.visible_keys() == ["k1", "k2", "k4", "k5"]
        view.apply_filter("^web$")  # anchors to a cell, not to the row
        assert view.visible_keys() == ["k2", "k5"]
        view.apply_filter("WEB|SFDC")  # case-insensitive regex
        assert view.visible_keys() == ["k1", "k2", "k4", "k5"]
        view.apply_filter("ion 1(")  # invalid regex: plain text
        assert view.filter.literal and view.visible_keys() == []
        view.apply_filter("")
        assert view.shown == 6


async def test_cursor_keeps_its_row_through_filter_sort_and_refresh() -> None:
    view = DataView(COLUMNS)
    app = TableApp(view)
    async with app.run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        await pilot.press("down", "down", "down")  # k3 (zendesk)
        assert view.current_key() == "k3"
        view.apply_filter("zendesk")
        assert view.current_key() == "k3" and view.cursor_row == 1
        view.apply_filter("")
        await pilot.press("S")  # reverse sort by the first column
        assert view.current_key() == "k3" and view.visible_keys()[view.cursor_row] == "k3"
        rows = make_rows()
        rows["k3"][0] = "action 99"
        view.set_rows(rows)
        assert view.current_key() == "k3" and view.visible_keys()[view.cursor_row] == "k3"
        view.apply_filter("sfdc")  # k3 hidden: the cursor lands on a shown row
        assert view.current_key() in view.visible_keys()
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [view.current_key()]
        assert app.highlighted[-1] == view.current_key()


async def test_marks_survive_filter_sort_refresh_and_count_hidden() -> None:
    view = DataView(COLUMNS, markable=True)
    app = TableApp(view)
    async with app.run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        await pilot.press("space", "down", "down", "down", "space")  # k0 and k3
        assert view.marked_keys() == ["k0", "k3"] and app.app_spaces == 0
        view.apply_filter("sfdc")
        assert view.mark_status() == "2 marked (2 hidden by the filter)"
        assert view.targets() == ["k0", "k3"]
        view.apply_filter("zendesk")
        assert view.mark_status() == "2 marked"
        view.sort_by("ms", reverse=True)
        view.set_rows(make_rows(7))
        assert view.marked_keys() == ["k0", "k3"]
        await pilot.press("ctrl+backslash")
        assert view.marked_keys() == [] and view.mark_status() == ""
        assert view.targets() == [view.current_key()]


@pytest.mark.parametrize("key", ["ctrl+space", "ctrl+@"])  # ctrl+@: what a terminal sends (NUL)
async def test_range_mark_from_last_marked_row_to_cursor(key: str) -> None:
    view = DataView(COLUMNS, markable=True)
    async with TableApp(view).run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        await pilot.press("down", "space", "down", "down", "down", key)
        assert view.marked_keys() == ["k1", "k2", "k3", "k4"]
        line = view.render_line(2).text  # row k1 shows the mark in its gutter
        assert line.startswith("●")


async def test_space_reaches_the_app_when_the_table_is_not_markable() -> None:
    view = DataView(COLUMNS)
    app = TableApp(view)
    async with app.run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        await pilot.press("space")
        assert app.app_spaces == 1 and view.marked_keys() == []


async def test_sort_numeric_missing_last_and_reverse() -> None:
    view = DataView(COLUMNS)
    async with TableApp(view).run_test(size=(80, 24)) as pilot:
        rows = make_rows(8)
        rows["k1"][2] = "1,200 ms"
        rows["k2"][2] = ""
        view.set_rows(rows)
        await pilot.press("s", "s", "s")  # name -> kind -> ms
        assert view.sort_column == "ms"
        values = [view.get_row(k)[2] for k in view.visible_keys()]
        assert values == ["0 ms", "200 ms", "500 ms", "900 ms", "1,200 ms", "", "-", "-"]
        assert "ms▲" in view.render_line(0).text
        await pilot.press("S")
        values = [view.get_row(k)[2] for k in view.visible_keys()]
        assert values == ["1,200 ms", "900 ms", "500 ms", "200 ms", "0 ms", "", "-", "-"]
        assert "ms▼" in view.render_line(0).text
        await pilot.press("s", "s")  # note, then back to the given order
        assert view.sort_column is None and view.visible_keys() == list(rows)


async def test_changed_cells_highlight_then_fade_and_repaint_only_their_lines() -> None:
    clock = FakeClock()
    view = DataView(COLUMNS, clock=clock, flash_seconds=2.0)
    async with TableApp(view).run_test(size=(80, 24)) as pilot:
        rows = make_rows()
        view.set_rows(rows)
        await pilot.pause()
        painted: list[Any] = []
        original = view.refresh

        def spy(*regions: Any, **kwargs: Any) -> Any:
            painted.extend(regions)
            return original(*regions, **kwargs)

        view.refresh = spy  # type: ignore[method-assign]
        rows["k4"] = [*rows["k4"][:2], "900 ms", rows["k4"][3]]
        view.set_rows(rows)
        assert view.changed_cells("k4") == {2} and view.changed_cells("k1") == set()
        assert [(r.y, r.height) for r in painted] == [(5, 1)]  # header + k0..k3 above it
        changed_line = view.render_line(5)
        painted.clear()
        clock.now += 1.0
        view.fade_changes()
        assert view.changed_cells("k4") == {2} and painted == []
        clock.now += 1.5
        view.fade_changes()
        assert view.changed_cells("k4") == set()
        assert [(r.y, r.height) for r in painted] == [(5, 1)]
        assert view.render_line(5).text == changed_line.text
        assert list(view.render_line(5)) != list(changed_line)  # same text, highlight gone


async def test_update_rows_adds_changes_and_removes() -> None:
    view = DataView(COLUMNS)
    async with TableApp(view).run_test(size=(80, 24)):
        view.set_rows(make_rows(3))
        view.update_rows({"k1": ["renamed", "web", "1 ms", "x"], "new": ["new", "web", "2 ms", "y"]})
        assert view.visible_keys() == ["k0", "k1", "k2", "new"] and view.get_row("k1")[0] == "renamed"
        view.apply_filter("web")
        view.update_rows({"k0": ["a", "web", "3 ms", "z"]})
        assert view.visible_keys() == ["k0", "k1", "k2", "new"]
        view.update_rows({}, removed=["k2"])
        assert view.visible_keys() == ["k0", "k1", "new"] and view.total == 3


async def test_filter_soon_applies_after_typing_pauses() -> None:
    view = DataView(COLUMNS, filter_delay=0.05)
    async with TableApp(view).run_test(size=(80, 24)) as pilot:
        view.set_rows(make_rows())
        view.filter_soon("z")
        view.filter_soon("zendesk")
        assert view.shown == 6  # nothing applied while typing
        await pilot.pause(0.3)
        assert view.visible_keys() == ["k0", "k3"]


async def test_navigation_keys_and_horizontal_scroll() -> None:
    wide = [Column(f"c{i}", f"Col {i}", 12) for i in range(10)]
    view = DataView(wide)
    async with TableApp(view).run_test(size=(60, 12)) as pilot:
        view.set_rows({f"r{i}": [f"{i}-{c}" for c in range(10)] for i in range(100)})
        await pilot.press("end")
        assert view.current_key() == "r99"
        await pilot.press("home", "pagedown")
        assert view.cursor_row > 5
        await pilot.press("right", "right")
        await pilot.pause()
        assert view.scroll_x > 0 and not view.render_line(0).text.startswith(" Col 0")


async def test_hundred_thousand_rows_set_and_filter() -> None:
    view = DataView(COLUMNS)
    async with TableApp(view).run_test(size=(120, 40)) as pilot:
        rows = {
            f"id{i}": [f"action {i}", ("zendesk", "sfdc")[i % 2], f"{i % 1000} ms", "-"]
            for i in range(100_000)
        }
        view.set_rows(rows)
        await pilot.pause()
        view.apply_filter("^action 9999")  # action 9999 and 99990..99999
        assert view.visible_keys() == ["id9999", *(f"id{i}" for i in range(99990, 100_000))]
        view.apply_filter("!sfdc")
        assert view.shown == 50_000 and view.visible_keys()[:2] == ["id0", "id2"]
        view.sort_by("ms", reverse=True)
        assert view.get_row(view.visible_keys()[0])[2] == "998 ms"
