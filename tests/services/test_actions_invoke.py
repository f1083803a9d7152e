"""Testing a data action: the example input, local validation, and /test against the simulated
org over loopback (success, input refused by the server, timeout, read-only), plus respx for
exact HTTP edge cases (control characters in error bodies, timing from the send, 401)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from gctui.errors import EXIT_USAGE
from gctui.genesys.client import AUTH_RETRIES
from gctui.genesys.errors import AuthenticationError, NotFoundError, ReadOnlyError
from gctui.genesys.session import Session
from gctui.services.actions.invoke import (
    Contract,
    InputError,
    TestRun,
    input_errors,
    load_contract,
    parse_json,
    prepare,
    pretty_json,
    run_test,
    skeleton,
)
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.genesys.conftest import API, LOGIN, TokenServer, error_body, make_options
from tests.integration.test_core_against_sim import options

# -- skeleton -----------------------------------------------------------------------------------


def test_skeleton_of_no_schema_is_an_empty_object() -> None:
    assert skeleton(None) == {} and skeleton({}) == {} and skeleton({"title": "Request"}) == {}


def test_skeleton_fills_required_fields_by_type_and_optional_ones_with_defaults() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "required": ["id", "count", "ratio", "flag", "tags", "channel", "kind", "customer", "anything"],
        "properties": {
            "id": {"type": "string"},
            "count": {"type": "integer"},
            "ratio": {"type": "number"},
            "flag": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "channel": {"type": "string", "enum": ["voice", "chat"]},
            "kind": {"const": "lookup"},
            "customer": {
                "type": "object",
                "required": ["ref"],
                "properties": {"ref": {"type": "integer"}, "note": {"type": "string"}},
            },
            "anything": {"description": "no type at all"},
            "limit": {"type": "integer", "default": 25},
            "locale": {"type": "string"},  # optional, no default: left out
        },
    }
    assert skeleton(schema) == {
        "id": "",
        "count": 0,
        "ratio": 0,
        "flag": False,
        "tags": [],
        "channel": "voice",
        "kind": "lookup",
        "customer": {"ref": 0},
        "anything": None,
        "limit": 25,
    }


def test_skeleton_infers_missing_types_honours_bounds_and_follows_local_refs() -> None:
    schema = {
        "required": ["page", "ids", "nested", "either", "maybe"],  # no "type": an object by its keys
        "properties": {
            "page": {"type": "integer", "minimum": 1, "maximum": 100},
            "ids": {"items": {"type": "string"}, "minItems": 2},  # no "type": an array by its items
            "nested": {"$ref": "#/definitions/address"},
            "either": {"oneOf": [{"type": "boolean"}, {"type": "string"}]},
            "maybe": {"type": ["null", "number"], "maximum": -5},
        },
        "definitions": {"address": {"properties": {"zip": {"type": "string"}}, "required": ["zip"]}},
    }
    assert skeleton(schema) == {
        "page": 1,
        "ids": ["", ""],
        "nested": {"zip": ""},
        "either": False,
        "maybe": -5,
    }


def test_skeleton_survives_malformed_schemas() -> None:
    bad: dict[str, Any] = {
        "type": "object",
        "required": ["a", 7, "b", "c"],
        "properties": {"a": "not a schema", "b": {"$ref": "https://elsewhere.example.com/s.json"}, "c": []},
        "allOf": "nonsense",
    }
    assert skeleton(bad) == {"a": None, "b": None, "c": None}
    loop: dict[str, Any] = {"type": "object", "required": ["self"], "properties": {"self": {"$ref": "#"}}}
    depth, node = 0, skeleton(loop)
    while isinstance(node, dict) and "self" in node:
        depth, node = depth + 1, node["self"]
    assert 30 <= depth <= 40  # a self-referencing required field stops at a bounded depth


# -- parse_json / input_errors / prepare -------------------------------------------------------


def test_parse_json_reports_line_and_column() -> None:
    with pytest.raises(InputError) as err:
        parse_json('{\n  "id": "a"\n  "x": 1\n}')
    assert err.value.message == "invalid JSON at line 3, column 3: Expecting ',' delimiter"
    assert err.value.position == (3, 3) and err.value.code == EXIT_USAGE
    assert err.value.errors == [err.value.message]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_parse_json_refuses_empty_text(text: str) -> None:
    with pytest.raises(InputError, match=r"^no input: enter a JSON object"):
        parse_json(text)


def test_parse_json_refuses_nan_and_accepts_json() -> None:
    with pytest.raises(InputError, match="NaN is not JSON"):
        parse_json('{"x": NaN}')
    assert parse_json(' {"a": [1, 2.5, null, true]} ') == {"a": [1, 2.5, None, True]}


def test_input_errors_lists_every_error_with_its_path_sorted() -> None:
    schema = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "customer": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "items": {"type": "array", "items": {"type": "integer"}},
            "a/b": {"type": "string"},
        },
    }
    value = {"customer": {"id": "x"}, "items": [1, 2, "three", 4, 5, 6, 7, 8, 9, 10, "eleven"], "a/b": 1}
    assert input_errors(schema, value) == [
        "/: 'id' is a required property",
        "/a~1b: 1 is not of type 'string'",
        "/customer/id: 'x' is not of type 'integer'",
        "/items/2: 'three' is not of type 'integer'",
        "/items/10: 'eleven' is not of type 'integer'",  # numeric order: 2 before 10
    ]
    assert input_errors(schema, {"id": 1}) == [] and input_errors(None, [1]) == []


def test_input_errors_uses_the_draft_the_schema_names() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 5, "exclusiveMaximum": True}
    assert input_errors(draft4, 5) == ["/: 5 is greater than or equal to the maximum of 5"]
    draft7 = {"maximum": 5, "exclusiveMaximum": 5}  # no $schema: Draft 7, where it is a number
    assert input_errors(draft7, 5) == ["/: 5 is greater than or equal to the maximum of 5"]
    assert input_errors({"$schema": "https://example.com/own-dialect", "type": "string"}, 1) == [
        "/: 1 is not of type 'string'"  # an unknown dialect falls back to Draft 7
    ]


def test_an_invalid_schema_gives_one_clear_error() -> None:
    errors = input_errors({"type": "object", "properties": {"id": {"type": "text"}}}, {"id": 1})
    assert len(errors) == 1
    assert errors[0].startswith("/properties/id/type: the action's input schema is not valid JSON Schema")
    remote = input_errors({"properties": {"a": {"$ref": "https://elsewhere.example.com/a.json"}}}, {"a": 1})
    assert len(remote) == 1 and remote[0].startswith("/: the action's input schema cannot be checked")


def test_validation_messages_are_cleaned() -> None:
    errors = input_errors({"enum": ["ok"]}, "\x1b[31mred\u202e")
    assert errors == ["/: '\\x1b[31mred\\u202e' is not one of ['ok']"]


def test_prepare_returns_the_object_or_raises_every_problem() -> None:
    schema = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "n": {"type": "integer", "minimum": 1}},
    }
    assert prepare(schema, '{"id": "42", "n": 3}') == {"id": "42", "n": 3}
    with pytest.raises(InputError) as err:
        prepare(schema, '{"n": 0, "id": 7}')
    assert err.value.errors == ["/id: 7 is not of type 'string'", "/n: 0 is less than the minimum of 1"]
    assert (
        err.value.message
        == "input does not match the action's schema: /id: 7 is not of type 'string' (+1 more)"
    )
    assert err.value.code == EXIT_USAGE
    with pytest.raises(InputError, match=r"^the input must be a JSON object of input values, not an array$"):
        prepare(None, "[1]")
    with pytest.raises(InputError, match="not null"):
        prepare(None, "null")
    with pytest.raises(InputError, match=r"line 1, column 9"):
        prepare(schema, '{"id": 1')


def test_pretty_json_escapes_what_a_terminal_could_act_on_and_stays_json() -> None:
    value = {"name\u202e": "caf\u00e9 \x9b2J \x1b[0m"}
    text = pretty_json(value)
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text and "café" in text
    assert json.loads(text) == value


def test_test_run_summary_and_near_timeout() -> None:
    ok = TestRun(True, (), {"a": 1}, None, 812.4, 10)
    assert ok.summary() == "ok in 812 ms of 10 s" and not ok.near_timeout
    slow = TestRun(False, (), None, "408 request.timeout: timed out", 10_003.2, 10, timeout_is_default=True)
    assert slow.summary() == "failed in 10,003 ms of 10 s (platform default): 408 request.timeout: timed out"
    assert slow.near_timeout and TestRun(True, (), None, None, 8000.0, 10).near_timeout


# -- against the simulated org -------------------------------------------------------------------


@pytest.fixture
async def sim_session() -> AsyncIterator[tuple[SimServer, Session]]:
    async with SimServer(SimConfig(actions=60, rate_limit=100_000, token_rate_limit=1000)) as sim:
        async with Session.create(options(sim)) as s:
            yield sim, s


def _pick(sim: SimServer, *, timeout: bool) -> dict[str, Any]:
    """An action of the simulated org with (or without) a configured timeout whose input schema
    requires only ``id`` (no pattern-checked key field)."""
    assert sim.runtime is not None
    for a in sim.runtime.org.actions:
        if ("timeoutSeconds" in a["config"]) == timeout and a["contract"]["input"]["inputSchema"][
            "required"
        ] == ["id"]:
            return a
    raise AssertionError("no such action in the simulated org")


def _backend(sim: SimServer, action_id: str, latency_ms: float) -> None:
    """Make the action's simulated backend answer in exactly ``latency_ms``, without errors."""
    assert sim.runtime is not None
    profile = sim.runtime.org.action_profiles[action_id]
    profile.median_ms, profile.sigma, profile.error_rate = latency_ms, 0.0, 0.0


async def test_load_contract_reads_schemas_and_the_effective_timeout(
    sim_session: tuple[SimServer, Session],
) -> None:
    sim, s = sim_session
    configured = _pick(sim, timeout=True)
    c = await load_contract(s.api, configured["id"], 10)
    assert c == Contract(
        action_id=configured["id"],
        name=configured["name"],
        input_schema=configured["contract"]["input"]["inputSchema"],
        output_schema=configured["contract"]["output"]["successSchema"],
        timeout_seconds=configured["config"]["timeoutSeconds"],
        timeout_is_default=False,
    )
    unset = _pick(sim, timeout=False)
    d = await load_contract(s.api, unset["id"], 7)
    assert d.timeout_seconds == 7 and d.timeout_is_default
    assert d.input_schema is not None and d.input_schema["required"][0] == "id"
    with pytest.raises(NotFoundError):
        await load_contract(s.api, "custom_-_no-such-action", 10)
    with pytest.raises(NotFoundError):  # one path segment: "../" cannot reach another resource
        await load_contract(s.api, "../actions", 10)


async def test_a_successful_test_shows_steps_and_the_final_result(
    sim_session: tuple[SimServer, Session],
) -> None:
    sim, s = sim_session
    action = _pick(sim, timeout=True)
    _backend(sim, action["id"], 40)
    contract = await load_contract(s.api, action["id"], 10)
    text = pretty_json(skeleton(contract.input_schema)).replace('"id": ""', '"id": "C-1001"')
    run = await run_test(s.api, contract, prepare(contract.input_schema, text))
    assert run.success and run.error is None, run.summary()
    assert [st.index for st in run.steps] == [1, 2, 3, 4, 5] and all(st.success for st in run.steps)
    assert run.steps[0].detail.endswith("/C-1001") and '"latencyMs": 40' in run.steps[2].detail
    assert run.final_result == {"status": "OK", "value": f"{action['name']} result for C-1001"}
    assert run.timeout_seconds == contract.timeout_seconds and 0 < run.elapsed_ms < 5000
    assert run.summary().startswith("ok in ") and run.summary().endswith(f" of {contract.timeout_seconds} s")


async def test_input_the_server_refuses_is_a_failed_run_naming_the_field(
    sim_session: tuple[SimServer, Session],
) -> None:
    sim, s = sim_session
    contract = await load_contract(s.api, _pick(sim, timeout=True)["id"], 10)
    bad = {"id": 5}
    assert input_errors(contract.input_schema, bad) == ["/id: 5 is not of type 'string'"]  # caught locally…
    run = await run_test(s.api, contract, bad)  # …and, sent anyway, refused by the server
    assert not run.success and run.steps == () and run.final_result is None
    assert run.error is not None and run.error.startswith("400 bad.request: The input does not match")
    assert "id must be of type string" in run.error and "(correlation id " in run.error
    missing = await run_test(s.api, contract, {})
    assert missing.error is not None and "id is required" in missing.error


async def test_a_backend_slower_than_the_timeout_fails_with_the_timeout_error(
    sim_session: tuple[SimServer, Session],
) -> None:
    sim, s = sim_session
    action = _pick(sim, timeout=True)
    timeout = action["config"]["timeoutSeconds"]
    _backend(sim, action["id"], timeout * 1000 * 3)
    contract = await load_contract(s.api, action["id"], 10)
    run = await run_test(s.api, contract, {"id": "C-1"})
    assert not run.success and run.final_result is None
    assert run.error is not None
    assert run.error.startswith(f"408 request.timeout: The data action timed out after {timeout} seconds")
    assert "(correlation id " in run.error
    assert [(st.index, st.success) for st in run.steps] == [(1, True), (2, True), (3, False)]
    assert run.steps[2].detail == run.error
    assert run.summary().startswith("failed in ") and f" of {timeout} s: 408 request.timeout" in run.summary()


async def test_read_only_refuses_the_test_before_anything_is_sent(
    sim_session: tuple[SimServer, Session],
) -> None:
    sim, _ = sim_session
    action = _pick(sim, timeout=True)
    assert sim.runtime is not None
    async with Session.create(options(sim, read_only=True)) as ro:
        contract = await load_contract(ro.api, action["id"], 10)  # a GET: allowed
        with pytest.raises(ReadOnlyError, match="was not sent"):
            await run_test(ro.api, contract, {"id": "C-1"})
    assert sim.runtime.org.test_counter.get(action["id"], 0) == 0


# -- respx: exact HTTP edge cases ----------------------------------------------------------------

TEST_URL = f"{API}/api/v2/integrations/actions/a1/test"
CONTRACT = Contract("a1", "Get Customer", {"type": "object"}, None, 45, False)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{LOGIN}/oauth/token").mock(side_effect=TokenServer())
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(200, json={"entities": []})
        )
        yield router


async def test_a_500_error_body_with_escape_sequences_comes_out_cleaned(mock: respx.MockRouter) -> None:
    body = error_body(500, "internal.\x1b]0;pwned\x07", "backend \x1b[2J\x1b[31mexploded\u202e")
    mock.post(TEST_URL).mock(return_value=httpx.Response(500, json=body))
    async with Session.create(make_options()) as s:
        run = await run_test(s.api, CONTRACT, {"id": "x"})
    assert not run.success and run.steps == ()
    assert run.error == (
        "500 internal.\\x1b]0;pwned\\x07: backend \\x1b[2J\\x1b[31mexploded\\u202e (correlation id ctx-500)"
    )
    assert mock.routes[-1].call_count == 1  # a POST that reached the server is never resent


async def test_step_errors_and_results_from_a_200_are_cleaned(mock: respx.MockRouter) -> None:
    result = {
        "success": False,
        "operations": [
            {
                "step": 1,
                "name": "Resolve\x1b[8m URL",
                "success": True,
                "result": "https://x.example.com/\x9b1m",
            },
            {
                "step": 2,
                "name": "Execute",
                "success": False,
                "error": {"message": "remote said \x1b[5mno", "code": "remote.error", "status": 502},
            },
        ],
    }
    mock.post(TEST_URL).mock(return_value=httpx.Response(200, json=result))
    async with Session.create(make_options()) as s:
        run = await run_test(s.api, CONTRACT, {})
    assert (
        run.steps[0].name == "Resolve\\x1b[8m URL" and run.steps[0].detail == "https://x.example.com/\\x9b1m"
    )
    assert run.steps[1].detail == "502 remote.error: remote said \\x1b[5mno"
    assert run.error == "step 2 (Execute) failed: 502 remote.error: remote said \\x1b[5mno"


async def test_elapsed_runs_from_the_send_and_the_read_waits_past_the_timeout(mock: respx.MockRouter) -> None:
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"success": True, "operations": [], "finalResult": None})

    mock.post(TEST_URL).mock(side_effect=answer)
    ticks = iter([100.0, 105.0, 105.25])  # called, sent (after login and limits), answered
    async with Session.create(make_options()) as s:
        run = await run_test(s.api, CONTRACT, {}, clock=lambda: next(ticks))
    assert run.success and run.elapsed_ms == pytest.approx(250.0)
    assert seen[0]["read"] == 60.0  # 45 s action timeout + 15 s margin, above the client's 30 s


async def test_a_401_propagates_instead_of_becoming_a_failed_run(mock: respx.MockRouter) -> None:
    route = mock.post(TEST_URL).mock(
        return_value=httpx.Response(
            401, json=error_body(401, "bad.credentials", "Invalid login credentials.")
        )
    )
    async with Session.create(make_options()) as s:
        with pytest.raises(AuthenticationError):
            await run_test(s.api, CONTRACT, {})
    assert route.call_count == AUTH_RETRIES + 1  # resent with fresh tokens, then the error


async def test_a_dropped_link_is_a_failed_run(mock: respx.MockRouter) -> None:
    mock.post(TEST_URL).mock(side_effect=httpx.ReadTimeout("timed out"))
    async with Session.create(make_options()) as s:
        run = await run_test(s.api, CONTRACT, {})
    assert not run.success and run.error is not None
    assert run.error.startswith("POST /api/v2/integrations/actions/a1/test: no answer in time (read timeout)")
