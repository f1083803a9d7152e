"""Text of the token and rate-limit panels and of the status line (pure functions of the core's
status objects). Short (the line must fit 80 columns) and coarse: a part whose text does not
change is not repainted, and a countdown far away ticks every 5 s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from gctui.text import clean, duration

if TYPE_CHECKING:
    from gctui.genesys.auth import TokenStatus
    from gctui.genesys.ratelimit import BudgetStatus
    from gctui.services.health import ProbeRow, ProbeStatus
    from gctui.services.poller import Poller

STATUS_STYLE = {
    "healthy": "green",
    "degraded": "bold yellow",
    "critical": "bold red",
    "unknown": "dim",
}


def token_panel(tok: TokenStatus | None, auth_kind: str) -> Text:
    if tok is None:
        return Text("not connected yet", style="dim")
    # Coarse times: the panel repaints when a minute passes, not every second.
    expires = "static token" if tok.static else f"expires in {coarse(tok.expires_in)}"
    lines = [
        ("auth", auth_kind),
        ("age", f"{age(tok.age)}  {expires}" if tok.has_token else "no token yet"),
        ("refreshes", f"{tok.refreshes}   failures {tok.failures}"),
        (
            "breaker",
            f"{tok.breaker}"
            + (f" (retry in {duration(tok.breaker_retry_in)})" if tok.breaker_retry_in else ""),
        ),
        ("last", tok.last_outcome + (f": {clean(tok.last_error)}" if tok.last_error else "")),
    ]
    return _kv(lines, warn={"breaker"} if str(tok.breaker) != "closed" else set())


def rate_panel(b: BudgetStatus | None) -> Text:
    if b is None:
        return Text("not connected yet", style="dim")
    last = clean(b.last_limit.describe()) if b.last_limit else "-"
    lines = [
        ("limit", f"{b.limit} per {duration(b.window)} ({b.source})"),
        ("used", f"{b.used + b.in_flight} of {b.limit}, {b.requests_per_minute}/min"),
        ("429s", f"{b.throttled}   last limit {last}"),
        (
            "pacing",
            f"{b.state}"
            + (f", slot in {coarse(b.slot_free_in)}" if b.slot_free_in else "")
            + (f", {b.waiting} waiting" if b.waiting else ""),
        ),
    ]
    warn = {"429s"} if b.throttled else set()
    if b.state in ("held (429)", "pacing"):
        warn.add("pacing")
    return _kv(lines, warn=warn)


def _kv(lines: list[tuple[str, str]], warn: set[str]) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, (key, value) in enumerate(lines):
        if i:
            out.append("\n")
        out.append(f"{key:<10}", style="dim")
        out.append(value, style="bold yellow" if key in warn else "")
    return out


def status_cell(row: ProbeRow, changed: bool) -> Text:
    style = STATUS_STYLE.get(str(row.status), "")
    if changed:
        style += " underline"
    return Text(str(row.status), style=style)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def age(seconds: float | None) -> str:
    """How old something is, by the minute: nobody needs a token's age to the second, and a
    panel repainted every second costs a slow link ~1.7 KB/s."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return "<1m"
    return f"{int(seconds // 60)}m" if seconds < 3600 else duration(60 * (seconds // 60))


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
    return duration(60 * (s // 60))  # whole minutes left, as the header counts them


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
