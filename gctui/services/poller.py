"""One poller for every live view: the Health tab, ``gctui health --watch``/``--metrics-port``
and the tabs to come.

Plain asyncio, no Textual. A :class:`Poller` calls one async ``job`` on an interval:

- the interval has a floor and a ceiling; a value outside (or not finite) is refused with a
  :class:`ValueError` naming the range, never clamped silently;
- runs never overlap: the next one is scheduled when the last one finished, and a run asked for
  while one is going is refused (``run_now()`` returns False so the caller can say so);
- pause/resume/toggle; ``run_now()`` works while paused;
- a due run is skipped while ``blocked()`` is true (the TUI passes "a dialog is open") and runs
  as soon as it is not;
- a due run waits while ``hold()`` says the rate governor would hold its requests; ``late`` says
  by how much the last run started late for that reason;
- a failed run (the job raised, or returned False) backs off: the wait doubles after each
  failure in a row, capped at ``backoff_cap`` (but never below the interval).

``clock`` (monotonic seconds) and ``sleep`` are injectable, so tests need no real waiting.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("gctui.poller")
log.addHandler(logging.NullHandler())

MIN_INTERVAL = 5.0
MAX_INTERVAL = 3600.0
DEFAULT_BACKOFF_CAP = 300.0
BLOCKED_RECHECK = 0.5  # seconds between looks at ``blocked()`` while a due run waits for it

Job = Callable[[], Awaitable[bool | None]]


def check_interval(seconds: float, floor: float = MIN_INTERVAL, ceiling: float = MAX_INTERVAL) -> float:
    """``seconds`` as a float when ``floor <= seconds <= ceiling``; else a ValueError naming the
    range (``interval 2 is out of range (5-3600 seconds)``). NaN and infinities are refused."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        raise ValueError(f"interval {seconds!r} is not a number of seconds") from None
    if not math.isfinite(value) or not floor <= value <= ceiling:
        raise ValueError(f"interval {value:g} is out of range ({floor:g}-{ceiling:g} seconds)")
    return value


def _never() -> bool:
    return False


def _no_hold() -> float:
    return 0.0


class Poller:
    """Calls ``job`` every ``interval`` seconds (see the module docstring)."""

    def __init__(
        self,
        job: Job,
        *,
        interval: float,
        floor: float = MIN_INTERVAL,
        ceiling: float = MAX_INTERVAL,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
        blocked: Callable[[], bool] = _never,
        hold: Callable[[], float] = _no_hold,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        name: str = "poller",
    ) -> None:
        self.floor = floor
        self.ceiling = ceiling
        self._interval = check_interval(interval, floor, ceiling)
        self._job = job
        self.backoff_cap = backoff_cap
        self._blocked = blocked
        self._hold = hold
        self._clock = clock
        self._sleep = sleep
        self.name = name

        self._paused = False
        self._running = False
        self._forced = False
        self._due: float | None = None  # None: at once (never ran)
        self._held = 0.0  # governor waits before the coming run
        self._wake = asyncio.Event()

        self.runs = 0
        self.refused = 0  # run_now() calls refused because a run was going
        self.blocked_skips = 0  # due runs put off because blocked() was true
        self.last_duration: float | None = None
        self.last_finished: float | None = None
        self.consecutive_failures = 0
        self.late = 0.0
        self.last_error: str | None = None
        self.on_error: list[Callable[[BaseException], None]] = []
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ state
    @property
    def interval(self) -> float:
        return self._interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        """Re-time; raises ValueError outside ``floor..ceiling``. The next run is due
        ``interval`` after the last one finished (at once if that is past)."""
        self._interval = check_interval(seconds, self.floor, self.ceiling)
        if self.last_finished is not None:
            self._due = self.last_finished + self._delay()
        self._wake.set()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        return self._running

    @property
    def next_due(self) -> float | None:
        """When (``clock`` seconds) the next scheduled run is due; None while paused or running."""
        if self._paused or self._running:
            return None
        return self._clock() if self._due is None else self._due

    def due_in(self) -> float | None:
        """Seconds until the next scheduled run (0 when due); None while paused or running."""
        due = self.next_due
        return None if due is None else max(0.0, due - self._clock())

    def backoff(self) -> float:
        """The wait after the last run: the interval, doubled per failure in a row, capped."""
        return self._delay()

    def _delay(self) -> float:
        if self.consecutive_failures == 0:
            return self._interval
        cap = max(self._interval, self.backoff_cap)
        return float(min(cap, self._interval * 2 ** min(self.consecutive_failures, 30)))

    # --------------------------------------------------------------- controls
    def pause(self) -> None:
        self._paused = True
        self._wake.set()

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    def toggle(self) -> bool:
        """Pause or resume; returns the new ``paused``."""
        if self._paused:
            self.resume()
        else:
            self.pause()
        return self._paused

    def run_now(self) -> bool:
        """Ask for a run at once (even while paused). False when a run is going or already
        asked for: the request is coalesced into it, and the caller should say so."""
        if self._running or self._forced:
            self.refused += 1
            return False
        self._forced = True
        self._wake.set()
        return True

    def wake(self) -> None:
        """Look at the schedule again now (e.g. a dialog closed)."""
        self._wake.set()

    # -------------------------------------------------------------- the loop
    def start(self) -> asyncio.Task[None]:
        """Run :meth:`run_forever` in a task of the running loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run_forever(), name=self.name)
        return self._task

    async def stop(self) -> None:
        """Cancel the task made by :meth:`start` (and a run in progress) and wait for it."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def run_forever(self, max_runs: int | None = None) -> None:
        """The scheduling loop; returns after ``max_runs`` runs (never, by default)."""
        while max_runs is None or self.runs < max_runs:
            self._wake.clear()
            if self._forced:
                self._forced = False
                await self._run()
                continue
            if self._paused:
                await self._wait(None)
                continue
            now = self._clock()
            due = now if self._due is None else self._due
            if now < due:
                await self._wait(due - now)
                continue
            if self._blocked():
                self.blocked_skips += 1
                await self._wait(BLOCKED_RECHECK)
                continue
            hold = self._hold()
            if hold > 0:
                await self._wait(hold)
                self._held += self._clock() - now
                continue
            await self._run()

    async def _wait(self, seconds: float | None) -> None:
        """Until ``seconds`` pass (``sleep``) or something calls for a look (``wake``)."""
        if self._wake.is_set():
            return
        tasks: set[asyncio.Future[object]] = {asyncio.ensure_future(self._wait_wake())}
        if seconds is not None:
            tasks.add(asyncio.ensure_future(self._sleep(seconds)))
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    async def _wait_wake(self) -> object:
        return await self._wake.wait()

    async def _run(self) -> None:
        self._running = True
        self.late, self._held = self._held, 0.0
        started = self._clock()
        ok = False
        try:
            ok = await self._job() is not False
            self.last_error = None
        except asyncio.CancelledError:
            ok = True  # stopped, not failed: no back-off
            raise
        except Exception as exc:  # the loop outlives a failed run: it is counted and backed off
            log.exception("%s: run failed", self.name)
            self.last_error = f"{type(exc).__name__}: {exc}"
            self._report(exc)
        finally:
            self._running = False
            self.last_finished = self._clock()
            self.last_duration = self.last_finished - started
            self.runs += 1
            self.consecutive_failures = 0 if ok else self.consecutive_failures + 1
            self._due = self.last_finished + self._delay()

    def _report(self, exc: BaseException) -> None:
        for listener in list(self.on_error):
            try:
                listener(exc)
            except Exception:
                log.exception("%s: error listener failed", self.name)
