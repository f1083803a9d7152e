"""Changes from the Data actions tab: `t`, `T`, `u`, conflicts, cancel, the dry run and the journal
of an interrupted session, each through ask → confirm → progress, with the simulator's own PATCH
history as the evidence of what was sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input

from gctui.sim.server import SimServer
from gctui.tui.tabs.actions_cells import COLUMN_INDEX
from gctui.tui.tabs.actions_dialogs import CheckedAsk, ConflictScreen
from gctui.tui.widgets.confirm import ConfirmScreen
from gctui.tui.widgets.progress import ProgressScreen
from tests.tui.conftest import make_app, wait_for
from tests.tui.test_actions_support import (
    all_applied,
    answer,
    applied,
    cell,
    close_progress,
    open_tab,
    other_value,
    patch_behind_the_tabs_back,
    sim_timeout,
    toasts,
    wait_screen,
)

# -- one action: t -------------------------------------------------------------------------------


async def test_t_refuses_a_bad_timeout_in_the_dialog_and_sends_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        key = tab.data_view().current_key()
        assert key is not None
        await pilot.press("t")
        ask = await wait_screen(pilot, app, CheckedAsk)
        for bad, why in (
            ("61", "out of range"),
            ("0", "out of range"),
            ("abc", "not a whole"),
            ("", "empty"),
        ):
            await answer(pilot, bad)
            assert app.screen is ask, bad  # still open
            assert why in ask.error and "1-60 seconds" in ask.error, (bad, ask.error)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CheckedAsk)
        await pilot.press("colon", *"timeout 61", "enter")
        await pilot.pause()
        assert any("out of range (1-60 seconds)" in t for t in toasts(app))
        assert not isinstance(app.screen, ConfirmScreen)
        assert all_applied(sim) == 0


async def test_a_doubled_sign_is_refused_in_the_dialog_and_the_app_stays_up(
    sim: SimServer, tmp_path: Path
) -> None:
    # "--5" passed the service's digit check and reached int(): the app died with ValueError.
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_tab(pilot, app)
        await pilot.press("t")
        ask = await wait_screen(pilot, app, CheckedAsk)
        for bad in ("--5", "+-5"):
            await answer(pilot, bad)
            assert app.screen is ask, bad
            assert "not a whole number" in ask.error and "1-60 seconds" in ask.error, (bad, ask.error)
        await pilot.press("escape")
        await pilot.press("T")
        ask = await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, "-+9")
        assert app.screen is ask and "or s for suggested" in ask.error
        await pilot.press("escape")
        await pilot.press("colon", *"bulk --5", "enter")
        await wait_for(pilot, lambda: any("'--5' is not a whole number" in t for t in toasts(app)))
        assert app.is_running and all_applied(sim) == 0


async def test_t_confirms_starting_on_cancel_then_applies_exactly_once(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        key = tab.data_view().current_key()
        assert key is not None
        tab.data_view().flash_seconds = 600  # the highlight outlasts a slow machine (its fade: test_table)
        before = sim_timeout(sim, key)
        value = other_value(before)
        await pilot.press("t")
        await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, str(value))
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"
        assert confirm.radius.summary() == "1 data action will change"
        (change,) = confirm.radius.changes
        assert change.after == f"{value} s" and change.item == tab.rows[key].name
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert applied(sim, key) == 0 and sim_timeout(sim, key) == before
        await pilot.press("t")
        ask = await wait_screen(pilot, app, CheckedAsk)
        assert ask.query_one("#answer", Input).value == str(tab.rows[key].effective_timeout)  # prefilled
        await pilot.press(*str(value), "enter")  # the prefilled value is selected: typing replaces it
        await wait_screen(pilot, app, ConfirmScreen)
        await pilot.press("y")
        await close_progress(pilot, app)
        assert applied(sim, key) == 1 and sim_timeout(sim, key) == value
        assert cell(tab, key, "timeout") == f"{value}s"
        assert COLUMN_INDEX["timeout"] in tab.data_view().changed_cells(key)
        assert any("1 done" in t for t in toasts(app))


# -- many: T, u, conflicts -----------------------------------------------------------------------


async def test_bulk_on_three_marks_applies_and_verifies_then_u_restores(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        view = tab.data_view()
        await pilot.press("space", "down", "down", "space", "down", "space")
        marked = view.marks.existing(view.store.keys, view.store.pos)
        assert len(marked) == 3
        before = {k: sim_timeout(sim, k) for k in marked}
        value = 9 if 9 not in before.values() else 11
        await pilot.press("T")
        await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, str(value))
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        assert confirm.radius.summary() == "3 data actions will change"
        assert [c.item for c in confirm.radius.changes] == [tab.rows[k].name for k in marked]
        assert any("flow" in line for line in confirm.radius.affected)  # the used-by line
        await pilot.press("y")
        await close_progress(pilot, app)
        report = tab.writes.last_report
        assert report is not None and report.ok and not report.not_verified
        assert all(sim_timeout(sim, k) == value and applied(sim, k) == 1 for k in marked)
        assert all(cell(tab, k, "timeout") == f"{value}s" for k in marked)
        await pilot.press("u")
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        assert confirm.radius.title == f"Undo batch {report.batch.id}"
        await pilot.press("y")
        await close_progress(pilot, app)
        assert {k: sim_timeout(sim, k) for k in marked} == before
        assert all(applied(sim, k) == 2 for k in marked)
        await pilot.press("colon", *"undo 999", "enter")
        await pilot.pause()
        await wait_for(pilot, lambda: any("no batch 999" in t and "nothing sent" in t for t in toasts(app)))
        for k in marked:
            shown = "10s dflt" if before[k] is None else f"{before[k]}s"
            assert cell(tab, k, "timeout") == shown


async def test_bulk_without_marks_takes_the_filtered_set_and_says_so(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        await pilot.press("colon", *"filter timeout<=3", "enter")
        await pilot.pause()
        shown = tab.data_view().visible_keys()
        await pilot.press("T")
        ask = await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, "x")
        assert app.screen is ask and "or s for suggested" in ask.error
        await answer(pilot, "s")
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        notes = list(confirm.radius.affected)
        assert f"no marks: applied to the {len(shown)} actions the filter shows" in notes
        suggested = {k for k in shown if tab.rows[k].suggestion_changes}
        assert {c.item for c in confirm.radius.changes} == {tab.rows[k].name for k in suggested}
        await pilot.press("n")
        await pilot.pause()
        assert all_applied(sim) == 0


async def test_cancel_in_the_progress_dialog_stops_sending(sim: SimServer, tmp_path: Path) -> None:
    from gctui.services.actions import State

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        total = tab.data_view().total
        sim.control.set_latency_ms(100)
        await pilot.press("T")
        await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, "37")
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        assert f"no marks: applied to all {total} actions" in confirm.radius.affected
        await pilot.press("y")
        progress = await wait_screen(pilot, app, ProgressScreen)
        await wait_for(pilot, lambda: progress.ok >= 1)
        await pilot.press("c")
        await wait_for(pilot, lambda: progress.finished, timeout=30)
        report = tab.writes.last_report
        assert report is not None and report.cancelled
        done = report.with_state(State.DONE)
        assert 0 < len(done) < len(report.outcomes) and report.with_state(State.CANCELLED)
        assert all_applied(sim) == len(done)  # what was not sent stays as it was
        assert progress.result().not_sent == len(report.with_state(State.CANCELLED))
        await pilot.press("enter")
        await pilot.pause()
        assert "cancelled" in " ".join(toasts(app))


async def test_the_confirm_counts_the_marks_the_filter_hides(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        view = tab.data_view()
        first, second = view.visible_keys()[:2]
        await pilot.press("space", "down", "space")
        await pilot.press("slash", *tab.rows[first].name, "enter")
        await pilot.pause()
        assert view.store.view_index(second) is None  # hidden by the text filter, still marked
        assert "2 marked (1 hidden)" in str(app.query_one("#actions-status").render())
        value = next(v for v in range(17, 60) if v not in (sim_timeout(sim, first), sim_timeout(sim, second)))
        await pilot.press("T")
        await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, str(value))
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        assert confirm.radius.summary() == "2 data actions will change (1 hidden by the current filter)"
        await pilot.press("escape")
        await pilot.pause()
        assert all_applied(sim) == 0


async def test_a_change_made_by_someone_else_is_a_conflict_and_is_not_overwritten(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        key = tab.data_view().current_key()
        assert key is not None
        ours = other_value(sim_timeout(sim, key))
        theirs = 13 if ours != 13 else 14
        await pilot.press("t")
        await wait_screen(pilot, app, CheckedAsk)
        await answer(pilot, str(ours))
        await wait_screen(pilot, app, ConfirmScreen)  # the plan was read: now someone else changes it
        await patch_behind_the_tabs_back(sim, key, theirs)
        await pilot.press("y")
        await close_progress(pilot, app)
        conflict = await wait_screen(pilot, app, ConflictScreen)
        assert len(conflict.lines) == 1 and f"now holds {theirs} s" in conflict.lines[0]
        assert isinstance(app.focused, Button) and app.focused.id == "skip"
        assert sim_timeout(sim, key) == theirs and applied(sim, key) == 1  # theirs only
        await pilot.press("r")  # re-apply: a new confirm from what they hold now
        confirm = await wait_screen(pilot, app, ConfirmScreen)
        (change,) = confirm.radius.changes
        assert (change.before, change.after) == (f"{theirs} s", f"{ours} s")
        await pilot.press("y")
        await close_progress(pilot, app)
        assert sim_timeout(sim, key) == ours and applied(sim, key) == 2


async def test_dry_run_shows_the_diff_and_sends_nothing(sim: SimServer, tmp_path: Path) -> None:
    from gctui.tui.widgets.detail import DetailScreen

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_tab(pilot, app)
        await pilot.press("space", "down", "space")
        await pilot.press("colon", *"dry-run 9", "enter")
        detail = await wait_screen(pilot, app, DetailScreen)
        body = str(detail.query_one("#detail-body").render())
        changing = [k for k in tab.data_view().marks.existing(tab.data_view().store.keys, tab.data_view().store.pos)
                    if tab.rows[k].effective_timeout != 9 or tab.rows[k].timeout_is_default]  # fmt: skip
        assert f"{len(changing)} data action" in body and "dry run: nothing was sent" in body
        assert all(tab.rows[k].name in body for k in changing)
        assert all_applied(sim) == 0


def interrupted_session(sim: SimServer) -> tuple[str, str, int, int | None]:
    """A journal as a killed session leaves it: one change that had landed, one that never did.
    Returns (landed id, open id, batch id, the open one's current timeout)."""
    from gctui.services.actions import Journal, Kind, State, default_journal_path

    assert sim.runtime is not None
    landed, open_one = (a["id"] for a in sim.runtime.org.actions[:2])
    with Journal(default_journal_path(), journal_scope(sim)) as journal:
        batch = journal.start_batch(Kind.SET_TIMEOUT)
        now_landed = sim_timeout(sim, landed)
        e1 = journal.add_entry(batch.id, landed, "landed one", 33 if now_landed != 33 else 34, now_landed)
        journal.update(e1, State.SENT, version_sent=1)
        now_open = sim_timeout(sim, open_one)
        e2 = journal.add_entry(batch.id, open_one, "open one", now_open, other_value(now_open))
        journal.update(e2, State.SENT, version_sent=1)
    return landed, open_one, batch.id, now_open


def journal_scope(sim: SimServer) -> str:
    from gctui.genesys.regions import resolve_region
    from gctui.services.health.store import history_scope

    return history_scope("test", resolve_region(sim.base_url).api_base, "gctui-demo")


def journal_states(sim: SimServer, batch_id: int) -> dict[str, Any]:
    from gctui.services.actions import Journal, default_journal_path

    with Journal(default_journal_path(), journal_scope(sim)) as journal:
        assert journal.open_entries() == []
        return {e.action_id: e.state for e in journal.entries(batch_id)}


async def test_an_interrupted_session_is_reconciled_and_what_did_not_land_is_retried(
    sim: SimServer, tmp_path: Path
) -> None:
    from gctui.services.actions import State
    from gctui.tui.tabs.actions_dialogs import RecoveryScreen

    landed, open_one, batch_id, now_open = interrupted_session(sim)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        recovery = await wait_screen(pilot, app, RecoveryScreen)
        assert len(recovery.landed) == 1 and recovery.landed[0].startswith("landed one")
        assert len(recovery.not_landed) == 1 and recovery.not_landed[0].startswith("open one")
        assert isinstance(app.focused, Button) and app.focused.id == "later"
        await pilot.press("r")
        await close_progress(pilot, app)
        assert sim_timeout(sim, open_one) == other_value(now_open) and applied(sim, open_one) == 1
        assert applied(sim, landed) == 0
    # failed: retried in a new batch
    assert journal_states(sim, batch_id) == {landed: State.DONE, open_one: State.FAILED}


async def test_what_did_not_land_can_be_dismissed_and_nothing_is_sent(sim: SimServer, tmp_path: Path) -> None:
    from gctui.services.actions import State
    from gctui.tui.tabs.actions_dialogs import RecoveryScreen

    landed, open_one, batch_id, now_open = interrupted_session(sim)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await wait_screen(pilot, app, RecoveryScreen)
        await pilot.press("d")
        await wait_for(pilot, lambda: any("1 change(s) dismissed" in t for t in toasts(app)))
        assert not isinstance(app.screen, RecoveryScreen)
    assert all_applied(sim) == 0 and sim_timeout(sim, open_one) == now_open
    assert journal_states(sim, batch_id) == {landed: State.DONE, open_one: State.FAILED}
