"""The progress dialog driven by a worker on the app loop: counts, ETA, cancel, summary."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import ProgressBar

from gctui.tui.widgets.progress import ProgressResult, ProgressScreen, eta_text
from tests.tui.test_dialogs_support import NOTHING, DialogHost, shown


def counts(screen: ProgressScreen) -> str:
    return shown(screen.query_one("#progress-counts"))


@pytest.mark.parametrize(
    ("remaining", "pace", "text"),
    [(1000, 300.0, "~3m20s"), (380, 300.0, "~1m16s"), (10, 300.0, "~2s"), (5, 0.0, "-"), (0, 300.0, "~0s")],
)
def test_eta_is_remaining_over_the_pace(remaining: int, pace: float, text: str) -> None:
    assert eta_text(remaining, pace) == text


async def test_counts_eta_and_current_item_follow_the_worker() -> None:
    pace = [300.0]
    progress = ProgressScreen("Fix timeouts", total=1000, pace_per_minute=lambda: pace[0])
    host = DialogHost(progress)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert counts(progress) == "done 0 · failed 0 · remaining 1000 · ~3m20s at 300/min"
        assert host.focused is not None and host.focused.id == "progress-close"
        for i in range(500):
            progress.begin(f"action-{i}")
            progress.advance(
                f"action-{i}", ok=i not in (7, 9), error="400 bad.request [x]" if i in (7, 9) else None
            )
        progress.begin("Salesforce \x1b[31mlookup")
        pace[0] = 150.0  # the governor slowed down (429s): the ETA follows
        await pilot.pause(0.25)
        assert counts(progress) == "done 498 · failed 2 · remaining 500 · ~3m20s at 150/min"
        assert shown(progress.query_one("#progress-current")) == "now: Salesforce \\x1b[31mlookup"
        failures = shown(progress.query_one("#progress-failures"))
        assert "action-7: 400 bad.request [x]" in failures and "action-9" in failures
        assert progress.query_one(ProgressBar).progress == 500


async def test_ten_thousand_updates_cost_a_few_repaints() -> None:
    progress = ProgressScreen("Fix timeouts", total=10_000, pace_per_minute=lambda: 300.0, fps=10)
    host = DialogHost(progress)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = progress.renders
        loop = asyncio.get_running_loop()
        started = loop.time()
        for i in range(10_000):
            progress.begin(f"a{i}")
            progress.advance(f"a{i}", ok=True)
            if i % 500 == 0:
                await asyncio.sleep(0.01)  # the worker awaits its requests: the loop runs timers
        await pilot.pause(0.3)
        elapsed = loop.time() - started
        repaints = progress.renders - before
        assert 1 <= repaints <= elapsed * 10 + 2
        assert counts(progress).startswith("done 10000 · failed 0 · remaining 0")
        await pilot.pause(0.3)
        assert progress.renders - before == repaints  # nothing changed: no repaint


async def test_cancel_stops_new_sends_and_reports_what_was_sent() -> None:
    progress = ProgressScreen("Fix timeouts", total=500, pace_per_minute=lambda: 300.0)
    host = DialogHost(progress)
    sent: list[int] = []

    async def worker() -> None:
        try:
            for i in range(500):
                if progress.cancelled:
                    break
                progress.begin(f"action-{i}")
                sent.append(i)
                await asyncio.sleep(0.002)  # the request
                progress.advance(f"action-{i}", ok=i % 60 != 59, error="503 service.unavailable")
        finally:
            progress.finish()

    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        task = asyncio.create_task(worker())
        while len(sent) < 120:
            await asyncio.sleep(0.001)
        await pilot.press("c")
        await asyncio.wait_for(task, 5)
        await pilot.pause()
        result = progress.result()
        assert result.cancelled and result.sent == len(sent) and 120 <= result.sent < 500
        assert result.not_sent == 500 - len(sent)
        assert counts(progress) == (
            f"cancelled: {result.sent} sent ({result.ok} ok, {result.failed} failed), {result.not_sent} not sent"
        )
        assert result.failed == result.sent // 60
        assert str(progress.query_one("#progress-close").label) == "Close"
        await pilot.press("enter")
        await pilot.pause()
        assert host.result == result and not isinstance(host.screen, ProgressScreen)


async def test_escape_cancels_while_running_and_the_dialog_waits_for_the_worker() -> None:
    progress = ProgressScreen("Fix timeouts", total=10, pace_per_minute=lambda: 300.0)
    host = DialogHost(progress)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        progress.advance("a", ok=True)
        await pilot.press("escape")
        await pilot.pause(0.15)
        assert progress.cancelled
        assert isinstance(host.screen, ProgressScreen) and host.result is NOTHING  # in flight still
        assert shown(progress.query_one("#progress-current")).startswith("cancelling: nothing new is sent")
        progress.advance("b", ok=False, error="timeout")  # the request in flight came back
        progress.finish()
        await pilot.pause()
        assert counts(progress) == "cancelled: 2 sent (1 ok, 1 failed), 8 not sent"
        await pilot.press("escape")
        await pilot.pause()
        assert host.result == ProgressResult(10, 1, 1, True, [("b", "timeout")])


async def test_a_finished_job_says_done_and_closes_on_a_key() -> None:
    progress = ProgressScreen("Fix timeouts", total=3, pace_per_minute=lambda: 300.0)
    host = DialogHost(progress)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for name in "abc":
            progress.advance(name, ok=True)
        progress.finish()
        await pilot.pause()
        assert counts(progress) == "done: 3 sent (3 ok, 0 failed)"
        await pilot.press("q")
        await pilot.pause()
        assert host.result == ProgressResult(3, 3, 0, False, [])


async def test_long_failures_never_push_cancel_off_an_80x24_screen() -> None:
    progress = ProgressScreen("Fix timeouts", total=20, pace_per_minute=lambda: 300.0)
    host = DialogHost(progress)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        long_error = "503 service.unavailable: " + "the backend said something long " * 8
        for i in range(8):
            progress.advance(f"Salesforce lookup of the account number {i}", ok=False, error=long_error)
        await pilot.pause(0.3)
        button = progress.query_one("#progress-close")
        hint = progress.query_one("#progress-hint")
        assert button.region.bottom <= 24 and hint.region.bottom <= 24
        assert progress.query_one("#progress-failures").region.height <= 8
