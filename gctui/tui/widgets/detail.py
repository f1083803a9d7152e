"""A read-only detail dialog for hard errors and row details, static or live.

``DetailScreen(title, body)`` shows ``body`` as it is. ``DetailScreen(title, source)`` with a
callable re-reads ``source()`` every ``interval`` seconds and redraws only when what it returns
changed (on a slow link an unchanged dialog costs nothing). A plain ``str`` is shown as text,
never as markup (error messages contain ``[...]``), and passes through :func:`gctui.text.clean`
(newlines kept); a ``rich.text.Text`` is the caller's own styled text, shown as it is. When the
source returns None the item is gone: the last content stays, marked as no longer updated.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gctui.text import clean

Content = str | Text
Source = Callable[[], Content | None]


def as_text(content: Content) -> Text:
    return content if isinstance(content, Text) else Text(clean(content, keep_newlines=True))


class DetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > VerticalScroll { width: 90; max-width: 95%; height: auto; max-height: 90%;
                                    border: round $accent; background: $surface; padding: 0 1; }
    DetailScreen #detail-hint { color: $text-muted; }
    """

    # A live dialog wants the data under it to keep moving: tabs that pause their polls while a
    # dialog is open can let this one through.
    pauses_polling = True

    def __init__(self, title: str, body: Content | Source, *, interval: float = 1.0) -> None:
        super().__init__()
        self._title = clean(title)
        self._source: Source | None = body if callable(body) else None
        self._interval = interval
        first = body() if callable(body) else body
        self._text = as_text(first if first is not None else "(not available)")
        self._key = _key(self._text)
        self._gone = first is None
        self.renders = 0  # redraws after the first (tests read it; slow links care)
        if self._source is not None:
            self.pauses_polling = False

    @property
    def live(self) -> bool:
        return self._source is not None

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = Text(clean(self._title))  # a str would be read as markup
            yield Static(self._text, id="detail-body")
            yield Static(self._hint(), id="detail-hint")

    def on_mount(self) -> None:
        if self._source is not None:
            self.set_interval(self._interval, self.reload)

    def reload(self) -> None:
        """Re-read the source; redraw only what changed."""
        if self._source is None or self._gone:
            return
        content = self._source()
        if content is None:
            self._gone = True
            self.query_one("#detail-hint", Static).update(self._hint())
            return
        text = as_text(content)
        key = _key(text)
        if key == self._key:
            return
        self._key = key
        self._text = text
        self.renders += 1
        self.query_one("#detail-body", Static).update(text)

    def _hint(self) -> Text:
        if self._gone:
            return Text("no longer available: showing the last known state · Esc closes")
        return Text("live · Esc closes" if self.live else "Esc closes")


def _key(text: Text) -> tuple[str, tuple[object, ...]]:
    return text.plain, tuple((s.start, s.end, str(s.style)) for s in text.spans)
