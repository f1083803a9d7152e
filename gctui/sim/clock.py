"""The simulator's clock: real time plus an offset, or frozen, so tests move time without waiting.

Edge and trunk load (:mod:`gctui.sim.load_telephony`) reads it, values and ``eventTime`` alike.
``clock_of(runtime)`` is the clock of a running simulator (``sim.clock`` on the servers); HTTP
twins: ``GET /sim/control/clock``, ``POST /sim/control/clock/advance {"seconds"}``, ``PUT
/sim/control/clock {"epoch"?, "frozen"?}`` (:mod:`gctui.sim.routes_scaling_control`).
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any

from gctui.sim.det import iso

if TYPE_CHECKING:
    from gctui.sim.runtime import SimRuntime

MAX_ADVANCE_SECONDS = 366 * 86400.0
_LOCK = threading.Lock()


def _check_epoch(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of epoch seconds")
    if not 0 <= value <= 32_503_680_000:  # year 3000
        raise ValueError(f"{name} must be epoch seconds between 1970 and 3000")
    return float(value)


class SimClock:
    """``now()`` is real time + ``offset``, or the frozen instant while frozen (thread-safe)."""

    def __init__(self, start: float | None = None, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self.offset = 0.0 if start is None else _check_epoch(start, "start") - time.time()
        self._frozen_at: float | None = None
        if frozen:
            self.freeze(start)  # exactly there
        self.origin = self.now()  # trends run from here

    def now(self) -> float:
        with self._lock:
            return self._frozen_at if self._frozen_at is not None else time.time() + self.offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, seconds: float) -> float:
        """Move the clock on by ``seconds`` (no real waiting); return the new now."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 <= seconds <= MAX_ADVANCE_SECONDS
        ):
            raise ValueError(f"seconds must be a number from 0 to {MAX_ADVANCE_SECONDS:g}")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += float(seconds)
            self.offset += float(seconds)
        return self.now()

    def set(self, epoch: float) -> float:
        """Jump to ``epoch`` (forwards or backwards); a frozen clock stays frozen there."""
        at = _check_epoch(epoch, "epoch")
        with self._lock:
            self.offset = at - time.time()
            if self._frozen_at is not None:
                self._frozen_at = at
        return at

    def freeze(self, at: float | None = None) -> float:
        """Stop the clock (at ``at``, else now); ``advance``/``set`` still move it."""
        when = self.now() if at is None else _check_epoch(at, "at")
        with self._lock:
            self._frozen_at = when
            self.offset = when - time.time()
        return when

    def unfreeze(self) -> float:
        """Let the clock run again from where it stands."""
        with self._lock:
            if self._frozen_at is not None:
                self.offset = self._frozen_at - time.time()
                self._frozen_at = None
        return self.now()

    def to_json(self) -> dict[str, Any]:
        now = self.now()
        return {"now": iso(now), "epoch": now, "offsetSeconds": self.offset, "frozen": self.frozen}


def clock_of(rt: SimRuntime) -> SimClock:
    """The clock of a running simulator (made on first use from ``clock_start``/``clock_frozen``)."""
    clock = rt.__dict__.get("_sim_clock")
    if clock is None:
        with _LOCK:
            clock = rt.__dict__.get("_sim_clock")
            if clock is None:
                cfg = rt.config
                clock = rt.__dict__["_sim_clock"] = SimClock(cfg.clock_start, cfg.clock_frozen)
    assert isinstance(clock, SimClock)
    return clock
