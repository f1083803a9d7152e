"""The always-visible status line (org, region, RO/RW, token time-to-expiry, rate budget) and the
connection banner under it.

Each part is its own small widget, repainted only when its text changes: on a slow link an idle
second costs nothing, and a token countdown far from expiry changes once a minute. RO/RW, the
token and the budget keep their width at any terminal size; the org, the region and the problem
word share what is left and are shortened first. The header owns its 1-second timer, so the
timer dies with the widgets it paints (no tick after quit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from gctui.text import clean, duration

FAR = 600.0  # seconds: beyond this the token countdown shows whole minutes
SEP = (" │ ", "dim")


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
    spending: str = ""  # the features with jobs in flight, e.g. "health"
    problem: str | None = None
    banner: str | None = None  # a line under the header saying what is wrong and what happens


def token_text(expires_in: float | None, static: bool, has_token: bool) -> tuple[str, bool]:
    if not has_token:
        return "token -", False
    if static or expires_in is None:
        return "token static", False
    if FAR < expires_in < 3600:
        return f"token {int(expires_in // 60)}m", False
    return f"token {duration(expires_in)}", expires_in < 300


def budget_text(used: int, in_flight: int, limit: int, throttled: int, held_for: float) -> tuple[str, bool]:
    text = f"rate {used + in_flight}/{limit}"
    if throttled:
        text += f" 429s:{throttled}"
    if held_for > 0:
        text += f" hold {duration(held_for)}"
    return text, held_for > 0 or (used + in_flight) >= 0.9 * limit


class _Part(Static):
    """One segment: repainted only when what it shows changes, laid out again only when its
    width changes."""

    def __init__(self, part_id: str) -> None:
        super().__init__("", id=part_id, markup=False)
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def show(self, content: Text) -> None:
        key = (content.plain, tuple(content.spans))
        if key == self._shown:
            return
        relayout = self._shown is None or len(self._shown[0]) != len(content.plain)
        self._shown = key
        self.update(content, layout=relayout)

    def show_part(self, text: str, style: str = "") -> None:
        """A fixed part: a separator, then ``text``."""
        self.show(Text.assemble(SEP, (text, style)))


class StatusHeader(Vertical):
    DEFAULT_CSS = """
    StatusHeader { height: auto; }
    StatusHeader > #status-line { height: 1; background: $panel; color: $text; padding: 0 1; }
    StatusHeader.production > #status-line { background: $error 40%; }
    StatusHeader #status-line > Static { width: auto; }
    StatusHeader #status-line > #hdr-where { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusHeader #connection { height: auto; padding: 0 1; color: $warning; display: none; }
    StatusHeader #connection.shown { display: block; }
    """

    def __init__(self, read: Callable[[], HeaderState]) -> None:
        super().__init__(id="status-header")
        self._read = read
        self._state = HeaderState()
        self._where = _Part("hdr-where")
        self._mode = _Part("hdr-mode")
        self._token = _Part("hdr-token")
        self._budget = _Part("hdr-budget")
        self._banner = Static("", id="connection", markup=False)
        self._banner_text: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-line"):
            yield self._where
            yield self._mode
            yield self._token
            yield self._budget
        yield self._banner

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(1.0, self.refresh_status)

    @property
    def state(self) -> HeaderState:
        return self._state

    def refresh_status(self) -> None:
        """Read the state now (the timer does it every second) and repaint what changed."""
        s = self._read()
        self._state = s
        self.set_class(s.production, "production")
        problem = ((s.problem, "bold red"), SEP) if s.problem else ()
        self._where.show(
            Text.assemble(
                *problem, (clean(s.org), "bold"), SEP, clean(s.region), no_wrap=True, overflow="ellipsis"
            )
        )
        self._mode.show_part("RO" if s.read_only else "RW", "bold yellow" if s.read_only else "bold green")
        self._token.show_part(s.token, "bold red" if s.token_warn else "")
        spending = f" ({s.spending})" if s.spending else ""
        self._budget.show_part(s.budget + spending, "bold red" if s.budget_warn else "")
        if s.banner != self._banner_text:
            self._banner_text = s.banner
            self._banner.set_class(s.banner is not None, "shown")
            self._banner.update(clean(s.banner or ""))
