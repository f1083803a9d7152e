"""Shared by the dialog tests and snapshots (no tests here): a bare app that hosts one dialog
and keeps what it returned."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

NOTHING = object()


class DialogHost(App[None]):
    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: Any = NOTHING

    def compose(self) -> ComposeResult:
        yield Static("host screen")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._done)

    def _done(self, result: Any) -> None:
        self.result = result


def shown(widget: Any) -> str:
    """The text a Static shows now."""
    return str(widget.render())
