"""The confirm dialog as a user drives it at 80x24: what it states, which key does what."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import DataTable

from gctui.tui.widgets.confirm import MAX_ROWS, BlastRadius, Change, ConfirmScreen
from tests.tui.test_dialogs_support import NOTHING, DialogHost, shown


def radius(n: int = 12, hidden: int = 3, **kwargs: object) -> BlastRadius:
    return BlastRadius(
        title="Set the timeout of data actions",
        noun="data actions",
        changes=[Change(f"action-{i:02d}", "timeoutSeconds", 10, 30) for i in range(n)],
        hidden=hidden,
        **kwargs,  # type: ignore[arg-type]
    )


def table_rows(host: DialogHost) -> list[list[str]]:
    table = host.screen.query_one("#confirm-changes", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_states_the_blast_radius_and_focus_starts_on_cancel() -> None:
    host = DialogHost(ConfirmScreen(radius(affected=["used by 3 published flows: Main IVR, Billing, VIP"])))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = host.screen
        assert host.focused is not None and host.focused.id == "cancel"
        assert shown(screen.query_one("#confirm-summary")) == (
            "12 data actions will change (3 hidden by the current filter)"
        )
        names = shown(screen.query_one("#confirm-names"))
        assert names == "action-00, action-01, action-02, action-03, action-04 … and 7 more"
        assert "used by 3 published flows: Main IVR" in shown(screen.query_one("#confirm-affected-0"))
        rows = table_rows(host)
        assert len(rows) == 12 and rows[0] == ["action-00", "timeoutSeconds", "10", "30"]
        assert str(screen.query_one("#confirm").label) == "Apply (12)"


@pytest.mark.parametrize("keys", [("escape",), ("n",), ("enter",)])
async def test_escape_n_and_enter_on_cancel_cancel(keys: tuple[str, ...]) -> None:
    host = DialogHost(ConfirmScreen(radius()))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert host.result is False
        assert not isinstance(host.screen, ConfirmScreen)


@pytest.mark.parametrize("keys", [("y",), ("right", "enter"), ("tab", "enter")])
async def test_y_or_enter_on_the_confirm_button_confirms(keys: tuple[str, ...]) -> None:
    host = DialogHost(ConfirmScreen(radius()))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert host.result is True


async def test_other_keys_do_nothing() -> None:
    host = DialogHost(ConfirmScreen(radius()))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x", "space", "a", "Y")
        await pilot.pause()
        assert host.result is NOTHING and isinstance(host.screen, ConfirmScreen)


async def test_a_long_batch_lists_the_first_rows_scrolls_and_keeps_the_buttons_on_screen() -> None:
    host = DialogHost(ConfirmScreen(radius(10_000, hidden=0)))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = host.screen
        table = screen.query_one("#confirm-changes", DataTable)
        assert table.row_count == MAX_ROWS
        assert (
            shown(screen.query_one("#confirm-more")) == f"… and {10_000 - MAX_ROWS} more changes not listed"
        )
        assert shown(screen.query_one("#confirm-summary")) == "10000 data actions will change"
        for button in ("#cancel", "#confirm"):
            region = screen.query_one(button).region
            assert region.bottom <= 24 and region.height == 3  # whole and on screen
        assert table.scroll_y == 0
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert table.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y
        assert host.focused is not None and host.focused.id == "cancel"  # scrolling kept focus


async def test_a_short_batch_takes_only_its_height() -> None:
    host = DialogHost(ConfirmScreen(radius(2, hidden=0)))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = host.screen.query_one("#confirm-changes", DataTable)
        assert table.region.height == 3  # header + 2 rows
        assert shown(host.screen.query_one("#confirm-summary")) == "2 data actions will change"


async def test_server_names_are_cleaned_and_never_markup() -> None:
    evil = "E\x1b[2J [b]b[/b] \u202en"
    changes = [Change(evil, "timeoutSeconds", "[red]10", "30\x07")]
    host = DialogHost(ConfirmScreen(BlastRadius(title="Fix [i]x[/i]", changes=changes, noun="actions")))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = host.screen
        names = shown(screen.query_one("#confirm-names"))
        assert "\x1b" not in names and "\\x1b[2J" in names and "[b]b[/b]" in names
        assert "\\u202e" in names
        assert shown(screen.query_one("#confirm-summary")) == "1 action will change"
        (row,) = table_rows(host)
        assert row[0] == names
        assert row[2] == "[red]10" and row[3] == "30\\x07"
        assert "\x1b" not in host.export_screenshot()
        assert Text.from_markup(str(screen.children[0].border_title)).plain == "Fix [i]x[/i]"  # as drawn


def test_long_names_keep_both_ends() -> None:
    from gctui.tui.widgets.confirm import CELL_WIDTH, diff_rows

    (row,) = diff_rows([Change("Salesforce lookup of the account by phone 07", "f", 1, 2)])
    assert row[0].plain == "Salesforce l…t by phone 07" and len(row[0].plain) == CELL_WIDTH


def test_unchanged_values_are_dimmed_and_changed_ones_highlighted() -> None:
    from gctui.tui.widgets.confirm import diff_rows

    same, changed = diff_rows([Change("a", "f", 5, 5), Change("b", "f", 5, 6)])
    assert "dim" in str(same[3].style) and "green" in str(changed[3].style)
    assert "red" in str(changed[2].style)
