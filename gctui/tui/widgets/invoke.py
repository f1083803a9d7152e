"""The test dialog of a data action (``x`` on the Data actions tab).

``InvokeScreen(name, load, run)``: ``load()`` reads the action's contract and ``run(inputs)``
sends one test; both run in workers (the dialog itself does no network). It shows the input
schema (read-only) beside a JSON editor prefilled with an example input. Ctrl+R (Ctrl+J,
Ctrl+Enter) checks the input against the schema first: problems are listed under the editor with
their paths and nothing is sent; a valid input is sent and the answer is shown: ok or failed,
the elapsed time against the timeout (red from 80 % of it), every step and the final result.
Esc closes; the dialog returns the last completed run (None when nothing ran).
Text from the server passes through :func:`gctui.text.clean` and is never read as markup.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.worker import Worker, WorkerState

from gctui.genesys.errors import describe_unexpected
from gctui.services.actions.invoke import Contract, InputError, TestRun, prepare, pretty_json, skeleton
from gctui.text import clean

Load = Callable[[], Awaitable[Contract]]
Run = Callable[[dict[str, Any]], Awaitable[TestRun]]
MAX_ERRORS = 5  # validation problems listed under the editor; the rest are counted
GROUP = "invoke"


def run_line(run: TestRun) -> Text:
    """``run.summary()`` styled: the verdict green or red, the elapsed time red near the timeout."""
    line = Text()
    line.append("ok" if run.success else "failed", style="bold green" if run.success else "bold red")
    line.append(" in ")
    line.append(run.elapsed_text, style="bold red" if run.near_timeout else "")
    line.append(f" of {run.timeout_text}")
    if run.error:
        line.append(f": {clean(run.error)}")
    return line


def steps_text(run: TestRun) -> Text:
    """One line per step: number, ok/failed, name, then its result or error."""
    text = Text()
    if not run.steps:
        text.append("no steps reported", style="dim")
    for i, step in enumerate(run.steps):
        if i:
            text.append("\n")
        text.append(f"{step.index:>2} ")
        text.append("ok    " if step.success else "failed", style="green" if step.success else "bold red")
        text.append(f" {clean(step.name)}", style="bold")
        if step.detail:
            text.append(f": {clean(step.detail)}")
    return text


class InvokeScreen(ModalScreen[TestRun | None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+r,ctrl+j,ctrl+enter", "run", "Run test", priority=True),
    ]
    DEFAULT_CSS = """
    InvokeScreen { align: center middle; }
    InvokeScreen > Vertical { width: 110; max-width: 100%; height: 100%; max-height: 44;
                              border: round $accent; background: $surface; padding: 0 1; }
    InvokeScreen #invoke-status { height: 1; }
    InvokeScreen #invoke-panes { height: 9; }
    InvokeScreen #invoke-panes TextArea { width: 1fr; height: 100%; }
    InvokeScreen #invoke-errors { height: auto; max-height: 7; color: $error; }
    InvokeScreen #invoke-output { height: 1fr; }
    InvokeScreen #invoke-output Static { height: auto; }
    InvokeScreen .heading { color: $text-muted; margin-top: 1; }
    InvokeScreen #invoke-hint { height: 1; color: $text-muted; }
    """

    pauses_polling = True

    def __init__(self, action_name: str, load: Load, run: Run) -> None:
        super().__init__()
        self._name = clean(action_name)
        self._load = load
        self._run = run
        self.contract: Contract | None = None
        self.last_run: TestRun | None = None
        self._load_failed = False
        self._started: float | None = None
        self._ticker: Timer | None = None

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(f"Test {self._name}")  # a str would be read as markup
            yield Static(Text("loading contract…"), id="invoke-status")
            with Horizontal(id="invoke-panes"):
                schema = TextArea("", id="invoke-schema", read_only=True, soft_wrap=False)
                schema.border_title = Text("input schema")
                yield schema
                editor = TextArea("", id="invoke-editor", read_only=True, show_line_numbers=True)
                editor.border_title = Text("input (JSON)")
                yield editor
            errors = Static(id="invoke-errors")
            errors.display = False
            yield errors
            with VerticalScroll(id="invoke-output"):
                yield Static(Text(""), id="invoke-summary")
                yield Static(Text("steps"), id="invoke-steps-heading", classes="heading")
                yield Static(Text(""), id="invoke-steps")
                yield Static(Text("final result"), id="invoke-final-heading", classes="heading")
                yield Static(Text(""), id="invoke-final")
            yield Static(Text("Ctrl+R run · Tab next pane · Esc close"), id="invoke-hint")

    def on_mount(self) -> None:
        self._show_output(False)
        self._start_load()

    def _show_output(self, visible: bool) -> None:
        for wid in ("#invoke-steps-heading", "#invoke-steps", "#invoke-final-heading", "#invoke-final"):
            self.query_one(wid).display = visible

    def _status(self, text: Text) -> None:
        self.query_one("#invoke-status", Static).update(text)

    # -- workers (they only await; the handlers below own every change on screen) -----------

    def _start_load(self) -> None:
        self._load_failed = False
        self._status(Text("loading contract…"))
        self.run_worker(self._load_work(), name="load", group=GROUP, exit_on_error=False)

    async def _load_work(self) -> Contract:
        return await self._load()

    async def _run_work(self, inputs: dict[str, Any]) -> TestRun:
        return await self._run(inputs)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != GROUP:
            return
        if worker.name == "load":
            if event.state is WorkerState.SUCCESS and isinstance(worker.result, Contract):
                self._loaded(worker.result)
            elif event.state is WorkerState.ERROR:
                self._load_failed = True
                problem = describe_unexpected(worker.error) if worker.error else "unknown error"
                self._status(Text(f"cannot load the contract: {problem} · Ctrl+R retries", style="red"))
        elif worker.name == "run" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._stop_ticker()
            if event.state is WorkerState.SUCCESS and isinstance(worker.result, TestRun):
                self._finished(worker.result)
            elif event.state is WorkerState.ERROR:
                problem = describe_unexpected(worker.error) if worker.error else "unknown error"
                self._summary(Text(f"not run: {problem}", style="bold red"))
            self._status(self._contract_line())

    # -- state changes ------------------------------------------------------------------------

    def _contract_line(self) -> Text:
        c = self.contract
        if c is None:
            return Text("")
        default = " (platform default)" if c.timeout_is_default else ""
        return Text(f"timeout {c.timeout_seconds} s{default} · edit the input, then Ctrl+R")

    def _loaded(self, contract: Contract) -> None:
        self.contract = contract
        schema = self.query_one("#invoke-schema", TextArea)
        if contract.input_schema is None:
            schema.load_text("(no input schema: any object is accepted)")
        else:
            schema.load_text(clean(pretty_json(contract.input_schema), keep_newlines=True))
        editor = self.query_one("#invoke-editor", TextArea)
        editor.load_text(pretty_json(skeleton(contract.input_schema)))
        editor.read_only = False
        editor.focus()
        self._status(self._contract_line())

    def _errors(self, lines: list[str]) -> None:
        box = self.query_one("#invoke-errors", Static)
        box.display = bool(lines)
        shown = [clean(line) for line in lines[:MAX_ERRORS]]
        if len(lines) > MAX_ERRORS:
            shown.append(f"… and {len(lines) - MAX_ERRORS} more")
        box.update(Text("\n".join(shown)))

    def _summary(self, text: Text) -> None:
        self.query_one("#invoke-summary", Static).update(text)

    def _finished(self, run: TestRun) -> None:
        self.last_run = run
        self._summary(run_line(run))
        self.query_one("#invoke-steps", Static).update(steps_text(run))
        final = "(none)" if run.final_result is None else pretty_json(run.final_result)
        self.query_one("#invoke-final", Static).update(Text(clean(final, keep_newlines=True)))
        self._show_output(True)

    def _tick(self) -> None:
        if self._started is None or self.contract is None:
            return
        elapsed = time.monotonic() - self._started
        self._status(Text(f"running… {elapsed:.1f} s of {self.contract.timeout_seconds} s"))

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        self._ticker = None
        self._started = None

    # -- keys ---------------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.contract is None:
            if self._load_failed:
                self._start_load()
            return
        if self._started is not None:
            self.notify("a test is already running", severity="warning")
            return
        editor = self.query_one("#invoke-editor", TextArea)
        try:
            inputs = prepare(self.contract.input_schema, editor.text)
        except InputError as exc:
            many = f"input does not match the action's schema ({len(exc.errors)} problems):"
            lines = [exc.message] if len(exc.errors) <= 1 else [many, *exc.errors]
            self._show_output(False)  # an earlier run's result under this error would read as new
            self._summary(Text(""))
            self._errors(lines)
            if exc.position is not None:
                line, column = exc.position
                editor.move_cursor((line - 1, column - 1))
            editor.focus()
            return
        self._errors([])
        self._show_output(False)
        self._summary(Text(""))
        self._started = time.monotonic()
        self._ticker = self.set_interval(0.2, self._tick)
        self._tick()
        self.run_worker(self._run_work(inputs), name="run", group=GROUP, exit_on_error=False)

    def action_close(self) -> None:
        self.dismiss(self.last_run)
