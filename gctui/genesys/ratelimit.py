"""Rate-limit governor: pace our own requests under the org's per-token limit.

The API sends no budget headers (reference §3), so we count what we send. Every request takes a
slot; a slot is held while the request is in flight and then stays in the sliding window until
``window`` seconds after the *response* arrived. The server saw the request no later than that,
so its own window can never hold more of our requests than ours does: zero avoidable 429s, and
no wait longer than the window demands. A 429 (another client, a limit we did not know about)
holds back every request on the token for the full Retry-After.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gctui.genesys.errors import LimitHit


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """The rate-limit panel's data."""

    limit: int
    window: float
    source: str
    used: int
    in_flight: int
    requests_per_minute: int
    throttled: int
    last_limit: LimitHit | None
    slot_free_in: float
    held_for: float
    waiting: int

    @property
    def state(self) -> str:
        if self.held_for > 0:
            return "held (429)"
        if self.waiting:
            return "pacing"
        if self.used + self.in_flight == 0:
            return "idle"
        return "ok"


class Slot:
    __slots__ = ("_done", "started")

    def __init__(self, started: float) -> None:
        self.started = started
        self._done = False


class RateGovernor:
    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        source: str = "configured",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        bulk_reserve: float = 0.05,
        margin: float = 0.05,
    ) -> None:
        self.limit = max(1, int(limit))
        self.window = float(window)
        self.source = source
        self._clock = clock
        self._sleep = sleep
        self._bulk_reserve = bulk_reserve
        self._margin = margin
        self._done: deque[float] = deque()  # completion times inside the window
        self._minute: deque[float] = deque()  # completion times in the last 60 s (display)
        self._in_flight = 0
        self._held_until = 0.0
        self._waiting = 0
        self._changed = asyncio.Event()
        self.throttled = 0
        self.last_limit: LimitHit | None = None

    def set_limit(self, limit: int, source: str) -> None:
        self.limit = max(1, int(limit))
        self.source = source
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _prune(self, now: float) -> None:
        edge = now - self.window
        while self._done and self._done[0] <= edge:
            self._done.popleft()
        edge60 = now - 60.0
        while self._minute and self._minute[0] <= edge60:
            self._minute.popleft()

    def _cap(self, bulk: bool) -> int:
        if not bulk:
            return self.limit
        return max(1, self.limit - max(1, int(self.limit * self._bulk_reserve)))

    async def acquire(self, *, bulk: bool = False) -> Slot:
        """Wait until a request may be sent without exceeding the limit; take a slot.

        ``bulk`` work (pagination, batch jobs) leaves a small reserve for interactive requests
        and health probes, so a long job never starves the dashboard."""
        cap = self._cap(bulk)
        waited = False
        try:
            while True:
                now = self._clock()
                self._prune(now)
                hold = self._held_until - now
                if hold <= 0 and len(self._done) + self._in_flight < cap:
                    self._in_flight += 1
                    return Slot(now)
                if not waited:
                    waited = True
                    self._waiting += 1
                if hold > 0:
                    delay = hold
                elif self._done:
                    delay = self._done[0] + self.window - now + self._margin
                else:
                    delay = self.window  # everything is in flight: wait for a completion
                event = self._changed
                try:
                    await asyncio.wait_for(event.wait(), timeout=max(0.001, delay))
                except TimeoutError:
                    pass
        finally:
            if waited:
                self._waiting -= 1

    def complete(self, slot: Slot) -> None:
        """The request finished (any outcome): its slot now ages out of the window."""
        if not slot._done:
            now = self._clock()
            self._done.append(now)
            self._minute.append(now)
        self.release(slot)

    def release(self, slot: Slot) -> None:
        """The request was never sent (no token to send it with, or withdrawn): free its slot
        uncounted."""
        if slot._done:
            return
        slot._done = True
        self._in_flight -= 1
        self._wake()

    def on_429(self, retry_after: float | None, limit: LimitHit | None, attempt: int) -> float:
        """Record a 429 and hold every request on this token. Returns the hold in seconds."""
        self.throttled += 1
        if limit is not None:
            self.last_limit = limit
        if retry_after is not None:
            delay = retry_after
        else:
            delay = min(30.0, 1.0 * 2**attempt) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter
        self._held_until = max(self._held_until, self._clock() + delay)
        self._wake()
        return delay

    def held_for(self) -> float:
        """Seconds left of the hold a 429 put on every request of this token."""
        return max(0.0, self._held_until - self._clock())

    def status(self) -> BudgetStatus:
        now = self._clock()
        self._prune(now)
        used = len(self._done)
        free_in = 0.0
        if used + self._in_flight >= self.limit and self._done:
            free_in = max(0.0, self._done[0] + self.window - now)
        return BudgetStatus(
            limit=self.limit,
            window=self.window,
            source=self.source,
            used=used,
            in_flight=self._in_flight,
            requests_per_minute=len(self._minute),
            throttled=self.throttled,
            last_limit=self.last_limit,
            slot_free_in=free_in,
            held_for=max(0.0, self._held_until - now),
            waiting=self._waiting,
        )
