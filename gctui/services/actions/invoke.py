"""Test invocation of a data action: its contract, an example input, local validation, one /test.

Plain Python (no Textual, no Rich): the ``x`` dialog of the Data actions tab and
``gctui actions test ID --input JSON|@file`` are thin views over it::

    contract = await load_contract(session.api, action_id, settings.platform_default_timeout)
    text = pretty_json(skeleton(contract.input_schema))       # the editor's first content
    inputs = prepare(contract.input_schema, text)              # InputError: .message, .errors, .position
    run = await run_test(session.api, contract, inputs)        # never raises for an API answer
    run.success, run.summary(), run.steps, run.final_result, run.near_timeout

Validation uses the JSON Schema draft the schema's ``$schema`` names (Draft 7 when it names none
or one jsonschema does not know); ``format`` is an annotation only, as in jsonschema's default,
since what the platform checks of it is unverified. Nothing here resolves a remote ``$ref``.

What :func:`run_test` raises instead of returning a failed run: :class:`~gctui.genesys.errors.
ReadOnlyError` (a read-only session refuses ``POST …/test`` before anything leaves: a test runs
the action's backend, so it is not a read), :class:`~gctui.genesys.errors.AuthError` (no token:
bad credentials, login host down, breaker open), :class:`~gctui.genesys.errors.
AuthenticationError` (401 even with a fresh token) and :class:`~gctui.genesys.errors.
ConfigurationError`. Every other API answer (400 input refused, 403, 404, 429, 5xx, a body of
the wrong shape) and a link failure (timeout, reset) is a failed :class:`TestRun` whose ``error``
is one cleaned line with the correlation id.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gctui.errors import EXIT_USAGE, GctuiError
from gctui.genesys.api import GenesysApi
from gctui.genesys.errors import ApiError, AuthenticationError, TransportError
from gctui.genesys.models import Action, TestExecutionResult
from gctui.genesys.models.errors import ErrorBody
from gctui.text import clean

NEAR_TIMEOUT = 0.8  # a run that took at least this share of its timeout is shown as at risk
# The platform answers a /test after at most the action's timeout; the HTTP read waits that long
# plus this margin (and never less than the client's own request timeout).
ANSWER_MARGIN_S = 15.0
MAX_MESSAGE = 240  # characters of one validation message (jsonschema quotes whole values)
MAX_DEPTH = 32  # nesting followed by skeleton(): deeper parts are left as null
# What json.dumps leaves raw inside strings but a terminal must not receive (C1, DEL, bidi).
_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TYPE_EXAMPLES: dict[str, object] = {"string": "", "boolean": False, "null": None}


class InputError(GctuiError):
    """The test input cannot be sent: not JSON, not an object, or not what the schema asks.

    ``message`` is one line to act on; ``errors`` lists every problem ("PATH: message");
    ``position`` is the (line, column) of a JSON syntax error, both 1-based."""

    def __init__(self, message: str, errors: list[str], *, position: tuple[int, int] | None = None) -> None:
        super().__init__(message, EXIT_USAGE)
        self.errors = errors
        self.position = position


# -- JSON text ---------------------------------------------------------------------------------


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> object:
    """The JSON value ``text`` holds; :class:`InputError` with line and column when it is not
    JSON (NaN and Infinity are not JSON either), and for empty text."""
    if not text.strip():
        message = "no input: enter a JSON object ({} when the action takes no input)"
        raise InputError(message, [message])
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise InputError(message, [message], position=(exc.lineno, exc.colno)) from None
    except ValueError as exc:  # parse_constant
        message = f"invalid JSON: {exc}"
        raise InputError(message, [message]) from None
    except RecursionError:
        message = "invalid input: the JSON is nested too deeply"
        raise InputError(message, [message]) from None


def pretty_json(value: object) -> str:
    """``value`` as indented JSON that is safe on a terminal: non-ASCII text stays readable, the
    characters a terminal could act on are written as ``\\uXXXX`` escapes (still valid JSON)."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _one_line(value: object) -> str:
    if isinstance(value, str):
        return clean(value)
    return clean(json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str))


# -- the example input --------------------------------------------------------------------------


def skeleton(schema: Mapping[str, Any] | None) -> object:
    """An example input for ``schema``: its required properties (and optional ones that have a
    ``default``), each from its ``const``, ``default``, first ``examples`` or ``enum`` value,
    else by type: "" for string, 0 for integer and number (moved into ``minimum``/``maximum``),
    false, [] (or ``minItems`` example items), objects recursively. Local ``$ref``s
    (``#/definitions/…``) are followed; an untyped value is null. No schema gives {}."""
    if not schema or not isinstance(schema, Mapping):
        return {}
    value = _example(schema, schema, 0)
    return {} if value is None and _type_of(schema) is None else value


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any] | None:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    if not ref.startswith("#"):
        return None  # a remote reference is never fetched
    target: Any = root
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        target = target.get(part) if isinstance(target, Mapping) else None
    return target if isinstance(target, Mapping) else None


def _merged(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with its ``allOf`` parts merged in and the first ``anyOf``/``oneOf`` branch."""
    out: dict[str, Any] = dict(node)
    all_of = node.get("allOf")
    parts: list[Any] = list(all_of) if isinstance(all_of, list) else []
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list) and branches:
            parts.append(branches[0])
    for part in parts:
        sub = _resolve(part, root) if isinstance(part, Mapping) else None
        if sub is None:
            continue
        props = {**_mapping(sub.get("properties")), **_mapping(out.get("properties"))}
        required = [*_names(out.get("required")), *_names(sub.get("required"))]
        out = {**sub, **out, "properties": props, "required": list(dict.fromkeys(required))}
    return out


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _names(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _type_of(node: Mapping[str, Any]) -> str | None:
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
    if isinstance(declared, str):
        return declared
    if "properties" in node or "required" in node:
        return "object"
    if "items" in node:
        return "array"
    return None


def _number(node: Mapping[str, Any], integer: bool) -> int | float:
    low, high = node.get("minimum"), node.get("maximum")
    value: int | float = 0
    if isinstance(low, int | float) and not isinstance(low, bool) and low > value:
        value = low
    if isinstance(high, int | float) and not isinstance(high, bool) and high < value:
        value = high
    return int(value) if integer and float(value).is_integer() else value


def _example(raw: Mapping[str, Any], root: Mapping[str, Any], depth: int) -> object:
    node = _resolve(raw, root)
    if node is None or depth > MAX_DEPTH:
        return None
    node = _merged(node, root)
    for key in ("const", "default"):
        if key in node:
            return node[key]
    for key in ("examples", "enum"):
        values = node.get(key)
        if isinstance(values, list) and values:
            return values[0]
    kind = _type_of(node)
    if kind == "object":
        return _object(node, root, depth)
    if kind == "array":
        items = node.get("items")
        count = node.get("minItems")
        if isinstance(items, Mapping) and isinstance(count, int) and not isinstance(count, bool):
            return [_example(items, root, depth + 1) for _ in range(min(count, 10))]
        return []
    if kind in ("integer", "number"):
        return _number(node, kind == "integer")
    return _TYPE_EXAMPLES.get(kind or "null")


def _object(node: Mapping[str, Any], root: Mapping[str, Any], depth: int) -> dict[str, Any]:
    props = _mapping(node.get("properties"))
    wanted = _names(node.get("required"))
    wanted += [n for n, p in props.items() if n not in wanted and isinstance(p, Mapping) and "default" in p]
    out: dict[str, Any] = {}
    for name in wanted:
        spec = props.get(name)
        out[name] = _example(spec, root, depth + 1) if isinstance(spec, Mapping) else None
    return out


# -- validation ---------------------------------------------------------------------------------


def _pointer(path: Iterable[object]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts)


def _sort_key(path: Iterable[object]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


def _short(text: str) -> str:
    text = clean(text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _validator_class(schema: Mapping[str, Any], validators: Any) -> Any:
    if isinstance(schema.get("$schema"), str):
        return validators.validator_for(schema, default=validators.Draft7Validator)
    return validators.Draft7Validator


def input_errors(schema: Mapping[str, Any] | None, value: object) -> list[str]:
    """Every way ``value`` breaks ``schema``, as "PATH: message" (PATH a JSON pointer, "/" for the
    root), sorted by path. No schema: []. A schema that is not valid JSON Schema gives one error
    saying so (the action's contract is broken, not the input)."""
    if schema is None:
        return []
    if not isinstance(schema, Mapping):
        return [f"/: the action's input schema is not a JSON object ({type(schema).__name__})"]
    import jsonschema  # type: ignore[import-untyped]  # lazily: ~60 ms to import

    try:
        cls = _validator_class(schema, jsonschema.validators)
        cls.check_schema(schema)
        found = list(cls(schema).iter_errors(value))
    except jsonschema.exceptions.SchemaError as exc:
        where = _pointer(exc.absolute_path)
        return [f"{where}: the action's input schema is not valid JSON Schema: {_short(exc.message)}"]
    except Exception as exc:  # an unresolvable $ref, a pattern the regex engine refuses, …
        return [f"/: the action's input schema cannot be checked: {_short(str(exc))}"]
    keyed = {(_pointer(e.absolute_path), _short(e.message)): _sort_key(e.absolute_path) for e in found}
    ordered = sorted(keyed, key=lambda k: (keyed[k], k[1]))
    return [f"{path}: {message}" for path, message in ordered]


def prepare(schema: Mapping[str, Any] | None, text: str) -> dict[str, Any]:
    """The body of ``POST …/test``: ``text`` parsed and checked against ``schema``.
    :class:`InputError` (with every problem) when it is not JSON, not an object or not valid."""
    value = parse_json(text)
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
        message = f"the input must be a JSON object of input values, not {'null' if value is None else kind}"
        raise InputError(message, [f"/: {message}"])
    errors = input_errors(schema, value)
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"input does not match the action's schema: {errors[0]}{more}", errors)
    return value


# -- the contract -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    """What a test needs to know about an action. ``timeout_seconds`` is the effective timeout:
    the action's ``config.timeoutSeconds`` or, when it has none, the platform default."""

    action_id: str
    name: str
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    timeout_seconds: int
    timeout_is_default: bool


def _schema(part: dict[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    for key in keys:
        value = (part or {}).get(key)
        if isinstance(value, dict):
            return value
    return None


def contract_of(action: Action, platform_default: int) -> Contract:
    contract = action.contract
    configured = action.config.timeout_seconds if action.config is not None else None
    return Contract(
        action_id=action.id,
        name=clean(action.name),
        input_schema=_schema(contract.input if contract else None, "inputSchema", "inputSchemaFlattened"),
        output_schema=_schema(
            contract.output if contract else None, "successSchema", "successSchemaFlattened"
        ),
        timeout_seconds=configured if configured is not None else platform_default,
        timeout_is_default=configured is None,
    )


async def load_contract(api: GenesysApi, action_id: str, platform_default: int) -> Contract:
    """``GET …/actions/{id}?expand=contract&includeConfig=true``, as a :class:`Contract`.
    Raises the client's errors (404 :class:`~gctui.genesys.errors.NotFoundError`, …)."""
    return contract_of(await api.action_with_contract(action_id), platform_default)


# -- one test run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One operation of a test: ``detail`` is its result, or its error when it failed (cleaned,
    one line)."""

    index: int
    name: str
    success: bool
    detail: str


@dataclass(frozen=True)
class TestRun:
    """The outcome of one ``POST …/test``. ``error`` is one cleaned line with the correlation id;
    ``elapsed_ms`` runs from when the request left (after any wait for a token or the rate
    budget) to its answer."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    success: bool
    steps: tuple[Step, ...]
    final_result: object | None
    error: str | None
    elapsed_ms: float
    timeout_seconds: int
    timeout_is_default: bool = False

    @property
    def near_timeout(self) -> bool:
        """The run took at least 80 % of the action's timeout (or more than all of it)."""
        return self.elapsed_ms >= NEAR_TIMEOUT * self.timeout_seconds * 1000

    @property
    def elapsed_text(self) -> str:
        return f"{self.elapsed_ms:,.0f} ms"

    @property
    def timeout_text(self) -> str:
        default = " (platform default)" if self.timeout_is_default else ""
        return f"{self.timeout_seconds} s{default}"

    def summary(self) -> str:
        """'ok in 812 ms of 10 s', 'failed in 10,003 ms of 10 s: 408 request.timeout: …'."""
        head = f"{'ok' if self.success else 'failed'} in {self.elapsed_text} of {self.timeout_text}"
        return f"{head}: {self.error}" if self.error else head


def describe_error(body: ErrorBody) -> str:
    """An ErrorBody as one cleaned line: 'STATUS CODE: message (correlation id …)'."""
    status = f"{body.status} " if body.status is not None else ""
    code = clean(body.code) if body.code else ""
    head = f"{status}{code}".strip()
    message = clean(body.message or body.message_with_params or "error")
    corr = f" (correlation id {clean(body.context_id)})" if body.context_id else ""
    return f"{head}: {message}{corr}" if head else f"{message}{corr}"


def _api_error_text(exc: ApiError) -> str:
    fields = [clean(d.get("fieldName")) for d in exc.details if d.get("fieldName")]
    named = [f for f in dict.fromkeys(fields) if f not in exc.message]
    field = f" (field {', '.join(named)})" if named else ""
    code = f" {exc.code}" if exc.code else ""
    corr = f" (correlation id {exc.context_id})" if exc.context_id else ""
    return f"{exc.status}{code}: {exc.message}{field}{corr}"


def _steps(result: TestExecutionResult) -> tuple[Step, ...]:
    steps = []
    for i, op in enumerate(result.operations, start=1):
        ok = op.success is True
        if op.error is not None and not ok:
            detail = describe_error(op.error)
        else:
            detail = "" if op.result is None else _one_line(op.result)
        steps.append(Step(op.step if op.step is not None else i, clean(op.name or "(unnamed)"), ok, detail))
    return tuple(steps)


def as_test_run(result: TestExecutionResult, elapsed_ms: float, contract: Contract) -> TestRun:
    """A ``TestExecutionResult`` as a :class:`TestRun`. Without a ``success`` flag a run
    succeeded when it reports no error and no failed step."""
    steps = _steps(result)
    failed = next((s for s in steps if not s.success), None)
    if result.success is not None:
        success = result.success
    else:
        success = result.error is None and failed is None
    error = None
    if result.error is not None:
        error = describe_error(result.error)
    elif not success:
        error = (
            f"step {failed.index} ({failed.name}) failed: {failed.detail}" if failed else "the test failed"
        )
    return TestRun(
        success=success,
        steps=steps,
        final_result=result.final_result,
        error=error,
        elapsed_ms=elapsed_ms,
        timeout_seconds=contract.timeout_seconds,
        timeout_is_default=contract.timeout_is_default,
    )


def _failed(contract: Contract, error: str, elapsed_ms: float) -> TestRun:
    return TestRun(False, (), None, error, elapsed_ms, contract.timeout_seconds, contract.timeout_is_default)


async def run_test(
    api: GenesysApi,
    contract: Contract,
    inputs: dict[str, Any],
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> TestRun:
    """``POST …/actions/{id}/test`` with ``inputs`` (send :func:`prepare`'s result). An answer
    of the API, or a link failure, is a :class:`TestRun` (failed with its error); see the module
    docstring for the errors that propagate instead (read-only refusal, authentication)."""
    wait = max(api.client.options.request_timeout, contract.timeout_seconds + ANSWER_MARGIN_S)
    sent = [clock()]

    def on_sent() -> None:
        sent[0] = clock()  # the last send counts (a 429 is retried after its Retry-After)

    try:
        result = await api.test_action(contract.action_id, inputs, request_timeout=wait, on_sent=on_sent)
    except AuthenticationError:
        raise
    except ApiError as exc:
        return _failed(contract, _api_error_text(exc), (clock() - sent[0]) * 1000)
    except TransportError as exc:
        return _failed(contract, str(exc), (clock() - sent[0]) * 1000)
    return as_test_run(result, (clock() - sent[0]) * 1000, contract)
