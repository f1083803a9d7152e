"""The one poller: interval range, schedule, back-off, no overlap, pause, blocked, governor hold.

Time is fake: ``sleep`` advances the clock at once, so nothing here really waits."""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest

from gctui.services.poller import BLOCKED_RECHECK, Poller, check_interval


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def settle(rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


async def until(cond) -> None:  # type: ignore[no-untyped-def]
    for _ in range(1000):
        if cond():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


def make(job, t: FakeTime, **kwargs) -> Poller:  # type: ignore[no-untyped-def]
    kwargs.setdefault("interval", 30)
    return Poller(job, clock=t, sleep=t.sleep, **kwargs)


@pytest.mark.parametrize("bad", [4.9, 3600.5, 99999, math.inf, -math.inf, math.nan, 0, -5])
def test_interval_outside_the_range_is_refused_with_the_range(bad: float) -> None:
    with pytest.raises(ValueError, match=r"out of range \(5-3600 seconds\)"):
        check_interval(bad)


def test_interval_bounds_and_text_are_accepted_or_refused() -> None:
    assert check_interval(5) == 5.0 and check_interval("3600") == 3600.0  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a number of seconds"):
        check_interval("soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="interval inf is out of range"):
        check_interval("inf")  # type: ignore[arg-type]


async def test_setting_an_interval_out_of_range_leaves_it_unchanged() -> None:
    t = FakeTime()
    poller = make(lambda: None, t)  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match=r"\(5-3600 seconds\)"):
        poller.interval = 99999
    with pytest.raises(ValueError):
        poller.interval = math.nan
    assert poller.interval == 30
    with pytest.raises(ValueError):
        make(lambda: None, t, interval=1)  # type: ignore[arg-type, return-value]


async def test_first_run_at_once_then_interval_after_each_finished_run() -> None:
    t = FakeTime()
    started: list[float] = []

    async def job() -> bool:
        started.append(t.now)
        t.now += 2  # the run takes 2 s
        return True

    poller = make(job, t)
    await poller.run_forever(max_runs=3)
    assert started == [1000, 1032, 1064]  # 30 s after the previous one *finished*
    assert poller.last_duration == 2 and poller.runs == 3 and poller.late == 0
    assert poller.next_due == 1096 and poller.due_in() == 30


async def test_failures_back_off_doubling_capped_and_success_resets() -> None:
    t = FakeTime()
    started: list[float] = []
    outcomes = iter([RuntimeError("boom"), False, False, False, False, False, True, True])
    errors: list[BaseException] = []

    async def job() -> bool:
        started.append(t.now)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    poller = make(job, t, backoff_cap=300)
    poller.on_error.append(errors.append)
    await poller.run_forever(max_runs=8)
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert gaps == [60, 120, 240, 300, 300, 300, 30]
    assert poller.consecutive_failures == 0 and poller.last_error is None
    assert [str(e) for e in errors] == ["boom"]


async def test_a_run_asked_for_while_one_runs_is_refused_and_runs_never_overlap() -> None:
    t = FakeTime()
    gate = asyncio.Event()
    active = 0
    peak = 0

    async def job() -> bool:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await gate.wait()
        active -= 1
        return True

    poller = make(job, t)
    task = poller.start()
    await settle()
    assert poller.running and poller.next_due is None
    assert poller.run_now() is False and poller.run_now() is False
    assert poller.refused == 2
    gate.set()
    await until(lambda: poller.runs >= 3)  # fake time flies: more runs follow, one at a time
    assert peak == 1
    await poller.stop()
    assert task.done()


async def test_pause_holds_scheduled_runs_but_run_now_still_runs() -> None:
    t = FakeTime()
    runs: list[float] = []

    async def job() -> None:
        runs.append(t.now)

    poller = make(job, t)
    poller.pause()
    assert poller.paused and poller.next_due is None and poller.due_in() is None
    poller.start()
    await settle()
    t.now += 1000
    poller.wake()
    await settle()
    assert runs == []  # paused: nothing sent however overdue
    assert poller.run_now() is True
    await settle()
    assert len(runs) == 1 and poller.paused
    assert poller.toggle() is False  # resumed: the next run is 30 s after the forced one
    await until(lambda: len(runs) >= 2)
    assert runs[1] - runs[0] == 30
    await poller.stop()


async def test_a_due_run_waits_while_blocked_and_runs_when_unblocked() -> None:
    t = FakeTime()
    runs: list[float] = []
    blocked = [True]

    async def job() -> None:
        runs.append(t.now)

    poller = make(job, t, blocked=lambda: blocked[0])
    poller.start()
    await settle()
    assert runs == [] and poller.blocked_skips >= 1
    assert set(t.sleeps) == {BLOCKED_RECHECK}
    blocked[0] = False
    await until(lambda: len(runs) >= 1)
    await poller.stop()


async def test_a_run_held_by_the_rate_governor_reports_how_late_it_started() -> None:
    t = FakeTime()
    holds = iter([12.0, 3.0])
    runs: list[float] = []

    async def job() -> None:
        runs.append(t.now)

    poller = make(job, t, hold=lambda: next(holds, 0.0))
    await poller.run_forever(max_runs=1)
    assert runs == [1015] and poller.late == 15
    await poller.run_forever(max_runs=2)
    assert runs[1] == 1045 and poller.late == 0


async def test_retiming_moves_the_next_run() -> None:
    t = FakeTime()

    async def job() -> None:
        return None

    poller = make(job, t)
    await poller.run_forever(max_runs=1)
    assert poller.next_due == 1030
    poller.interval = 3600
    assert poller.next_due == 4600
