"""Architect flows and dependency tracking (consumed/consuming resources, object, build status)."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.det import iso
from gctui.sim.errors import bad_request, not_found
from gctui.sim.gen_flows import FLOW_TYPES
from gctui.sim.http import Json, by_id, runtime
from gctui.sim.paging import bool_param, listing

ALL_FLOW_TYPES = frozenset(
    (
        "BOT BUSINESSPROCESS COMMONMODULE DIGITALBOT EMAILSEND INBOUNDCALL INBOUNDCHAT INBOUNDEMAIL "
        "INBOUNDSHORTMESSAGE INQUEUECALL INQUEUEEMAIL INQUEUESHORTMESSAGE OUTBOUNDCALL SECURECALL SPEECH "
        "SURVEYINVITE VOICE VOICEMAIL VOICESURVEY WORKFLOW WORKITEM"
    ).split()
)
DEPENDENCY_TYPES = frozenset(
    (
        "ACDLANGUAGE ACDSKILL ACDWRAPUPCODE AGENTICVIRTUALAGENT AGENTICVIRTUALAGENTVERSION "
        "AUDIOCONNECTORBOT BOTCONNECTORBOT BOTCONNECTORINTEGRATION BOTFLOW BRIDGEACTION "
        "BUSINESSPROCESSFLOW COMMONMODULEFLOW COMPOSERSCRIPT CONTACTLIST "
        "CONVERSATIONCUSTOMATTRIBUTESCHEMA CONVERSATIONSUMMARYSETTING CUSTOMERSEGMENT DATAACTION "
        "DATATABLE DECISIONTABLE DIALOGENGINEBOT DIALOGENGINEBOTVERSION DIALOGFLOWAGENT "
        "DIALOGFLOWCXAGENT DIGITALAUDIO DIGITALBOTCONNECTOR DIGITALBOTCONNECTORINTEGRATION "
        "DIGITALBOTFLOW DIVISION EMAILROUTE EMAILSENDFLOW EMERGENCYGROUP FILE FLOWACTION "
        "FLOWDATATYPE FLOWMILESTONE FLOWOUTCOME GRAMMAR GROUP GUIDE GUIDEVERSION IMAGE "
        "INBOUNDCALLFLOW INBOUNDCHATFLOW INBOUNDEMAILFLOW INBOUNDSHORTMESSAGEFLOW INQUEUECALLFLOW "
        "INQUEUEEMAILFLOW INQUEUESHORTMESSAGEFLOW IVRCONFIGURATION KNOWLEDGEBASE "
        "KNOWLEDGEBASEDOCUMENT KNOWLEDGESETTING LANGUAGE LEXBOT LEXBOTALIAS LEXV2BOT LEXV2BOTALIAS "
        "NLUDOMAIN NUANCEMIXBOT NUANCEMIXINTEGRATION OAUTHCLIENT OUTBOUNDCALLFLOW QUEUE "
        "RECORDINGPOLICY RESPONSE RESPONSEASSET SCHEDULE SCHEDULEGROUP SECUREACTION SECURECALLFLOW "
        "SMSPHONENUMBER STTENGINE SURVEYFORM SURVEYINVITEFLOW SYSTEMPROMPT TTSENGINE TTSVOICE USER "
        "USERPROMPT UTILIZATIONLABEL VIDEO VOICEFLOW VOICEMAILFLOW VOICESURVEYFLOW WIDGET WORKFLOW "
        "WORKITEMFLOW WORKTYPE"
    ).split()
)
ORDER = [t for t, _ in FLOW_TYPES]


async def list_flows(request: Request) -> Response:
    org = runtime(request).org
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
    return Json(by_id(request, runtime(request).org.flow_by_id, "flow_id", "Flow"))


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


def _object_type(request: Request, name: str = "objectType") -> str | None:
    t = request.query_params.get(name)
    if t is not None and t.upper() not in DEPENDENCY_TYPES:
        raise bad_request(f"{name} {t!r} is not a valid dependency type", name, code="invalid.value")
    return t.upper() if t else None


def _resource_types(request: Request, name: str = "resourceType") -> set[str]:
    out = {t.upper() for raw in request.query_params.getlist(name) for t in raw.split(",") if t}
    bad = out - DEPENDENCY_TYPES
    if bad:
        raise bad_request(
            f"{name} {sorted(bad)[0]!r} is not a valid dependency type", name, code="invalid.value"
        )
    return out


def _ref(request: Request, obj_id: str, object_type: str | None) -> dict[str, Any]:
    ref = runtime(request).org.dependency_ref(obj_id)
    if ref is None or (object_type is not None and ref["type"] != object_type):
        raise not_found(f"Object {obj_id} of type {object_type}")
    return ref


def _consumed(request: Request, obj_id: str, types: set[str]) -> list[dict[str, Any]]:
    org = runtime(request).org
    refs = [org.dependency_ref(t) for t, kind in org.consumed.get(obj_id, []) if not types or kind in types]
    return [r for r in refs if r is not None]


def _consuming(request: Request, obj_id: str, types: set[str]) -> list[dict[str, Any]]:
    org = runtime(request).org
    refs = [org.dependency_ref(f) for f in org.consumers.get(obj_id, [])]
    return [r for r in refs if r is not None and (not types or r["type"] in types)]


async def consumed_resources(request: Request) -> Response:
    obj_id, version, _ = _required(request, "id", "version", "objectType")
    ref = _ref(request, obj_id, _object_type(request))
    flow = runtime(request).org.flow_by_id.get(obj_id)
    if flow is not None:
        known = {
            (flow.get(k) or {}).get("id") for k in ("publishedVersion", "checkedInVersion", "savedVersion")
        }
        if version not in known:
            raise not_found(f"Version {version} of {ref['name']}")
    return Json(listing(request, _consumed(request, obj_id, _resource_types(request))))


FLOW_FILTERS = {"published": "publishedVersion", "checkedin": "checkedInVersion"}


async def consuming_resources(request: Request) -> Response:
    """Flows that consume the object; ``flowFilter`` keeps published or checked-in flows only,
    and each flow's ``version`` is that published (or checked-in) version, as /api/v2/flows shows."""
    obj_id, _ = _required(request, "id", "objectType")
    _ref(request, obj_id, _object_type(request))
    refs = _consuming(request, obj_id, _resource_types(request))
    raw = request.query_params.get("flowFilter")
    if raw:
        key = FLOW_FILTERS.get(raw.lower())
        if key is None:
            raise bad_request(
                f"flowFilter {raw!r} is not supported; allowed: checkedIn, published", "flowFilter"
            )
        flows = runtime(request).org.flow_by_id
        kept = []
        for r in refs:
            ver = flows[r["id"]].get(key) if r["id"] in flows else None
            if ver is not None:
                kept.append({**r, "version": ver["id"]})
        refs = kept
    return Json(listing(request, refs))


async def dependency_object(request: Request) -> Response:
    (obj_id,) = _required(request, "id")
    obj = dict(_ref(request, obj_id, _object_type(request)))
    if bool_param(request, "consumedResources"):
        obj["consumedResources"] = _consumed(
            request, obj_id, _resource_types(request, "consumedResourceType")
        )
    if bool_param(request, "consumingResources"):
        obj["consumingResources"] = _consuming(
            request, obj_id, _resource_types(request, "consumingResourceType")
        )
    return Json(obj)


async def build_status(request: Request) -> Response:
    build = runtime(request).org.build
    if request.method == "POST":
        build["started"] = time.time()
        build["took"] = 2.0
        return Response(status_code=202)
    started, took = build["started"], build["took"]
    done = time.time() >= started + took
    body: dict[str, Any] = {
        "id": "dependencytracking-build",
        "name": "Dependency tracking build",
        "client": {"id": "gctui-sim", "name": "simulator", "selfUri": "/api/v2/oauth/clients/gctui-sim"},
        "buildId": f"build-{int(started)}",
        "dateStarted": iso(started),
        "status": "OPERATIONAL" if done else "BUILDINPROGRESS",
        "failedObjects": [],
        "selfUri": "/api/v2/architect/dependencytracking/build",
    }
    if done:
        body["dateCompleted"] = iso(started + took)
    return Json(body)


DT = "/api/v2/architect/dependencytracking"
ROUTES = [
    Route("/api/v2/flows", list_flows, methods=["GET"]),
    Route("/api/v2/flows/{flow_id}", get_flow, methods=["GET"]),
    Route(f"{DT}/consumedresources", consumed_resources, methods=["GET"]),
    Route(f"{DT}/consumingresources", consuming_resources, methods=["GET"]),
    Route(f"{DT}/object", dependency_object, methods=["GET"]),
    Route(f"{DT}/build", build_status, methods=["GET", "POST"]),
]
