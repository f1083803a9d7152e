"""Control routes for Architect flows and dependency tracking (loopback, no auth; JSON bodies).

- ``GET``/``PUT /sim/control/flows/build``: ``{status, buildSeconds, postStatus}``; ``status`` (one
  of the seven ``DependencyStatus.status`` values) is what ``GET …/build`` reports while no rebuild
  runs, and setting it cancels a running one; ``buildSeconds`` (0-3600) is how long a ``POST
  …/build`` rebuild stays BUILDINPROGRESS before it turns OPERATIONAL; ``postStatus`` (202 or 204)
  what that POST answers. A PUT changes only the fields it names and answers all of them.
- ``GET``/``DELETE /sim/control/flows/requests``: the dependency-tracking request counters
  ``{total, flowListings, byEndpoint: {endpoint: n}, flows: {flowId: {total, consumedresources,
  consumingresources, object, versions: {versionId: n}}}}`` / reset them.
- ``POST /sim/control/flows/{flowId}/republish`` with an optional body ``{consumed: [ids],
  add: [ids], remove: [ids]}``: publish the next version of the flow (see
  :func:`gctui.sim.flows_deps.republish`); answers ``{id, version, previousVersion}``.
- ``POST /sim/control/flows/republish`` ``{ids: [...]}`` or ``{count: N}`` (N published flows
  drawn from the seed): republish each unchanged; answers ``{republished: [{id, version,
  previousVersion}]}``.

A bad body is a 400 ``bad.request`` ErrorBody naming the field; an unknown flow a 404.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim import flows_deps as deps
from gctui.sim.config import DEPENDENCY_BUILD_POST_STATUSES, DEPENDENCY_BUILD_STATUSES, MAX_BUILD_SECONDS
from gctui.sim.errors import bad_request, not_found
from gctui.sim.fields import choice_field, int_field, number_field, reject_unknown, shown
from gctui.sim.http import Json, runtime

MAX_IDS = 100_000


async def _optional_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise bad_request(f"Unable to parse the request body as JSON: {exc}", "body") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object", "body")
    return body


def _ids(body: dict[str, Any], name: str) -> list[str] | None:
    if name not in body:
        return None
    value = body[name]
    if (
        not isinstance(value, list)
        or len(value) > MAX_IDS
        or not all(isinstance(x, str) and x for x in value)
    ):
        raise bad_request(
            f"{name} must be a list of at most {MAX_IDS} non-empty id strings (got {shown(value)})", name
        )
    return value


async def build(request: Request) -> Response:
    state = runtime(request).org.flow_state
    if request.method == "GET":
        return Json(state.settings())
    body = await _optional_object(request)
    reject_unknown(body, ("status", "buildSeconds", "postStatus"))
    status = choice_field(body, "status", DEPENDENCY_BUILD_STATUSES) if "status" in body else None
    seconds = number_field(body, "buildSeconds", 0, MAX_BUILD_SECONDS) if "buildSeconds" in body else None
    post = None
    if "postStatus" in body:
        post = body["postStatus"]
        if post not in DEPENDENCY_BUILD_POST_STATUSES or isinstance(post, bool):
            raise bad_request(f"postStatus must be 202 or 204 (got {shown(post)})", "postStatus")
    return Json(state.update(status, seconds, post))


async def requests(request: Request) -> Response:
    state = runtime(request).org.flow_state
    if request.method == "DELETE":
        state.clear_requests()
        return Response(status_code=204)
    return Json(state.requests())


def _republish(org: Any, flow_id: str, **changes: Any) -> dict[str, Any]:
    if flow_id not in org.flow_by_id:
        raise not_found(f"Flow {flow_id}")
    try:
        return deps.republish(org, flow_id, **changes)
    except ValueError as exc:
        raise bad_request(str(exc)) from None


async def republish_one(request: Request) -> Response:
    org = runtime(request).org
    body = await _optional_object(request)
    reject_unknown(body, ("consumed", "add", "remove"))
    changes = {
        "consumed": _ids(body, "consumed"),
        "add": _ids(body, "add") or (),
        "remove": _ids(body, "remove") or (),
    }
    return Json(_republish(org, request.path_params["flow_id"], **changes))


async def republish_many(request: Request) -> Response:
    org = runtime(request).org
    body = await _optional_object(request)
    reject_unknown(body, ("ids", "count"))
    if ("ids" in body) == ("count" in body):
        raise bad_request("give exactly one of ids (a list of flow ids) and count (a number of flows)", "ids")
    ids = _ids(body, "ids")
    if ids is None:
        count = int_field(body, "count", 1, MAX_IDS)
        assert count is not None
        ids = deps.pick_published(org, count)
    missing = [i for i in ids if i not in org.flow_by_id]
    if missing:
        raise not_found(f"Flow {missing[0]}")
    return Json({"republished": [_republish(org, i) for i in dict.fromkeys(ids)]})


C = "/sim/control/flows"
ROUTES = [
    Route(f"{C}/build", build, methods=["GET", "PUT"]),
    Route(f"{C}/requests", requests, methods=["GET", "DELETE"]),
    Route(f"{C}/republish", republish_many, methods=["POST"]),
    Route(f"{C}/{{flow_id}}/republish", republish_one, methods=["POST"]),
]
