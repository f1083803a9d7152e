"""Data actions: list/get, PATCH with optimistic ``version``, test and execute.

Reads: ``config`` only with ``includeConfig=true``; ``contract`` only on GET one with
``expand=contract`` (``flatten=true`` gives ``inputSchemaFlattened``); listings filter on ``ids``
(at most 50), ``category``, ``name`` (case-insensitive part), ``secure``. Reads may be stale
for a while after a PATCH when a test asks for it (see :mod:`gctui.sim.action_state`).

PATCH (``UpdateActionInput``: ``name``, ``category``, ``config``, ``version``): ``version`` is
required and must be the current one (else 409, or 400 by setting). ``config`` is merged into
the current config by default (``timeoutSeconds`` replaced, ``null`` removes it; ``request`` and
``response`` merged one level deep) or, with ``configPatch: "replace"``, becomes the new config
(then ``request`` and ``response`` are required). ``contract``/``secure`` cannot be PATCHed.

/test and /execute check the input against ``contract.input.inputSchema`` (400 naming the field).
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.actions_exec import final_result, invoke, outcome_error, test_result
from gctui.sim.errors import ApiError, bad_request
from gctui.sim.fields import shown
from gctui.sim.gen_actions import public_action
from gctui.sim.http import Json, by_id, json_body, json_object, require, runtime
from gctui.sim.paging import bool_param, listing
from gctui.sim.persist import save_state
from gctui.sim.schema_check import first_violation

MAX_IDS = 50
EXPANDABLE = frozenset(("contract",))
PATCH_FIELDS = ("name", "category", "config", "version")
CONFIG_FIELDS = ("timeoutSeconds", "request", "response")
SORTABLE = ("name", "category", "id", "version", "integrationId")


async def list_actions(request: Request) -> Response:
    rt = runtime(request)
    org = rt.org
    q = request.query_params
    items: list[dict[str, Any]] = org.actions
    stale = rt.actions.read_view()
    if stale:
        items = [stale.get(a["id"], a) for a in items]
    if ids := q.get("ids"):
        wanted = list(dict.fromkeys(i.strip() for i in ids.split(",") if i.strip()))
        if len(wanted) > MAX_IDS:
            raise bad_request(f"ids accepts at most {MAX_IDS} ids (got {len(wanted)})", "ids")
        items = [stale.get(i) or org.action_by_id[i] for i in wanted if i in org.action_by_id]
    if cat := q.get("category"):
        items = [a for a in items if a["category"] == cat]
    if name := q.get("name"):
        needle = name.lower()
        items = [a for a in items if needle in a["name"].lower()]
    secure = q.get("secure")
    if secure in ("true", "false"):
        items = [a for a in items if a["secure"] == (secure == "true")]
    elif secure:
        raise bad_request("secure must be 'true' or 'false'", "secure")
    bool_param(request, "includeAuthActions")  # checked; the simulated org has no auth actions
    if sort_by := q.get("sortBy"):
        if sort_by not in SORTABLE:
            raise bad_request(f"sortBy {sort_by!r} is not a sortable field", "sortBy")
        items = sorted(items, key=lambda a: a[sort_by], reverse=q.get("sortOrder", "asc").lower() == "desc")
    include = bool_param(request, "includeConfig")
    contract = rt.config.list_includes_contract
    return Json(listing(request, items, lambda a: public_action(a, include, contract)))


def _action(request: Request) -> dict[str, Any]:
    action: dict[str, Any] = by_id(request, runtime(request).org.action_by_id, "action_id", "Action")
    return action


async def get_action(request: Request) -> Response:
    rt = runtime(request)
    action = _action(request)
    expand = {e.strip() for e in request.query_params.get("expand", "").split(",") if e.strip()}
    if expand - EXPANDABLE:
        bad = sorted(expand - EXPANDABLE)[0]
        allowed = ", ".join(sorted(EXPANDABLE))
        raise bad_request(f"expand {bad!r} is not supported; allowed: {allowed}", "expand")
    include, flatten = bool_param(request, "includeConfig"), bool_param(request, "flatten")
    view = rt.actions.read_one(action["id"]) or action
    return Json(public_action(view, include, "contract" in expand, flatten))


def _check_timeout(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
        raise bad_request(
            f"config.timeoutSeconds must be an integer between 1 and 60 seconds, got {shown(value)}",
            "config.timeoutSeconds",
            code="invalid.value",
        )


def _new_config(current: dict[str, Any], patch: Any, mode: str) -> dict[str, Any]:
    """The config after the PATCH: ``patch`` merged into ``current``, or replacing it."""
    if not isinstance(patch, dict):
        raise bad_request("config must be an object", "config")
    for key, value in patch.items():
        if key not in CONFIG_FIELDS:
            allowed = ", ".join(CONFIG_FIELDS)
            raise bad_request(
                f"config.{key} is not a field of ActionConfig (allowed: {allowed})", f"config.{key}"
            )
        if key == "timeoutSeconds":
            if not (value is None and mode == "merge"):
                _check_timeout(value)
        elif not isinstance(value, dict):
            raise bad_request(f"config.{key} must be an object", f"config.{key}")
    if mode == "replace":
        for key in ("request", "response"):
            if key not in patch:
                raise bad_request(
                    f"config.{key} is required: a PATCHed config replaces the action's whole config",
                    f"config.{key}",
                )
        return copy.deepcopy(patch)
    merged = copy.deepcopy(current)
    for key, value in patch.items():
        if key != "timeoutSeconds":
            merged[key] = {**merged.get(key, {}), **copy.deepcopy(value)}
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _check_patch_body(body: dict[str, Any]) -> int:
    """Refuse fields UpdateActionInput does not have; return the (required) ``version``."""
    for key in body:
        if key in ("contract", "secure"):
            raise bad_request(
                f"{key} cannot be changed by PATCH on a published action: create a draft, "
                "PATCH the draft and publish it",
                key,
            )
        if key not in PATCH_FIELDS:
            allowed = ", ".join(PATCH_FIELDS)
            raise bad_request(f"{key} is not a field of UpdateActionInput (allowed: {allowed})", key)
    version = body.get("version")
    if version is None:
        raise bad_request("version is required: send the action's current version", "version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise bad_request(f"version must be an integer (got {shown(version)})", "version")
    for key in ("name", "category"):
        if key in body and (not isinstance(body[key], str) or not body[key] or len(body[key]) > 256):
            raise bad_request(f"{key} must be a non-empty string of at most 256 characters", key)
    return version


async def patch_action(request: Request) -> Response:
    rt = runtime(request)
    require(request, "integrations:action:edit")
    action = _action(request)
    body = await json_object(request)
    version = _check_patch_body(body)
    settings = rt.actions.settings
    config = None
    if "config" in body:
        config = _new_config(action.get("config", {}), body["config"], settings.config_patch)
    with rt.org.lock:
        if version != action["version"]:
            rt.actions.conflict(action["id"])
            raise ApiError(
                settings.version_mismatch_status,
                settings.version_mismatch_code,
                f"The version supplied ({version}) does not match the current version "
                f"({action['version']}) of action {action['id']}",
                field="version",
            )
        before = copy.deepcopy(action)
        if config is not None:
            action["config"] = config
        for key in ("name", "category"):
            if key in body:
                action[key] = body[key]
        action["version"] += 1
        changed = [k for k in ("name", "category", "config") if before.get(k) != action.get(k)]
        rt.actions.applied(before, action, changed, request.state.correlation_id)
        snapshot = copy.deepcopy({k: action[k] for k in ("name", "category", "config", "version")})
    if rt.config.state_path is not None:
        save_state(rt.org, rt.config.state_path, {action["id"]: snapshot})
    return Json(public_action(action, True))


async def _run_action(request: Request) -> tuple[Any, dict[str, Any], dict[str, Any], Any]:
    """Shared by /test and /execute: permission, action, input checked against its schema, one run."""
    rt = runtime(request)
    require(request, "integrations:action:execute")
    action = _action(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object of input values", "body")
    problem = first_violation(action["contract"]["input"]["inputSchema"], body)
    if problem is not None:
        field, message = problem
        raise bad_request(
            f"The input does not match the action's input schema: {message}",
            field,
            code=rt.config.action_input_invalid_code,
        )
    return rt, action, body, await invoke(rt, action)


async def test_action(request: Request) -> Response:
    rt, action, body, out = await _run_action(request)
    return Json(test_result(rt, action, body, out, request.state.correlation_id))


async def execute_action(request: Request) -> Response:
    rt, action, body, out = await _run_action(request)
    err = outcome_error(rt, out, request.state.correlation_id)
    if err is not None:
        raise ApiError(err["status"], err["code"], err["message"])
    return Json(final_result(action, body))


async def list_categories(request: Request) -> Response:
    org = runtime(request).org
    cats = sorted({a["category"] for a in org.actions})
    return Json(
        listing(
            request,
            [{"id": c, "name": c, "selfUri": "/api/v2/integrations/actions/categories"} for c in cats],
        )
    )


A = "/api/v2/integrations/actions"
ROUTES = [
    Route(A, list_actions, methods=["GET"]),
    Route(f"{A}/categories", list_categories, methods=["GET"]),
    Route(f"{A}/{{action_id}}", get_action, methods=["GET"]),
    Route(f"{A}/{{action_id}}", patch_action, methods=["PATCH"]),
    Route(f"{A}/{{action_id}}/test", test_action, methods=["POST"]),
    Route(f"{A}/{{action_id}}/execute", execute_action, methods=["POST"]),
]
