"""Text of the token and rate-limit panels (pure functions of the core's status objects)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from gctui.text import clean, duration
from gctui.tui.tabs.health_line import coarse

if TYPE_CHECKING:
    from gctui.genesys.auth import TokenStatus
    from gctui.genesys.ratelimit import BudgetStatus
    from gctui.services.health import ProbeRow

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
        ("age", f"{coarse(tok.age)}  {expires}" if tok.has_token else "no token yet"),
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
