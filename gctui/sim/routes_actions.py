"""Data actions: list/get (``includeConfig``), PATCH with optimistic ``version``, test and execute."""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.actions_exec import final_result, invoke, outcome_error, test_result
from gctui.sim.errors import ApiError, bad_request
from gctui.sim.gen_actions import public_action
from gctui.sim.http import Json, by_id, json_body, json_object, require, runtime
from gctui.sim.paging import bool_param, listing
from gctui.sim.persist import save_state

MAX_IDS = 50


async def list_actions(request: Request) -> Response:
    org = runtime(request).org
    q = request.query_params
    items: list[dict[str, Any]] = org.actions
    if ids := q.get("ids"):
        wanted = [i.strip() for i in ids.split(",") if i.strip()]
        if len(wanted) > MAX_IDS:
            raise bad_request(f"ids accepts at most {MAX_IDS} ids", "ids")
        items = [org.action_by_id[i] for i in wanted if i in org.action_by_id]
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
    if sort_by := q.get("sortBy"):
        if sort_by not in ("name", "category", "id", "version", "integrationId"):
            raise bad_request(f"sortBy {sort_by!r} is not a sortable field", "sortBy")
        items = sorted(items, key=lambda a: a[sort_by], reverse=q.get("sortOrder", "asc").lower() == "desc")
    include = bool_param(request, "includeConfig")
    return Json(listing(request, items, lambda a: public_action(a, include)))


def _action(request: Request) -> dict[str, Any]:
    action: dict[str, Any] = by_id(request, runtime(request).org.action_by_id, "action_id", "Action")
    return action


async def get_action(request: Request) -> Response:
    return Json(public_action(_action(request), bool_param(request, "includeConfig")))


def _validated_config(current: dict[str, Any], patch: Any) -> dict[str, Any]:
    if not isinstance(patch, dict):
        raise bad_request("config must be an object", "config")
    merged = copy.deepcopy(current)
    for key, value in patch.items():
        if key == "timeoutSeconds":
            if value is None:
                merged.pop(key, None)
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
                raise bad_request(
                    f"config.timeoutSeconds must be an integer between 1 and 60 seconds, got {value!r}",
                    "config.timeoutSeconds",
                    code="invalid.value",
                )
            merged[key] = value
        elif key in ("request", "response"):
            if not isinstance(value, dict):
                raise bad_request(f"config.{key} must be an object", f"config.{key}")
            merged[key] = {**merged.get(key, {}), **value}
        else:
            raise bad_request(f"config.{key} is not a field of ActionConfig", f"config.{key}")
    return merged


async def patch_action(request: Request) -> Response:
    rt = runtime(request)
    require(request, "integrations:action:edit")
    action = _action(request)
    body = await json_object(request)
    version = body.get("version")
    if version is None:
        raise bad_request("version is required", "version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise bad_request("version must be an integer", "version")
    for key in ("name", "category"):
        if key in body and (not isinstance(body[key], str) or not body[key] or len(body[key]) > 256):
            raise bad_request(f"{key} must be a non-empty string of at most 256 characters", key)
    config = _validated_config(action.get("config", {}), body["config"]) if "config" in body else None
    with rt.org.lock:
        if version != action["version"]:
            raise ApiError(
                409,
                "general.conflict",
                f"The version supplied ({version}) does not match the current version "
                f"({action['version']}) of action {action['id']}",
                field="version",
            )
        if config is not None:
            action["config"] = config
        for key in ("name", "category"):
            if key in body:
                action[key] = body[key]
        action["version"] += 1
        snapshot = {k: action[k] for k in ("name", "category", "config", "version")}
    if rt.config.state_path is not None:
        save_state(rt.org, rt.config.state_path, {action["id"]: snapshot})
    return Json(public_action(action, True))


async def _run_action(request: Request) -> tuple[Any, dict[str, Any], Any]:
    """Shared by /test and /execute: permission, action, a JSON-object input, one invocation."""
    rt = runtime(request)
    require(request, "integrations:action:execute")
    action = _action(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object of input values", "body")
    return rt, action, await invoke(rt, action)


async def test_action(request: Request) -> Response:
    rt, action, out = await _run_action(request)
    return Json(test_result(rt, action, out, request.state.correlation_id))


async def execute_action(request: Request) -> Response:
    rt, action, out = await _run_action(request)
    err = outcome_error(rt, out, request.state.correlation_id)
    if err is not None:
        raise ApiError(err["status"], err["code"], err["message"])
    return Json(final_result(action))


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
