"""Edge listing filters, edge groups, and the scaling controls (clock, load scenario, receivers).

API (SDK v269 ``telephony_providers_edge_api.py``):

- ``GET /api/v2/telephony/providers/edges`` ``pageSize, pageNumber, name (glob, * at ends),
  edgeGroup.id, site.id, sortBy (name), sortOrder, managed``: the SDK's wire names are dotted;
  ``edgeGroupId`` and ``siteId`` are accepted too.
- ``GET /api/v2/telephony/providers/edges/edgegroups`` ``pageSize, pageNumber, name, sortBy,
  managed`` -> ``EdgeGroupEntityListing`` (``totalNumberOfEntities`` too);
  ``GET …/edgegroups/{edgeGroupId}`` -> ``EdgeGroup`` (404 if unknown).

Controls (loopback, no auth; a bad body is a 400 naming the field):

- ``GET /sim/control/clock`` -> ``{now, epoch, offsetSeconds, frozen}``;
  ``POST /sim/control/clock/advance {"seconds"}``; ``PUT /sim/control/clock {"epoch"?, "frozen"?}``.
- ``GET /sim/control/telephony`` -> ``{scenario, clock, edgeGroups: [{id, name, edgeIds}],
  trunkChannels: {trunkId: channels}, targetEdgeIds}``.
- ``GET``/``PUT /sim/control/telephony/scenario`` ``{scenario, target?, rampSeconds?,
  startEpoch?}`` -> ``{scenario, target, targetGroupId, rampSeconds, startEpoch, start, scenarios}``.
- ``GET``/``PUT``/``DELETE /sim/control/webhooks/{name}/mode`` ``{mode, status?, body?,
  delaySeconds?, count?, dedupe?}`` (:mod:`gctui.sim.webhooks`); ``DELETE
  /sim/control/webhooks/{name}`` forgets the receiver's deliveries.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.clock import clock_of
from gctui.sim.errors import bad_request, not_found
from gctui.sim.fields import reject_unknown
from gctui.sim.http import Json, json_object, runtime
from gctui.sim.load_telephony import load_of
from gctui.sim.paging import bool_param, listing
from gctui.sim.webhooks import WEBHOOK_MODES, WebhookStore

TP = "/api/v2/telephony/providers/edges"
C = "/sim/control"


def _param(request: Request, *names: str) -> str | None:
    for n in names:
        v = request.query_params.get(n)
        if v:
            return v
    return None


def _named(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    name = request.query_params.get("name")
    if name:
        items = [x for x in items if fnmatch.fnmatchcase(x["name"].lower(), name.lower())]
    if request.query_params.get("managed"):
        managed = bool_param(request, "managed")
        items = [x for x in items if bool(x.get("managed")) == managed]
    if request.query_params.get("sortBy", "") == "name":
        items = sorted(items, key=lambda x: str(x["name"]).lower())
    if request.query_params.get("sortOrder", "asc").lower() == "desc":
        items = items[::-1]
    return items


async def list_edges(request: Request) -> Response:
    rt = runtime(request)
    load = load_of(rt)
    items: list[dict[str, Any]] = rt.org.edges
    group = _param(request, "edgeGroup.id", "edgeGroupId")
    site = _param(request, "site.id", "siteId")
    if group is not None:
        items = load.edges_by_group.get(group, [])
    if site is not None:
        items = [e for e in items if e["site"]["id"] == site] if group else load.edges_by_site.get(site, [])
    return Json(listing(request, _named(items, request)))


async def list_edge_groups(request: Request) -> Response:
    load = load_of(runtime(request))
    out = listing(request, _named(load.groups, request))
    out["totalNumberOfEntities"] = len(load.groups)
    return Json(out)


async def get_edge_group(request: Request) -> Response:
    group = load_of(runtime(request)).group_by_id.get(request.path_params["group_id"])
    if group is None:
        raise not_found("EdgeGroup")
    return Json(group)


def _number(body: dict[str, Any], name: str) -> float:
    v = body[name]
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise bad_request(f"{name} must be a number", name)
    return float(v)


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise bad_request(str(exc)) from None


async def clock(request: Request) -> Response:
    c = clock_of(runtime(request))
    if request.method == "PUT":
        body = await json_object(request)
        reject_unknown(body, ("epoch", "frozen"))
        if "epoch" in body:
            _call(c.set, _number(body, "epoch"))
        if "frozen" in body:
            if not isinstance(body["frozen"], bool):
                raise bad_request("frozen must be true or false", "frozen")
            c.freeze() if body["frozen"] else c.unfreeze()
    return Json(c.to_json())


async def clock_advance(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, ("seconds",))
    if "seconds" not in body:
        raise bad_request("seconds is required", "seconds")
    c = clock_of(runtime(request))
    _call(c.advance, _number(body, "seconds"))
    return Json(c.to_json())


async def telephony(request: Request) -> Response:
    return Json(load_of(runtime(request)).facts())


async def scenario(request: Request) -> Response:
    load = load_of(runtime(request))
    if request.method == "GET":
        return Json(load.state())
    body = await json_object(request)
    reject_unknown(body, ("scenario", "target", "rampSeconds", "startEpoch"))
    name = body.get("scenario")
    if not isinstance(name, str):
        raise bad_request("scenario is required (a string)", "scenario")
    target = body.get("target")
    if target is not None and not isinstance(target, str):
        raise bad_request("target must be an edge group id, edge id or edge name", "target")
    ramp = _number(body, "rampSeconds") if "rampSeconds" in body else None
    start = _number(body, "startEpoch") if body.get("startEpoch") is not None else None
    return Json(_call(load.set_scenario, name, target=target, ramp_seconds=ramp, start=start))


def _store(request: Request) -> WebhookStore:
    store: WebhookStore = runtime(request).webhooks
    return store


async def webhook_mode(request: Request) -> Response:
    store = _store(request)
    name = request.path_params["name"]
    if request.method == "DELETE":
        store.set_mode(name, "ok")
        return Response(status_code=204)
    if request.method == "PUT":
        body = await json_object(request)
        reject_unknown(body, ("mode", "status", "body", "delaySeconds", "count", "dedupe"))
        mode = body.get("mode")
        if mode not in WEBHOOK_MODES:
            raise bad_request("mode must be one of " + ", ".join(WEBHOOK_MODES), "mode")
        delay = _number(body, "delaySeconds") if body.get("delaySeconds") is not None else None
        _call(
            store.set_mode,
            name,
            mode,
            status=body.get("status"),
            body=body.get("body"),
            delay_s=delay,
            count=body.get("count"),
            dedupe=body.get("dedupe", True),
            has_body="body" in body,
        )
    return Json(store.mode(name))


async def webhook_forget(request: Request) -> Response:
    _store(request).forget(request.path_params["name"])
    return Response(status_code=204)


API_ROUTES = [
    Route(f"{TP}/edgegroups", list_edge_groups, methods=["GET"]),
    Route(f"{TP}/edgegroups/{{group_id}}", get_edge_group, methods=["GET"]),
]
CONTROL_ROUTES = [
    Route(f"{C}/clock", clock, methods=["GET", "PUT"]),
    Route(f"{C}/clock/advance", clock_advance, methods=["POST"]),
    Route(f"{C}/telephony", telephony, methods=["GET"]),
    Route(f"{C}/telephony/scenario", scenario, methods=["GET", "PUT"]),
    Route(f"{C}/webhooks/{{name}}/mode", webhook_mode, methods=["GET", "PUT", "DELETE"]),
    Route(f"{C}/webhooks/{{name}}", webhook_forget, methods=["DELETE"]),
]
