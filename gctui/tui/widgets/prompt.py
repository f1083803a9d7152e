"""The bottom prompt shared by `/` (filter, live) and `:` (command line)."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input


class PromptBar(Input):
    DEFAULT_CSS = """
    PromptBar { dock: bottom; height: 1; border: none; padding: 0 1; display: none; margin-bottom: 1; }
    PromptBar:focus { border: none; }
    """

    class Typed(Message):
        def __init__(self, mode: str, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    class Finished(Message):
        def __init__(self, mode: str, value: str, cancelled: bool) -> None:
            super().__init__()
            self.mode = mode
            self.value = value
            self.cancelled = cancelled

    def __init__(self) -> None:
        super().__init__(id="prompt")
        self.mode = "filter"

    def open(self, mode: str, value: str = "") -> None:
        self.mode = mode
        self.placeholder = (
            "regex (!inverts) · Enter keeps · Esc clears"
            if mode == "filter"
            else "command (? lists them) · Enter runs · Esc cancels"
        )
        self.value = value
        self.display = True
        # Now, not after the queued events (``focus()`` waits for them): on a slow link "/flo"
        # arrives as one burst, and the letters after "/" must reach the prompt.
        self.screen.set_focus(self)
        self.cursor_position = len(value)

    def close(self) -> None:
        self.display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.display:
            self.post_message(self.Typed(self.mode, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Finished(self.mode, event.value, cancelled=False))

    async def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.close()
            self.post_message(self.Finished(self.mode, self.value, cancelled=True))
