"""The progress dialog of a long write (one request per item at the org's rate limit).

The caller's async worker (on the app loop) drives it::

    progress = ProgressScreen("Fix timeouts", total=len(items), pace_per_minute=governor_pace)
    app.push_screen(progress, on_done)          # on_done receives a ProgressResult
    try:
        for item in items:
            if progress.cancelled:               # Esc / c: send nothing new
                break
            progress.begin(item.name)
            try:
                await send(item)
            except GenesysError as exc:
                progress.advance(item.name, ok=False, error=str(exc))
            else:
                progress.advance(item.name, ok=True)
    finally:
        progress.finish()                        # summary; a key closes it

``begin``/``advance`` only count: the screen redraws from a timer, at most ``fps`` times a
second and only when something changed, so 10,000 items never cause 10,000 repaints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from gctui.text import clean, duration

MAX_FAILURES_SHOWN = 5


@dataclass(frozen=True)
class ProgressResult:
    """What happened: every item is sent (ok or failed) or not sent (cancelled before it)."""

    total: int
    ok: int
    failed: int
    cancelled: bool
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item, error), cleaned

    @property
    def sent(self) -> int:
        return self.ok + self.failed

    @property
    def not_sent(self) -> int:
        return self.total - self.sent

    def summary(self) -> str:
        """'cancelled: 120 sent (118 ok, 2 failed), 380 not sent' or 'done: 500 sent (…)'."""
        head = "cancelled" if self.cancelled else "done"
        text = f"{head}: {self.sent} sent ({self.ok} ok, {self.failed} failed)"
        if self.not_sent:
            text += f", {self.not_sent} not sent"
        return text


def eta_text(remaining: int, pace_per_minute: float) -> str:
    """'~3m20s' for 1000 items at 300/min; '-' when the pace is unknown."""
    if remaining <= 0:
        return "~0s"
    if pace_per_minute <= 0:
        return "-"
    return "~" + duration(remaining * 60 / pace_per_minute)


class ProgressScreen(ModalScreen[ProgressResult]):
    BINDINGS = [
        Binding("escape,c", "cancel", "Cancel"),
        Binding("enter,q", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    ProgressScreen { align: center middle; }
    ProgressScreen > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                border: round $accent; background: $surface; padding: 0 1; }
    ProgressScreen .line { height: auto; }
    ProgressScreen #progress-bar { margin: 1 0; }
    ProgressScreen #progress-bar Bar { width: 1fr; }
    ProgressScreen #progress-failures { color: $error; text-wrap: nowrap; text-overflow: ellipsis;
                                        max-height: 8; }
    ProgressScreen #progress-close { margin-top: 1; }
    """

    def __init__(
        self,
        title: str,
        total: int,
        pace_per_minute: Callable[[], float],
        *,
        fps: float = 10.0,
    ) -> None:
        super().__init__()
        self._title = title
        self.total = total
        self._pace = pace_per_minute
        self._fps = fps
        self.ok = 0
        self.failed = 0
        self.current: str | None = None
        self.failures: list[tuple[str, str]] = []
        self.cancel_event = asyncio.Event()
        self.finished = False
        self.renders = 0  # how many times the dialog redrew (the throttle is tested on it)
        self._dirty = True

    # -- the worker's side --------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        """Checked by the worker before each new request."""
        return self.cancel_event.is_set()

    def begin(self, name: str) -> None:
        """``name`` is being sent now."""
        self.current = clean(name)
        self._dirty = True

    def advance(self, name: str, ok: bool, error: str | None = None) -> None:
        """One item was sent: it succeeded, or failed with ``error``."""
        if ok:
            self.ok += 1
        else:
            self.failed += 1
            self.failures.append((clean(name), clean(error or "failed")))
        self._dirty = True

    def finish(self) -> None:
        """The worker stopped (all sent, or cancelled): show the summary; a key closes."""
        if self.finished:
            return
        self.finished = True
        self.current = None
        self._dirty = True
        if self.is_mounted:
            self._render_now()
            close = self.query_one("#progress-close", Button)
            close.label = "Close"
            close.focus()

    def result(self) -> ProgressResult:
        return ProgressResult(self.total, self.ok, self.failed, self.cancelled, list(self.failures))

    # -- the screen ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(clean(self._title))  # a str would be read as markup
            yield ProgressBar(total=max(1, self.total), show_eta=False, id="progress-bar")
            yield Static("", id="progress-counts", classes="line")
            yield Static("", id="progress-current", classes="line")
            yield Static("", id="progress-failures", classes="line")
            yield Button("Cancel", id="progress-close")
            yield Static("", id="progress-hint", classes="line")

    def on_mount(self) -> None:
        self.query_one("#progress-close", Button).focus()
        self._render_now()
        self.set_interval(1 / self._fps, self._render_if_dirty)

    def _render_if_dirty(self) -> None:
        if self._dirty:
            self._render_now()

    def _render_now(self) -> None:
        self._dirty = False
        self.renders += 1
        remaining = self.total - self.ok - self.failed
        self.query_one(ProgressBar).update(progress=self.ok + self.failed)
        if self.finished:
            counts = self.result().summary()
        else:
            pace = self._pace()
            counts = f"done {self.ok} · failed {self.failed} · remaining {remaining}"
            counts += f" · {eta_text(remaining, pace)} at {pace:.0f}/min"
        self.query_one("#progress-counts", Static).update(Text(counts, style="bold"))
        if self.finished:
            current = ""
        elif self.cancelled:
            current = "cancelling: nothing new is sent; waiting for the requests in flight…"
        else:
            current = f"now: {_cut(self.current or '-', 66)}"
        current_line = self.query_one("#progress-current", Static)
        current_line.display = bool(current)
        current_line.update(Text(current))
        self.query_one("#progress-failures", Static).update(_failures_text(self.failures, self.failed))
        hint = "Enter/Esc closes" if self.finished else "c/Esc stops sending (what was sent stays sent)"
        self.query_one("#progress-hint", Static).update(Text(hint, style="dim"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.finished:
            self.action_close()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.finished:
            self.action_close()
            return
        self.cancel_event.set()
        self._dirty = True

    def action_close(self) -> None:
        if self.finished:
            self.dismiss(self.result())


def _failures_text(failures: list[tuple[str, str]], count: int) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, (name, error) in enumerate(failures[-MAX_FAILURES_SHOWN:]):
        if i:
            out.append("\n")
        out.append(f"✗ {_cut(name, 30)}: {error}")
    if count > MAX_FAILURES_SHOWN:
        out.append(f"\n(last {MAX_FAILURES_SHOWN} of {count} failures)", style="dim")
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
