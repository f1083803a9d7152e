"""The Data actions tab's own dialogs: a question that refuses a bad answer in place, the list of
conflicts (re-apply or skip), and what an interrupted session left in the journal (retry or
dismiss). Focus starts on the choice that sends nothing; every text is cleaned, never markup."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from gctui.text import clean
from gctui.tui.widgets.ask import AskScreen

MAX_LISTED = 12

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90; max-width: 100%; height: auto; max-height: 100%;
                    border: round $warning; background: $surface; padding: 0 1; }}
{name} .line {{ height: auto; }}
{name} #buttons {{ height: 3; margin-top: 1; }}
{name} #buttons Button {{ margin-right: 2; }}
{name} .hint {{ height: 1; color: $text-muted; }}
"""


class CheckedAsk(AskScreen):
    """An AskScreen whose answer is checked before it closes: ``check(answer)`` returns what is
    wrong (shown under the input, the dialog stays open) or None (the dialog closes with it).
    The question may quote server text (an action's name): it is shown as text, never markup."""

    def __init__(self, question: str, value: str, check: Callable[[str], str | None]) -> None:
        super().__init__(question, value)
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self._question)), id="ask-question")
            yield Input(self._value, id="answer")
            yield Static(Text("Enter confirms · Esc cancels", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # AskScreen's own handler would close the dialog with any answer
        problem = self._check(event.value)
        if problem is None:
            self.dismiss(event.value)
            return
        line = Text(clean(problem), style="bold red")
        found = self.query("#ask-error")
        if found:
            found.first(Static).update(line)
        else:
            self.query_one(Vertical).mount(Static(line, id="ask-error"), after="#answer")

    @property
    def error(self) -> str:
        found = self.query("#ask-error")
        return str(found.first(Static).render()) if found else ""


def _listed(lines: Sequence[str]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, line in enumerate(lines[:MAX_LISTED]):
        text.append(("\n" if i else "") + "  " + clean(line))
    if len(lines) > MAX_LISTED:
        text.append(f"\n  … and {len(lines) - MAX_LISTED} more", style="dim")
    return text


class ConflictScreen(ModalScreen[bool]):
    """Someone else changed these timeouts after the plan: nothing of theirs was overwritten.
    True: plan again from what they hold now (a new confirm follows); False: skip them."""

    BINDINGS = [
        Binding("escape,s,n", "skip", "Skip"),
        Binding("r", "reapply", "Re-apply"),
        Binding("left,shift+tab", "app.focus_previous", "Previous", show=False),
        Binding("right,tab", "app.focus_next", "Next", show=False),
    ]
    DEFAULT_CSS = _DIALOG_CSS.format(name="ConflictScreen")

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self.lines = [clean(line) for line in lines]

    def compose(self) -> ComposeResult:
        n = len(self.lines)
        with Vertical() as box:
            box.border_title = "Conflicts: changed by someone else"
            head = f"{n} action{'s' * (n != 1)} changed by someone else since the plan: not overwritten"
            yield Static(Text(head, style="bold"), id="conflict-summary", classes="line")
            yield Static(_listed(self.lines), id="conflict-list", classes="line")
            with Horizontal(id="buttons"):
                yield Button("Skip", id="skip")
                yield Button(f"Re-apply ({n})", id="reapply", variant="warning")
            yield Static("r re-applies (a new confirm shows their values) · s/Esc skips", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#skip", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "reapply")

    def action_skip(self) -> None:
        self.dismiss(False)

    def action_reapply(self) -> None:
        self.dismiss(True)


class RecoveryScreen(ModalScreen[str | None]):
    """What an interrupted session left open in the journal, settled against the org: what had
    landed (marked done), and what did not (still the old value). "retry" sends those again as a
    new batch, "dismiss" closes them in the journal, None (Esc) decides later (next start)."""

    BINDINGS = [
        Binding("escape,l", "later", "Later"),
        Binding("r", "choose('retry')", "Retry"),
        Binding("d", "choose('dismiss')", "Dismiss"),
        Binding("left,shift+tab", "app.focus_previous", "Previous", show=False),
        Binding("right,tab", "app.focus_next", "Next", show=False),
    ]
    DEFAULT_CSS = _DIALOG_CSS.format(name="RecoveryScreen")

    def __init__(self, landed: Sequence[str], not_landed: Sequence[str], others: Sequence[str]) -> None:
        super().__init__()
        self.landed = [clean(x) for x in landed]
        self.not_landed = [clean(x) for x in not_landed]
        self.others = [clean(x) for x in others]

    def compose(self) -> ComposeResult:
        n = len(self.not_landed)
        with Vertical() as box:
            box.border_title = "Changes an interrupted session left open"
            if self.landed:
                head = f"{len(self.landed)} had landed (marked done):"
                yield Static(Text(head, style="bold"), id="recovery-landed-head", classes="line")
                yield Static(_listed(self.landed), id="recovery-landed", classes="line")
            head = f"{n} did not land: the actions still hold the old value:"
            yield Static(Text(head, style="bold"), id="recovery-open-head", classes="line")
            yield Static(_listed(self.not_landed), id="recovery-open", classes="line")
            for i, line in enumerate(self.others):
                yield Static(Text(line), id=f"recovery-other-{i}", classes="line")
            with Horizontal(id="buttons"):
                yield Button("Later", id="later")
                yield Button(f"Dismiss ({n})", id="dismiss")
                yield Button(f"Retry ({n})", id="retry", variant="warning")
            yield Static("r retries · d dismisses (not sent) · Esc decides at the next start", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#later", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "later" else event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_later(self) -> None:
        self.dismiss(None)
