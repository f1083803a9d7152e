"""`?`: every key of the focused screen, from the live bindings (so rebinds show up)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 70; max-width: 95%; height: 90%;
                            border: round $accent; background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._title = title
        self._rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Keys — {self._title}[/b]   ↑↓ PgUp PgDn scroll · Esc closes")
            table: DataTable[str] = DataTable(cursor_type="row", id="help-keys")
            table.add_columns("Key", "Action", "Id / command")
            for row in self._rows:
                table.add_row(*row)
            yield table

    def on_mount(self) -> None:
        self.query_one("#help-keys", DataTable).focus()
