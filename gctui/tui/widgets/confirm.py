"""The confirm dialog of a write: it states the blast radius before anything is sent.

How many items, which ones (the first few names, "… and K more"), how many of them the current
filter hides, a before → after table of every change (values that change are highlighted), and
what else is affected. Focus starts on Cancel; Esc and `n` cancel; `y` (or Enter on the confirm
button) confirms. Built for batches of 10,000: the table lists the first ``MAX_ROWS`` changes
and says how many more there are (a DataTable of 10k rows takes seconds to mount).
All text from the server passes through :func:`gctui.text.clean` and is never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from gctui.text import clean

MAX_ROWS = 500
MAX_NAMES = 5
NAME_WIDTH = 32  # in the names line
CELL_WIDTH = 26  # item names in the table: four columns fit in 80
VALUE_WIDTH = 14


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one item: ``before`` → ``after`` (any value; shown as cleaned text)."""

    item: str
    field: str
    before: object
    after: object

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class BlastRadius:
    """What a confirm dialog states.

    ``title``: what will be done ("Set the timeout of data actions"). ``noun``: what the items
    are, plural ("data actions"). ``items``: the names of every item the write touches (default:
    the items of ``changes``, in order). ``hidden``: how many of them the current filter hides.
    ``affected``: lines about what else the change reaches ("used by 3 published flows: …").
    ``verb``: the confirm button's word ("Apply", "Delete")."""

    title: str
    changes: Sequence[Change]
    noun: str = "items"
    items: Sequence[str] | None = None
    hidden: int = 0
    affected: Sequence[str] = field(default_factory=tuple)
    verb: str = "Apply"

    def item_names(self) -> list[str]:
        if self.items is not None:
            return list(self.items)
        return list(dict.fromkeys(c.item for c in self.changes))

    def summary(self) -> str:
        """'12 data actions will change (3 hidden by the current filter)'."""
        count = len(self.item_names())
        noun = self.noun[:-1] if count == 1 and self.noun.endswith("s") else self.noun
        text = f"{count} {clean(noun)} will change"
        if self.hidden:
            text += f" ({self.hidden} hidden by the current filter)"
        return text

    def names_line(self, limit: int = MAX_NAMES) -> str:
        """'a, b, c, d, e … and 7 more' (each name cleaned and cut to a readable width)."""
        names = self.item_names()
        shown = ", ".join(_cut_middle(clean(n), NAME_WIDTH) for n in names[:limit])
        more = len(names) - limit
        return f"{shown} … and {more} more" if more > 0 else shown


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cut_middle(text: str, width: int) -> str:
    """Names of a batch often share a prefix: keep both ends ('Salesforce l…account 07')."""
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def diff_rows(changes: Sequence[Change], limit: int = MAX_ROWS) -> list[tuple[Text, Text, Text, Text]]:
    """The table's rows for the first ``limit`` changes: changed values highlighted, values
    that stay the same dimmed."""
    rows = []
    for c in changes[:limit]:
        before, after = _cut(clean(c.before), VALUE_WIDTH), _cut(clean(c.after), VALUE_WIDTH)
        style = "bold" if c.changes else "dim"
        rows.append(
            (
                Text(_cut_middle(clean(c.item), CELL_WIDTH)),
                Text(clean(c.field)),
                Text(before, style="red" if c.changes else "dim"),
                Text(after, style=f"{style} green" if c.changes else style),
            )
        )
    return rows


class ConfirmScreen(ModalScreen[bool]):
    """``push_screen(ConfirmScreen(radius), callback)``: True when the user confirmed."""

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel"),
        Binding("y", "confirm", "Confirm"),
        Binding("left,shift+tab", "app.focus_previous", "Previous", show=False),
        Binding("right,tab", "app.focus_next", "Next", show=False),
        Binding("up", "scroll('up')", show=False),
        Binding("down", "scroll('down')", show=False),
        Binding("pageup", "scroll('page_up')", show=False),
        Binding("pagedown", "scroll('page_down')", show=False),
        Binding("home", "scroll('home')", show=False),
        Binding("end", "scroll('end')", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
                               border: round $warning; background: $surface; padding: 0 1; }
    ConfirmScreen .line { height: auto; }
    ConfirmScreen #confirm-changes { height: 1fr; margin-top: 1; }
    ConfirmScreen #confirm-buttons { height: 3; margin-top: 1; }
    ConfirmScreen #confirm-buttons Button { margin-right: 2; }
    ConfirmScreen #confirm-hint { height: 1; color: $text-muted; }
    """

    def __init__(self, radius: BlastRadius, *, max_rows: int = MAX_ROWS) -> None:
        super().__init__()
        self.radius = radius
        self._max_rows = max_rows

    def compose(self) -> ComposeResult:
        r = self.radius
        with Vertical() as box:
            box.border_title = Text(clean(r.title))  # a str would be read as markup
            yield Static(Text(r.summary(), style="bold"), id="confirm-summary", classes="line")
            yield Static(Text(r.names_line()), id="confirm-names", classes="line")
            table: DataTable[Text] = DataTable(id="confirm-changes", cursor_type="none", zebra_stripes=True)
            table.can_focus = False  # focus stays on the buttons; the screen's keys scroll it
            yield table
            more = len(r.changes) - self._max_rows
            if more > 0:
                yield Static(Text(f"… and {more} more changes not listed"), id="confirm-more", classes="line")
            for i, line in enumerate(r.affected):
                yield Static(Text(clean(line)), id=f"confirm-affected-{i}", classes="line")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(f"{clean(r.verb)} ({len(r.item_names())})", id="confirm", variant="warning")
            yield Static("y confirms · n/Esc cancels · ↑↓ PgUp PgDn scroll", id="confirm-hint")

    def on_mount(self) -> None:
        table = self.query_one("#confirm-changes", DataTable)
        table.add_columns("Item", "Field", "Before", "After")
        rows = diff_rows(self.radius.changes, self._max_rows)
        table.add_rows(rows)
        # 1fr keeps the buttons on screen when the list is long; a short list takes its height.
        table.styles.max_height = len(rows) + 1
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_scroll(self, how: str) -> None:
        table = self.query_one("#confirm-changes", DataTable)
        getattr(table, f"scroll_{how}")(animate=False)
