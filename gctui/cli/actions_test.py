"""``gctui actions test ID --input JSON|@FILE``: check the input against the action's input
schema (nothing is sent when it does not fit), run the action's test, print its steps.

A test runs the action's backend, so it is a write as far as read-only mode goes: refused before
anything is sent. The input is never echoed (a secure action's input is sensitive)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gctui.cli import interrupt
from gctui.cli.actions_common import emit_json, refuse_read_only, say, warn
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.services.actions.invoke import Contract, InputError, TestRun

MAX_INPUT_BYTES = 1024 * 1024
MAX_DETAIL = 300  # characters of a step's result in the text output (--json has all of it)


def run_test(args: argparse.Namespace) -> int:
    from gctui.services.actions.invoke import InputError, prepare

    text = _input_text(args.input)
    try:
        prepare(None, text)  # not JSON, or not an object: say so before the org is asked anything
    except InputError as exc:
        _report_input(exc)
        return EXIT_USAGE
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        refuse_read_only(args, profile, "test (it runs the action)")
        return interrupt.run(_test(args, profile, text))


def _input_text(value: str) -> str:
    if not value.startswith("@"):
        return value
    name = value[1:]
    if not name:
        raise GctuiError("--input @FILE needs a file name (or give the JSON itself)")
    path = Path(name).expanduser()
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise GctuiError(f"cannot read input file {clean(name)}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise GctuiError(f"input file {clean(name)} is larger than {MAX_INPUT_BYTES // 1024} KiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GctuiError(f"input file {clean(name)} is not UTF-8 text") from None


def _report_input(exc: InputError) -> None:
    say(exc.message)
    if len(exc.errors) > 1:
        for error in exc.errors:
            print(f"  {clean(error)}", file=sys.stderr)


async def _test(args: argparse.Namespace, profile: ResolvedProfile, text: str) -> int:
    from gctui.genesys.errors import NotFoundError
    from gctui.genesys.session import Session
    from gctui.services.actions.invoke import InputError, load_contract, prepare, run_test

    default = profile.actions.platform_default_timeout
    async with Session.create(profile.options) as session:
        try:
            contract = await load_contract(session.api, args.action_id, default)
        except NotFoundError:
            raise GctuiError(f"unknown action id: {clean(args.action_id)}; nothing sent") from None
        try:
            inputs = prepare(contract.input_schema, text)
        except InputError as exc:
            _report_input(exc)
            return EXIT_USAGE
        result = await run_test(session.api, contract, inputs)
    if args.json:
        emit_json(_document(contract, result))
    else:
        _print(contract, result)
    if result.near_timeout:
        warn(f"the test took {result.elapsed_text}, close to or beyond its {result.timeout_text} timeout")
    return EXIT_OK if result.success else EXIT_FAILED


def _print(contract: Contract, result: TestRun) -> None:
    from gctui.services.actions.invoke import pretty_json

    print(f"test of {clean(contract.name)} [{clean(contract.action_id)}], timeout {result.timeout_text}")
    for step in result.steps:
        detail = step.detail if len(step.detail) <= MAX_DETAIL else step.detail[: MAX_DETAIL - 1] + "…"
        state = "ok" if step.success else "failed"
        print(f"  {step.index:>2}  {state:<6}  {clean(step.name)}" + (f": {clean(detail)}" if detail else ""))
    if result.final_result is not None:
        print("final result: " + pretty_json(result.final_result))
    print(clean(result.summary()))


def _document(contract: Contract, result: TestRun) -> dict[str, Any]:
    return {
        "actionId": contract.action_id,
        "name": contract.name,
        "success": result.success,
        "summary": result.summary(),
        "error": result.error,
        "elapsedMs": round(result.elapsed_ms, 1),
        "timeoutSeconds": result.timeout_seconds,
        "timeoutIsDefault": result.timeout_is_default,
        "nearTimeout": result.near_timeout,
        "steps": [
            {"index": s.index, "name": s.name, "success": s.success, "detail": s.detail} for s in result.steps
        ],
        "finalResult": result.final_result,
    }
