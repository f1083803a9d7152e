"""The test dialog of a data action at 80x24, with fake load/run coroutines (no network): the
example input, local validation that sends nothing, a run's steps and summary, Esc."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual.widgets import Static, TextArea

from gctui.services.actions.invoke import Contract, Step, TestRun, pretty_json, skeleton
from gctui.tui.widgets.invoke import InvokeScreen
from tests.tui.conftest import wait_for
from tests.tui.test_dialogs_support import NOTHING, DialogHost, shown

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["id", "channel"],
    "properties": {
        "id": {"type": "string", "description": "record [b]id[/b]"},
        "channel": {"type": "string", "enum": ["voice", "chat"]},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    },
}
CONTRACT = Contract("a1", "Get Customer", SCHEMA, None, 10, True)
STEPS = (
    Step(1, "Resolve request URL template", True, "https://crm.example.com/customer/C-1"),
    Step(2, "Execute [b]HTTP[/b] request", True, '{"status": 200, "latencyMs": 8512}'),
    Step(3, "Apply translation map", False, "502 remote.error: said \\x1b[2J no [red]x[/red]"),
)
RUN = TestRun(False, STEPS, {"status": "OK", "value": "[i]C-1[/i]"}, "step 3 failed", 8_512.0, 10, True)


class Fakes:
    """``load``/``run`` for the dialog: they count their calls and can be held back."""

    def __init__(self, contract: Contract = CONTRACT, result: TestRun = RUN) -> None:
        self.contract = contract
        self.result = result
        self.loads = 0
        self.runs: list[dict[str, Any]] = []
        self.load_error: Exception | None = None
        self.hold_load = asyncio.Event()
        self.hold_load.set()
        self.hold_run = asyncio.Event()
        self.hold_run.set()

    async def load(self) -> Contract:
        self.loads += 1
        await self.hold_load.wait()
        if self.load_error is not None:
            raise self.load_error
        return self.contract

    async def run(self, inputs: dict[str, Any]) -> TestRun:
        self.runs.append(inputs)
        await self.hold_run.wait()
        return self.result


def dialog(fakes: Fakes) -> tuple[DialogHost, InvokeScreen]:
    screen = InvokeScreen("Get [b]Customer[/b]\x1b[2J", fakes.load, fakes.run)
    return DialogHost(screen), screen


def editor(screen: InvokeScreen) -> TextArea:
    return screen.query_one("#invoke-editor", TextArea)


def text_of(screen: InvokeScreen, wid: str) -> str:
    return shown(screen.query_one(wid, Static))


async def loaded(pilot: Any, screen: InvokeScreen) -> None:
    await wait_for(pilot, lambda: screen.contract is not None and not editor(screen).read_only, timeout=5)


async def test_loading_then_schema_and_a_prefilled_skeleton_at_80x24() -> None:
    fakes = Fakes()
    fakes.hold_load.clear()
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert text_of(screen, "#invoke-status") == "loading contract…"
        assert editor(screen).read_only and editor(screen).text == ""
        fakes.hold_load.set()
        await loaded(pilot, screen)
        assert editor(screen).text == pretty_json(skeleton(SCHEMA))
        assert '"channel": "voice"' in editor(screen).text and '"limit"' not in editor(screen).text
        schema = screen.query_one("#invoke-schema", TextArea)
        assert schema.read_only and schema.text == pretty_json(SCHEMA)
        assert text_of(screen, "#invoke-status").startswith("timeout 10 s (platform default)")
        assert screen.focused is editor(screen)
        title = screen.query_one("Vertical").border_title
        assert title is not None and "Get [b]Customer[/b]\\x1b[2J" in Text.from_markup(title).plain
        for wid in ("#invoke-status", "#invoke-schema", "#invoke-editor", "#invoke-output", "#invoke-hint"):
            region = screen.query_one(wid).region
            assert region.width > 0 and region.height > 0, wid
            assert region.right <= 80 and region.bottom <= 24, wid
        assert editor(screen).region.width >= 30 and screen.query_one("#invoke-output").region.height >= 5


async def test_invalid_json_shows_line_and_column_and_sends_nothing() -> None:
    fakes = Fakes()
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        editor(screen).load_text('{\n  "id": "C-1"\n  "channel": "voice"\n}')
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert (
            text_of(screen, "#invoke-errors") == "invalid JSON at line 3, column 3: Expecting ',' delimiter"
        )
        assert screen.query_one("#invoke-errors").display
        assert editor(screen).cursor_location == (2, 2)  # on the spot, 0-based
        assert fakes.runs == [] and screen.last_run is None


async def test_schema_errors_list_their_paths_and_send_nothing() -> None:
    fakes = Fakes()
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        editor(screen).load_text('{"id": 5, "channel": "fax", "limit": 0}')
        await pilot.press("ctrl+j")  # the alias of Ctrl+R
        await pilot.pause()
        assert text_of(screen, "#invoke-errors").split("\n") == [
            "input does not match the action's schema (3 problems):",
            "/channel: 'fax' is not one of ['voice', 'chat']",
            "/id: 5 is not of type 'string'",
            "/limit: 0 is less than the minimum of 1",
        ]
        assert fakes.runs == []
        editor(screen).load_text('{"id": 5, "channel": "chat"}')
        await pilot.press("ctrl+r")
        await pilot.pause()
        one = "input does not match the action's schema: /id: 5 is not of type 'string'"
        assert text_of(screen, "#invoke-errors") == one and fakes.runs == []


async def test_a_valid_run_shows_steps_summary_and_final_result_then_esc_returns_it() -> None:
    fakes = Fakes()
    fakes.hold_run.clear()
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        editor(screen).load_text('{"id": "C-1", "channel": "chat"}')
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(fakes.runs) == 1)
        assert fakes.runs == [{"id": "C-1", "channel": "chat"}]
        assert text_of(screen, "#invoke-status").startswith("running… ")
        await pilot.press("ctrl+r")  # a second press while it runs sends nothing
        await pilot.pause()
        assert len(fakes.runs) == 1
        fakes.hold_run.set()
        await wait_for(pilot, lambda: screen.last_run is RUN)
        await pilot.pause()
        assert not screen.query_one("#invoke-errors").display
        summary = screen.query_one("#invoke-summary", Static)
        assert shown(summary) == RUN.summary()
        assert shown(summary) == "failed in 8,512 ms of 10 s (platform default): step 3 failed"
        line = summary.content
        assert isinstance(line, Text)
        near = [s for s in line.spans if line.plain[s.start : s.end] == "8,512 ms"]
        assert near and "red" in str(near[0].style)  # 85 % of the timeout: red
        assert text_of(screen, "#invoke-steps").split("\n") == [
            " 1 ok     Resolve request URL template: https://crm.example.com/customer/C-1",
            ' 2 ok     Execute [b]HTTP[/b] request: {"status": 200, "latencyMs": 8512}',
            " 3 failed Apply translation map: 502 remote.error: said \\x1b[2J no [red]x[/red]",
        ]
        assert text_of(screen, "#invoke-final") == pretty_json(RUN.final_result)
        assert text_of(screen, "#invoke-status").startswith("timeout 10 s")
        editor(screen).load_text('{"id": ')  # then a broken input: the old result goes away
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.query_one("#invoke-errors").display)
        assert text_of(screen, "#invoke-summary") == "" and not screen.query_one("#invoke-steps").display
        assert len(fakes.runs) == 1
        await pilot.press("escape")
        await pilot.pause()
    assert host.result is RUN


async def test_a_quick_run_is_not_red() -> None:
    quick = TestRun(True, (), None, None, 120.0, 10)
    fakes = Fakes(result=quick)
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.last_run is quick)
        await pilot.pause()
        line = screen.query_one("#invoke-summary", Static).content
        assert isinstance(line, Text) and line.plain == "ok in 120 ms of 10 s"
        assert not any("red" in str(s.style) for s in line.spans)
        assert text_of(screen, "#invoke-steps") == "no steps reported"
        assert text_of(screen, "#invoke-final") == "(none)"
    assert fakes.runs == [{"id": "", "channel": "voice"}]  # the skeleton, as prefilled


async def test_esc_closes_with_none_when_nothing_ran() -> None:
    fakes = Fakes()
    fakes.hold_load.clear()  # still loading
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert host.result is None and host.screen is not screen
    assert fakes.runs == []


async def test_a_failed_load_says_why_and_ctrl_r_retries_it() -> None:
    fakes = Fakes()
    fakes.load_error = RuntimeError("boom \x1b[2J [b]x[/b]")
    host, screen = dialog(fakes)
    async with host.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: text_of(screen, "#invoke-status").startswith("cannot load"))
        assert text_of(screen, "#invoke-status") == (
            "cannot load the contract: unexpected RuntimeError: boom \\x1b[2J [b]x[/b] · Ctrl+R retries"
        )
        assert editor(screen).read_only
        fakes.load_error = None
        await pilot.press("ctrl+r")
        await loaded(pilot, screen)
        assert fakes.loads == 2 and fakes.runs == []
        assert host.result is NOTHING


async def test_a_run_that_raises_is_shown_not_a_traceback() -> None:
    fakes = Fakes()

    async def refused(inputs: dict[str, Any]) -> TestRun:
        from gctui.genesys.errors import ReadOnlyError

        raise ReadOnlyError("read-only mode: POST /api/v2/integrations/actions/a1/test was not sent")

    screen = InvokeScreen("A", fakes.load, refused)
    host = DialogHost(screen)
    async with host.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: text_of(screen, "#invoke-summary").startswith("not run"))
        assert text_of(screen, "#invoke-summary") == (
            "not run: read-only mode: POST /api/v2/integrations/actions/a1/test was not sent"
        )
        assert screen.last_run is None and text_of(screen, "#invoke-status").startswith("timeout 10 s")
        await pilot.press("escape")
        await pilot.pause()
    assert host.result is None
