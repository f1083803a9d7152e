"""A big table's lazy view (scanned in slices, sorted orders built ahead) shows exactly what the
same table computed at once shows, whatever the operations and wherever the scans stopped."""

from __future__ import annotations

import random

import pytest
from rich.text import Text

from gctui.tui.filtering import parse_filter
from gctui.tui.widgets.rowstore import Column, RowStore

COLUMNS = [Column("name", "Name"), Column("n", "N", numeric=True), Column("state", "State")]
NAMES = ["zendesk get", "Zendesk put", "crm lookup", "web", "-", "", "alpha", "beta"]
FILTERS = ["", "z", "ze", "zen", "zendesk", "!zen", "^web$", "e", r"\d", "(", "crm|web", "!^$", "x"]
FAR = 1e18


def make_row(rnd: random.Random) -> list[object]:
    state = rnd.choice(["ok", "down", "-"])
    return [
        rnd.choice(NAMES),
        rnd.choice(["-", str(rnd.randint(0, 30)), f"{rnd.randint(0, 5)},{rnd.randint(100, 999)}"]),
        Text(state, style="red" if state == "down" else "green"),
    ]


def plain_state(row: list[object]) -> str:
    cell = row[2]
    return cell.plain if isinstance(cell, Text) else str(cell)


def check(lazy: RowStore, eager: RowStore, rnd: random.Random) -> None:
    full = eager.view
    built = lazy.known()
    assert list(lazy._view[:built]) == full[:built]  # what is drawn so far is the head of the view
    for key in rnd.sample(eager.keys, min(5, len(eager.keys))):
        assert lazy.view_index(key) == eager.view_index(key), key
    if rnd.random() < 0.5:
        assert lazy.view == full
        assert not lazy.pending


@pytest.mark.parametrize("seed", range(12))
def test_lazy_view_equals_the_view_computed_at_once(seed: int) -> None:
    rnd = random.Random(seed)
    rows = {f"k{i}": make_row(rnd) for i in range(rnd.randint(50, 400))}
    lazy = RowStore(COLUMNS, lazy_rows=0, step=rnd.choice([1, 7, 50]))
    eager = RowStore(COLUMNS, lazy_rows=10**9)
    for store in (lazy, eager):
        store.set_rows(dict(rows))
    next_key = len(rows)
    for _ in range(60):
        op = rnd.random()
        if op < 0.3:
            expr = rnd.choice(FILTERS)
            for store in (lazy, eager):
                store.apply_filter(parse_filter(expr))
        elif op < 0.45:
            col, rev = rnd.choice([None, 0, 1, 2]), rnd.random() < 0.4
            for store in (lazy, eager):
                store.sort(col, rev)
        elif op < 0.65:
            changed = {k: make_row(rnd) for k in rnd.sample(list(rows), 5)}
            if rnd.random() < 0.3:
                changed[f"k{next_key}"] = make_row(rnd)
                next_key += 1
            rows.update(changed)
            for store in (lazy, eager):
                store.update_rows(changed)
        elif op < 0.72:
            gone = rnd.sample(list(rows), 3)
            for key in gone:
                del rows[key]
            for store in (lazy, eager):
                store.update_rows({}, removed=gone)
        elif op < 0.8:
            for key in rnd.sample(list(rows), 4):
                rows[key] = make_row(rnd)
            for store in (lazy, eager):
                store.set_rows(dict(rows))
        elif op < 0.85:
            where = rnd.choice(
                [
                    None,
                    lambda k: int(k[1:]) % 3 != 0,
                    # reads the rows as a tab's expression does: a refresh can change its answer
                    lambda k: plain_state(rows[k]) != "down",
                ]
            )
            for store in (lazy, eager):
                store.set_where(where)
        elif op < 0.92:
            lazy.warm(FAR, slices=rnd.randint(1, 40))
        else:
            lazy.advance(FAR, slices=rnd.randint(1, 5))
        check(lazy, eager, rnd)
    assert lazy.view == eager.view


def test_a_filter_scans_only_as_far_as_the_window_needs() -> None:
    rows = {f"k{i}": [("zendesk" if i % 10 == 0 else "crm") + f" {i}", str(i), "ok"] for i in range(50_000)}
    store = RowStore(COLUMNS, step=1000)
    store.set_rows(rows)
    store.apply_filter(parse_filter("zendesk"))
    assert store.pending
    assert [store.keys[i] for i in store.window(0, 40)] == [f"k{i}" for i in range(0, 400, 10)]
    assert store.pending and store._scan is not None and store._scan.pos == 1000  # one slice
    assert len(store.view) == 5000 and not store.pending  # asking for the whole view finishes it


def test_sorted_orders_are_built_ahead_so_a_sort_is_a_lookup() -> None:
    rows = {f"k{i}": [f"name {(i * 7919) % 5000:05d}", str(i % 97), "ok"] for i in range(5000)}
    store = RowStore(COLUMNS, step=512)
    store.set_rows(rows)
    while not store.warm(FAR, slices=1):
        pass
    assert {(0, False), (1, False), (2, False)} <= set(store._perms)
    ready = store._perms[(1, False)]
    store.sort(1)
    assert store._order is ready
    values = [int(store.cells[i][1]) for i in store.view]  # type: ignore[arg-type]
    assert values == sorted(values)


# -- the widget: what a user sees while the scans and the deferred rows are carried on ---------

from textual.app import App, ComposeResult  # noqa: E402

from gctui.tui.widgets.dataview import DataView  # noqa: E402
from tests.tui.conftest import wait_for  # noqa: E402

WIDE = [Column("name", "Name", 20), Column("n", "N", 8, numeric=True), Column("state", "State", 6)]


class BigApp(App[None]):
    def __init__(self, view: DataView) -> None:
        super().__init__()
        self.view = view
        self.counted = 0

    def compose(self) -> ComposeResult:
        yield self.view

    def on_data_view_counted(self, message: DataView.Counted) -> None:
        self.counted += 1


def big_app() -> tuple[DataView, BigApp]:
    """A table that scans lazily from 100 rows, 500 rows a slice."""
    view = DataView(WIDE, lazy_rows=100)
    view.store.step = 500
    return view, BigApp(view)


def big_rows(n: int, tag: str = "") -> dict[str, list[object]]:
    return {f"k{i}": [f"{'zendesk' if i % 50 == 0 else 'crm'} {i}{tag}", str(i), "ok"] for i in range(n)}


async def test_a_big_filter_shows_its_first_rows_then_counts_them_all() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        view.set_rows(big_rows(20_000))
        await pilot.pause()
        view.apply_filter("zendesk")
        assert view.store.pending and view.shown_count() is None  # drawn before it is counted
        assert view.current_key() == "k0"
        await wait_for(pilot, lambda: app.counted > 0)
        assert app.counted == 1 and view.shown_count() == 400
        assert view.virtual_size.height == 401  # the scrollbar knows them all
        await pilot.press("end")
        assert view.current_key() == "k19950"


async def test_many_changed_rows_the_ones_on_screen_first_and_nothing_is_lost() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = big_rows(5000)
        view.set_rows(rows)
        await pilot.pause()
        changed = {k: [r[0], str(int(str(r[1])) + 1), "ok"] for k, r in list(rows.items())[::10]}
        view.update_rows(changed)
        assert view._deferred and "k0" not in view._deferred  # on screen: changed at once
        assert view.store.row("k0")[1] == "1" and view.changed_cells("k0") == frozenset({1})
        assert view.get_row("k4990")[1] == "4991"  # read before it was due: changed first
        view.update_rows(changed)  # the same again: nothing changes, nothing is lost
        await wait_for(pilot, lambda: not view._deferred)
        assert all(view.store.row(k)[1] == r[1] for k, r in changed.items())
        assert view.changed_cells("k2000") == frozenset({1})  # highlighted when it landed


async def test_the_whole_mapping_again_rows_on_screen_first_then_the_rest() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = big_rows(5000)
        view.set_rows(rows)
        await pilot.pause()
        again = dict(rows)
        for k in ("k0", "k3", "k4000"):
            again[k] = [again[k][0], "changed", "ok"]
        view.set_rows(again)
        assert view._deferred_all is again  # off screen: compared after the frame
        assert view.store.row("k0")[1] == "changed" and view.store.row("k4000")[1] == "4000"
        assert view.get_row("k4000")[1] == "changed"  # read before it was due: changed first
        assert view.changed_cells("k0") == view.changed_cells("k4000") == frozenset({1})
        view.set_rows(dict(again))
        await wait_for(pilot, lambda: view._deferred_all is None)
        assert [view.store.row(k)[1] for k in ("k3", "k4000", "k4001")] == ["changed", "changed", "4001"]


async def test_the_same_count_but_other_keys_off_screen_rebuilds_after_the_frame() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = big_rows(5000)
        view.set_rows(rows)
        await pilot.pause()
        other = dict(rows)
        del other["k10"]  # above the rows shown once scrolled there
        other["new"] = ["zendesk new", "1", "ok"]
        view.focus()
        view.move_cursor("k2000")
        await pilot.pause()
        view.set_rows(other)
        await wait_for(pilot, lambda: view._deferred_all is None)
        assert view.visible_keys() == list(other)  # the order of the mapping, not the old one
        assert view.current_key() == "k2000"
        view.set_rows({k: r for k, r in other.items() if k != "k2000"})  # a row on screen gone
        assert view._deferred_all is None and view.shown_count() == 4999


async def test_a_row_predicate_hides_rows_besides_the_text_filter() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        view.set_rows(big_rows(20_000))
        await pilot.pause()
        view.set_where(lambda k: int(k[1:]) % 1000 == 0)
        assert view.store.pending  # asked as far as the window needs, not of 20,000 rows
        view.apply_filter("zendesk")
        assert view.visible_keys() == [f"k{i}" for i in range(0, 20_000, 1000)]
        view.set_where(None)
        assert view.shown == 400
        view.set_where(lambda k: k == "k7")
        assert view.visible_keys() == [] and view.shown_count() == 0  # "crm 7": not zendesk
        view.apply_filter("")
        assert view.visible_keys() == ["k7"]


async def test_a_scan_finished_by_a_key_is_counted_all_the_same() -> None:
    view, app = big_app()
    async with app.run_test(size=(60, 20)) as pilot:
        view.set_rows(big_rows(20_000))
        await pilot.pause()
        view.focus()
        view.apply_filter("zendesk")
        assert view.store.pending
        await pilot.press("end")  # needs every row: the scan is finished at once
        assert not view.store.pending and view.current_key() == "k19950"
        await wait_for(pilot, lambda: app.counted > 0)
        assert app.counted == 1 and view.virtual_size.height == 401
