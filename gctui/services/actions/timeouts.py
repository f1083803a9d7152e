"""Timeout rules: what a user may type, what is at risk, and what to suggest (pure functions).

Units: timeouts are whole seconds (``config.timeoutSeconds``, 1-60, reference §5b); execution
times (p95, p99, headroom) are milliseconds, as analytics reports them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gctui.errors import EXIT_USAGE, GctuiError

MIN_TIMEOUT = 1
MAX_TIMEOUT = 60
RANGE = f"{MIN_TIMEOUT}-{MAX_TIMEOUT} seconds"


class TimeoutValueError(GctuiError):
    """A timeout the API would refuse; nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def parse_timeout(value: object) -> int:
    """A timeout typed by the user (``"5"``) or given by code (``5``): whole seconds, 1-60."""
    if isinstance(value, bool):
        raise TimeoutValueError(f"timeout {value} is not a whole number of seconds ({RANGE})")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not text:
            raise TimeoutValueError(f"timeout is empty; expected whole seconds ({RANGE})")
        digits = text[1:] if text[:1] in "+-" else text
        shown = text if len(text) <= 20 else text[:20] + "…"
        if not (text.isascii() and digits.isdigit()):
            raise TimeoutValueError(f"timeout {shown!r} is not a whole number of seconds ({RANGE})")
        if len(digits.lstrip("0")) > 6:  # int() of thousands of digits is slow, or refused
            raise TimeoutValueError(f"timeout {shown} is out of range ({RANGE})")
        number = int(text)
    if not MIN_TIMEOUT <= number <= MAX_TIMEOUT:
        raise TimeoutValueError(f"timeout {number} is out of range ({RANGE})")
    return number


def clamp_timeout(seconds: int) -> int:
    return max(MIN_TIMEOUT, min(MAX_TIMEOUT, seconds))


def headroom_ms(timeout_s: int, p99_ms: int | None) -> int | None:
    """How far the slowest 1 % stays below the timeout (negative: beyond it)."""
    return None if p99_ms is None else timeout_s * 1000 - p99_ms


@dataclass(frozen=True, slots=True)
class Assessment:
    """Risk and suggestion for one action, each with its reason in words."""

    risk: bool
    risk_reason: str
    suggested: int | None
    suggestion_reason: str


def assess(
    timeout_s: int,
    executions: int | None,
    p99_ms: int | None,
    timeouts: int,
    *,
    factor: float,
    min_executions: int,
    risk_share: float,
) -> Assessment:
    """``timeout_s`` is the effective timeout (configured or the platform default)."""
    enough = executions is not None and executions >= min_executions and p99_ms is not None
    limit_ms = timeout_s * 1000
    if timeouts > 0:
        risk, why = True, f"{timeouts} execution{'s' * (timeouts != 1)} timed out"
    elif enough and p99_ms is not None and p99_ms >= risk_share * limit_ms:
        share = p99_ms / limit_ms
        risk, why = True, f"p99 {p99_ms:,} ms is {share:.0%} of the {timeout_s} s timeout"
    elif not enough:
        risk, why = False, "not enough executions to judge"
    else:
        risk, why = False, f"p99 {p99_ms:,} ms leaves {limit_ms - (p99_ms or 0):,} ms headroom"
    if not enough or p99_ms is None:
        n = executions or 0
        return Assessment(
            risk,
            why,
            None,
            f"no suggestion: {n} execution{'s' * (n != 1)} in the window, {min_executions} needed",
        )
    return Assessment(risk, why, *suggest(timeout_s, p99_ms, timeouts, factor))


def suggest(timeout_s: int, p99_ms: int, timeouts: int, factor: float) -> tuple[int, str]:
    """ceil(p99 x factor) in whole seconds, clamped to 1-60, and why."""
    raw = math.ceil(p99_ms * factor / 1000)
    value = clamp_timeout(raw)
    why = f"p99 {p99_ms:,} ms x {factor:g} = {p99_ms * factor / 1000:.1f} s → {value} s"
    if raw > MAX_TIMEOUT:
        why += f" (capped at the {MAX_TIMEOUT} s maximum: the endpoint itself is too slow)"
    if timeouts > 0 and value < timeout_s:
        # Some executions timed out even at a longer timeout than p99 suggests: lowering it
        # would fail more of them. (How long the timed-out ones would have taken is unknown.)
        value = timeout_s
        why += f"; kept at the current {timeout_s} s, not lowered: {timeouts:,} timed out in the window"
        return value, why
    if timeouts > 0:
        why += "; timed-out executions hide the true tail, so this may still be short"
    if value == timeout_s:
        why += "; the current timeout already matches"
    elif value < timeout_s:
        why += f"; lower than the current {timeout_s} s"
    return value, why
