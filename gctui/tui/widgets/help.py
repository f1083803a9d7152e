"""`?`: every key of the focused screen, from the live declarations (so rebinds show up).

The id column (what `[keys]` rebinds by) is shown only when it fits whole: cut ids such as
``app.quit`` and ``app.quit_ctrl_c`` would look alike."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

CHROME = 4  # the dialog's border and padding
CELL_PAD = 2  # DataTable's cell padding, both sides
SCROLLBAR = 2


class HelpRow(NamedTuple):
    key: str
    description: str
    id: str


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 76; max-width: 100%; height: 90%;
                            border: round $accent; background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, title: str, rows: list[HelpRow]) -> None:
        super().__init__()
        self._title = title
        self._rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Keys — {self._title}   ↑↓ scroll · Esc closes", style="bold"))
            yield DataTable(cursor_type="row", id="help-keys")

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one("#help-keys", DataTable)
        room = min(76, self.app.size.width) - CHROME - SCROLLBAR
        widths = [max(len(r[i]) for r in self._rows) for i in range(3)]
        if sum(widths) + 3 * CELL_PAD <= room:
            table.add_columns("Key", "Action", "Id / command")
            table.add_rows(self._rows)
        else:
            table.add_columns("Key", "Action")
            table.add_rows(r[:2] for r in self._rows)
        table.focus()
