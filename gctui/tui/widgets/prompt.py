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
        if self.has_focus:
            # Now, as `open` takes it: the keys after Enter or Esc in the same burst must not
            # be typed in here (the app gives the focus to the table on `Finished`).
            self.screen.set_focus(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.display:
            self.post_message(self.Typed(self.mode, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.display:  # (Enter is taken in `on_key`; this is the Input's own path)
            self.close()
            self.post_message(self.Finished(self.mode, event.value, cancelled=False))

    async def on_key(self, event: events.Key) -> None:
        if not self.display:
            # Closed by an Enter or Esc that came in one burst with this key: the app had sent
            # it here before the prompt closed. It goes back to the app, to act as typed.
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key in ("escape", "enter"):
            event.stop()
            event.prevent_default()
            value = self.value
            self.close()
            # To the app at once (not bubbling after the keys queued here): it must act on
            # the prompt before it acts on the keys that came after it.
            self.app.post_message(self.Finished(self.mode, value, cancelled=event.key == "escape"))
