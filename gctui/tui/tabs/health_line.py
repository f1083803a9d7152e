"""The parts of the Health tab's status line: short (the line must fit 80 columns) and coarse
(a part whose text does not change is not repainted; a countdown far away ticks every 5 s)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gctui.text import duration

if TYPE_CHECKING:
    from gctui.genesys.ratelimit import BudgetStatus
    from gctui.services.health import ProbeStatus
    from gctui.services.poller import Poller


def coarse(seconds: float | None) -> str:
    """A duration that changes rarely: exact under 20 s, by 5 s under 2 min, by the minute
    under 1 h (``12m``), then hours and minutes."""
    if seconds is None:
        return "-"
    s = max(0.0, seconds)
    if s < 20:
        return duration(s)
    if s < 120:
        return duration(5 * round(s / 5))
    if s < 3600:
        return f"{round(s / 60)}m"
    return duration(60 * round(s / 60))


def run_part(interval: float, took: float | None, overall: ProbeStatus, blind: int) -> str:
    parts = [f"every {duration(interval)}"]
    if took is not None:
        parts.append(f"took {took:.1f}s")
    if blind:
        parts.append(f"{blind} could not run")
    return " · ".join(parts)


def countdown(paused: bool, running: bool, due_in: float | None) -> str:
    if paused:
        return " · PAUSED (p)"
    if running:
        return " · running…"
    if due_in is None:
        return ""
    return f" · next {coarse(due_in)}"


def pace_part(budget: BudgetStatus | None, probes: int, poller: Poller, rate_wait: float) -> str:
    """What the rate governor does to the probes, shortest first: who waits, how late runs
    start, and whether the interval asks more than the budget gives."""
    if budget is None:
        return ""
    parts = []
    if poller.running and budget.waiting:
        parts.append(f"{budget.waiting} wait rate")
    held = poller.late + rate_wait
    if held >= 1:
        parts.append(f"rate held {coarse(held)}")
    per_min = budget.limit * 60 / budget.window
    demand = (probes + 1) * 60 / poller.interval
    if demand > 0.5 * per_min:
        parts.append(f"{demand:.0f}/{per_min:.0f} per min")
    return "".join(f" · {p}" for p in parts)
