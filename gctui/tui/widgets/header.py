"""The always-visible status line: org, region, RO/RW, token time-to-expiry, rate budget."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from gctui.text import duration


@dataclass(frozen=True, slots=True)
class HeaderState:
    org: str = "connecting…"
    region: str = "-"
    read_only: bool = False
    production: bool = False
    token: str = "token -"  # noqa: S105 - a label
    token_warn: bool = False
    budget: str = "rate -"
    budget_warn: bool = False
    problem: str | None = None


def token_text(expires_in: float | None, static: bool, has_token: bool) -> tuple[str, bool]:
    if not has_token:
        return "token -", False
    if static or expires_in is None:
        return "token static", False
    return f"token {duration(expires_in)}", expires_in < 300


def budget_text(used: int, in_flight: int, limit: int, throttled: int, held_for: float) -> tuple[str, bool]:
    text = f"rate {used + in_flight}/{limit}"
    if throttled:
        text += f" 429s:{throttled}"
    if held_for > 0:
        text += f" hold {duration(held_for)}"
    return text, held_for > 0 or (used + in_flight) >= 0.9 * limit


class StatusHeader(Static):
    """One line. Re-rendered only when its text changes (slow links: no redraw per tick)."""

    DEFAULT_CSS = """
    StatusHeader { height: 1; background: $panel; color: $text; padding: 0 1; }
    StatusHeader.production { background: $error 40%; }
    """

    def __init__(self) -> None:
        super().__init__("", id="status-header")
        self._state = HeaderState()
        self._last: str | None = None

    def show(self, state: HeaderState) -> None:
        self._state = state
        self.set_class(state.production, "production")
        text = self._render_text()
        if text.plain != self._last:
            self._last = text.plain
            self.update(text)

    @property
    def state(self) -> HeaderState:
        return self._state

    def _render_text(self) -> Text:
        s = self._state
        sep = (" │ ", "dim")
        org = s.org if len(s.org) <= 28 else s.org[:27] + "…"
        parts: list[tuple[str, str] | str] = [(org, "bold")]
        parts += [sep, s.region, sep]
        parts.append(("RO", "bold yellow") if s.read_only else ("RW", "bold green"))
        if s.problem:  # before token and rate: at 80 columns the end of the line is cut first
            parts += [sep, (s.problem, "bold red")]
        parts += [sep, (s.token, "bold red" if s.token_warn else "")]
        parts += [sep, (s.budget, "bold red" if s.budget_warn else "")]
        return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
