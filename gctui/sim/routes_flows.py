"""Architect flows and dependency tracking (reference §5c), all read from one dependency graph
(:mod:`gctui.sim.flows_deps`).

- ``GET /api/v2/flows`` (``type``, ``id``, ``name``, ``deleted``, ``sortBy``/``sortOrder``, paging),
  ``GET /api/v2/flows/{flowId}``.
- ``GET …/dependencytracking/consumedresources?id=&version=&objectType=`` (all required; only
  versioned types; ``resourceType`` filters): what that version of the flow consumes.
- ``GET …/consumingresources?id=&objectType=`` (``resourceType``: versioned types only,
  ``version``: of the consumed object, for flows the callers bound to it, ``flowFilter``:
  ``published`` or ``checkedIn``): the flows that consume it.
- ``GET …/deletedresourceconsumers`` (``name, objectType, flowFilter, consumedResources,
  consumedResourceType``) and ``…/updatedresourceconsumers`` (the same without ``flowFilter``):
  flows consuming deleted objects, and flows bound to an older version of a flow published since;
  with ``consumedResources=true`` each lists those references.
- ``GET …/dependencytracking?name=`` (required; case-insensitive, exact or with ``*`` wildcards;
  ``objectType``, ``consumedResources``, ``consumingResources``, ``consumedResourceType``,
  ``consumingResourceType``) and ``GET …/object?id=`` (``version``, ``objectType``, the same
  include flags).
- ``GET …/types``, ``GET …/types/{typeId}``: ``DependencyType`` ``{id, name, versioned}``.
- ``GET …/build``: ``DependencyStatus``; ``POST …/build`` starts a rebuild (202, or 204 by knob).

List parameters take repeated values or comma-separated ones (the SDK joins lists with commas).
Every dependency-tracking request is counted (per flow id where it names one), see
:mod:`gctui.sim.flows_state`.
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim import flows_deps as deps
from gctui.sim.deps_types import DEPENDENCY_TYPE_SET, DEPENDENCY_TYPES, VERSIONED_TYPES, type_json
from gctui.sim.det import iso
from gctui.sim.errors import ApiError, bad_request, not_found
from gctui.sim.gen_flows import DEP_TYPE
from gctui.sim.http import Json, by_id, runtime
from gctui.sim.org import Org
from gctui.sim.paging import bool_param, listing

ALL_FLOW_TYPES = frozenset(
    (
        "BOT BUSINESSPROCESS COMMONMODULE DIGITALBOT EMAILSEND INBOUNDCALL INBOUNDCHAT INBOUNDEMAIL "
        "INBOUNDSHORTMESSAGE INQUEUECALL INQUEUEEMAIL INQUEUESHORTMESSAGE OUTBOUNDCALL SECURECALL SPEECH "
        "SURVEYINVITE VOICE VOICEMAIL VOICESURVEY WORKFLOW WORKITEM"
    ).split()
)
BUILD_FAILED_CODE = "dependency.resolution.failed"  # FailedObject.errorCode (unverified)


def _org(request: Request) -> Org:
    return runtime(request).org


async def list_flows(request: Request) -> Response:
    org = _org(request)
    org.flow_state.count_listing()
    q = request.query_params
    types = [t.upper() for raw in q.getlist("type") for t in raw.split(",") if t]
    for t in types:
        if t not in ALL_FLOW_TYPES:
            raise bad_request(f"type {t!r} is not a valid flow type", "type")
    items: list[dict[str, Any]] = org.flows
    if types:
        items = [f for t in dict.fromkeys(types) for f in org.flows_by_type.get(t, [])]
    if ids := q.getlist("id"):
        items = [f for f in items if f["id"] in set(ids)]
    if name := q.get("name"):
        needle = name.strip("*").lower()
        items = [f for f in items if needle in f["name"].lower()]
    if bool_param(request, "deleted"):
        items = []
    if sort_by := q.get("sortBy"):
        if sort_by not in ("name", "type", "id", "description"):
            raise bad_request(f"sortBy {sort_by!r} is not supported", "sortBy")
        items = sorted(items, key=lambda f: f[sort_by], reverse=q.get("sortOrder", "asc").lower() == "desc")
    return Json(listing(request, items))


async def get_flow(request: Request) -> Response:
    return Json(by_id(request, _org(request).flow_by_id, "flow_id", "Flow"))


# --- parameters -----------------------------------------------------------------------------------
def _required(request: Request, *names: str) -> list[str]:
    values = []
    for name in names:
        v = request.query_params.get(name)
        if not v:
            raise bad_request(
                f"The query parameter {name} is required", name, code="missing.required.parameter"
            )
        values.append(v)
    return values


def _invalid_type(name: str, value: str) -> ApiError:
    return bad_request(f"{name} {value!r} is not a valid dependency type", name, code="invalid.value")


def _not_versioned(name: str, value: str) -> ApiError:
    return bad_request(
        f"{name} {value!r} is not a versioned type; only versioned types are allowed here",
        name,
        code="invalid.value",
    )


def _object_type(request: Request, name: str = "objectType", *, versioned: bool = False) -> str | None:
    t = request.query_params.get(name)
    if not t:
        return None
    if t.upper() not in DEPENDENCY_TYPE_SET:
        raise _invalid_type(name, t)
    if versioned and t.upper() not in VERSIONED_TYPES:
        raise _not_versioned(name, t)
    return t.upper()


def _types(request: Request, name: str, *, versioned: bool = False) -> set[str]:
    out = {
        t.strip().upper() for raw in request.query_params.getlist(name) for t in raw.split(",") if t.strip()
    }
    for t in sorted(out):
        if t not in DEPENDENCY_TYPE_SET:
            raise _invalid_type(name, t)
        if versioned and t not in VERSIONED_TYPES:
            raise _not_versioned(name, t)
    return out


def _flow_filter(request: Request) -> str | None:
    raw = request.query_params.get("flowFilter")
    if not raw:
        return None
    value = deps.FLOW_FILTERS.get(raw.lower())
    if value is None:
        raise bad_request(f"flowFilter {raw!r} is not supported; allowed: checkedIn, published", "flowFilter")
    return value


def _name_matcher(raw: str) -> Callable[[str], bool]:
    """Case-insensitive: the whole name, or a pattern with ``*`` wildcards."""
    needle = raw.strip().lower()
    if "*" in needle:
        rx = re.compile(fnmatch.translate(needle), re.DOTALL)
        return lambda name: rx.match(name.lower()) is not None
    return lambda name: name.lower() == needle


def _ref(org: Org, obj_id: str, object_type: str | None) -> dict[str, Any]:
    ref = org.dependency_ref(obj_id)
    if ref is None or (object_type is not None and ref["type"] != object_type):
        raise not_found(f"Object {obj_id}" + (f" of type {object_type}" if object_type else ""))
    return ref


def _flow_version(org: Org, flow: dict[str, Any], version: str) -> str:
    if version not in org.flow_versions[flow["id"]]:
        raise not_found(f"Version {version} of {flow['name']}")
    return version


def _count(org: Org, endpoint: str, obj_id: str | None = None, version: str | None = None) -> None:
    flow_id = obj_id if obj_id is not None and obj_id in org.flow_by_id else None
    org.flow_state.count(endpoint, flow_id, version if flow_id is not None else None)


# --- per object -----------------------------------------------------------------------------------
def _consumed_json(org: Org, flow_id: str, version: str, types: set[str]) -> list[dict[str, Any]]:
    return [deps.edge_dependency(org, e) for e in deps.consumed_edges(org, flow_id, version, types)]


def _consuming_json(
    org: Org, obj_id: str, types: set[str], flow_filter: str | None = None, version: str | None = None
) -> list[dict[str, Any]]:
    return [
        deps.flow_dependency(f, vid)
        for f, vid in deps.consumers(org, obj_id, flow_filter, version)
        if not types or DEP_TYPE[f["type"]] in types
    ]


async def consumed_resources(request: Request) -> Response:
    org = _org(request)
    obj_id, version, _ = _required(request, "id", "version", "objectType")
    _count(org, "consumedresources", obj_id, version)
    object_type = _object_type(request, versioned=True)
    types = _types(request, "resourceType")
    ref = _ref(org, obj_id, object_type)
    flow = org.flow_by_id.get(obj_id)  # versioned types are flows
    if flow is None:  # a flow that was deleted: the index keeps no versions of it
        raise not_found(f"Version {version} of {ref['name']}")
    _flow_version(org, flow, version)
    return Json(
        listing(
            request, deps.consumed_edges(org, obj_id, version, types), lambda e: deps.edge_dependency(org, e)
        )
    )


async def consuming_resources(request: Request) -> Response:
    org = _org(request)
    obj_id, _ = _required(request, "id", "objectType")
    _count(org, "consumingresources", obj_id)
    object_type = _object_type(request)
    types = _types(request, "resourceType", versioned=True)
    flow_filter = _flow_filter(request)
    _ref(org, obj_id, object_type)
    version = request.query_params.get("version") or None
    if (flow := org.flow_by_id.get(obj_id)) is not None and version is not None:
        _flow_version(org, flow, version)
    else:
        version = None  # other objects are not versioned in the index: the parameter is ignored
    return Json(listing(request, _consuming_json(org, obj_id, types, flow_filter, version)))


def _object_json(
    request: Request, org: Org, obj_id: str, ref: dict[str, Any], version: str | None = None
) -> dict[str, Any]:
    obj = dict(ref)
    flow = org.flow_by_id.get(obj_id)
    if flow is not None and version is not None:
        obj["version"] = version
    if bool_param(request, "consumedResources"):
        types = _types(request, "consumedResourceType")
        at = obj.get("version")
        obj["consumedResources"] = _consumed_json(org, obj_id, at, types) if flow is not None and at else []
    if bool_param(request, "consumingResources"):
        obj["consumingResources"] = _consuming_json(org, obj_id, _types(request, "consumingResourceType"))
    return obj


async def dependency_object(request: Request) -> Response:
    org = _org(request)
    (obj_id,) = _required(request, "id")
    version = request.query_params.get("version") or None
    _count(org, "object", obj_id, version)
    ref = _ref(org, obj_id, _object_type(request))
    bool_param(request, "consumedResourceRequest")  # accepted (and checked), no effect here
    flow = org.flow_by_id.get(obj_id)
    if flow is not None and version is not None:
        _flow_version(org, flow, version)
    else:
        version = None
    return Json(_object_json(request, org, obj_id, ref, version))


# --- org-wide -------------------------------------------------------------------------------------
async def search(request: Request) -> Response:
    org = _org(request)
    (name,) = _required(request, "name")
    _count(org, "search")
    types = _types(request, "objectType")
    _types(request, "consumedResourceType")
    _types(request, "consumingResourceType")
    bool_param(request, "consumedResources")
    bool_param(request, "consumingResources")
    match = _name_matcher(name)
    hits = [obj_id for obj_id, n, t in deps.all_objects(org) if (not types or t in types) and match(n)]

    def render(obj_id: str) -> dict[str, Any]:
        ref = org.dependency_ref(obj_id)
        assert ref is not None
        return _object_json(request, org, obj_id, ref)

    return Json(listing(request, hits, render))


def _problem_listing(
    request: Request, rows: list[tuple[dict[str, Any], str, list[Any]]], org: Org
) -> dict[str, Any]:
    types = _types(request, "objectType")
    name = request.query_params.get("name")
    match = _name_matcher(name) if name else None
    with_consumed = bool_param(request, "consumedResources")
    kept = [
        r
        for r in rows
        if (not types or DEP_TYPE[r[0]["type"]] in types) and (match is None or match(r[0]["name"]))
    ]

    def render(row: tuple[dict[str, Any], str, list[Any]]) -> dict[str, Any]:
        flow, vid, edges = row
        obj = deps.flow_dependency(flow, vid)
        if with_consumed:
            obj["consumedResources"] = [deps.edge_dependency(org, e) for e in edges]
        return obj

    return listing(request, kept, render)


async def deleted_resource_consumers(request: Request) -> Response:
    org = _org(request)
    _count(org, "deletedresourceconsumers")
    flow_filter = _flow_filter(request)
    consumed_types = _types(request, "consumedResourceType")
    rows = deps.deleted_consumers(org, flow_filter, consumed_types)
    return Json(_problem_listing(request, rows, org))


async def updated_resource_consumers(request: Request) -> Response:
    org = _org(request)
    _count(org, "updatedresourceconsumers")
    rows = deps.updated_consumers(org, _types(request, "consumedResourceType"))
    return Json(_problem_listing(request, rows, org))


async def list_types(request: Request) -> Response:
    _count(_org(request), "types")
    return Json(listing(request, DEPENDENCY_TYPES, type_json))


async def get_type(request: Request) -> Response:
    _count(_org(request), "types")
    type_id = request.path_params["type_id"]
    if type_id.upper() not in DEPENDENCY_TYPE_SET:
        raise not_found(f"Dependency type {type_id}")
    return Json(type_json(type_id.upper()))


async def build_status(request: Request) -> Response:
    org = _org(request)
    _count(org, "build")
    state = org.flow_state
    now = time.time()
    if request.method == "POST":
        return Response(status_code=state.start_build(now))
    view = state.build(now)
    body: dict[str, Any] = {
        "id": "dependencytracking-build",
        "name": "Dependency tracking build",
        "client": {"id": "gctui-sim", "name": "simulator", "selfUri": "/api/v2/oauth/clients/gctui-sim"},
    }
    if view.started is not None:
        body["buildId"] = f"build-{int(view.started)}-{view.build_number}"
        body["dateStarted"] = iso(view.started)
    if view.completed is not None:
        body["dateCompleted"] = iso(view.completed)
    body["status"] = view.status
    body["failedObjects"] = _failed_objects(org) if view.status == "BUILDINCOMPLETE" else []
    body["selfUri"] = "/api/v2/architect/dependencytracking/build"
    return Json(body)


def _failed_objects(org: Org) -> list[dict[str, Any]]:
    """An incomplete build failed on the flows whose references it could not resolve."""
    out = []
    for unknown in org.unknown_objects:
        for flow, vid in deps.consumers(org, unknown):
            out.append(
                {"id": flow["id"], "version": vid, "name": flow["name"], "errorCode": BUILD_FAILED_CODE}
            )
    return out


DT = "/api/v2/architect/dependencytracking"
ROUTES = [
    Route("/api/v2/flows", list_flows, methods=["GET"]),
    Route("/api/v2/flows/{flow_id}", get_flow, methods=["GET"]),
    Route(DT, search, methods=["GET"]),
    Route(f"{DT}/consumedresources", consumed_resources, methods=["GET"]),
    Route(f"{DT}/consumingresources", consuming_resources, methods=["GET"]),
    Route(f"{DT}/deletedresourceconsumers", deleted_resource_consumers, methods=["GET"]),
    Route(f"{DT}/updatedresourceconsumers", updated_resource_consumers, methods=["GET"]),
    Route(f"{DT}/object", dependency_object, methods=["GET"]),
    Route(f"{DT}/types", list_types, methods=["GET"]),
    Route(f"{DT}/types/{{type_id}}", get_type, methods=["GET"]),
    Route(f"{DT}/build", build_status, methods=["GET", "POST"]),
]
