"""Predictive routing: ``GET /api/v2/routing/predictors`` and ``…/predictors/{predictorId}``.

``PredictorListing`` ``{entities: [Predictor], selfUri, nextUri, previousUri}`` paged by cursor
as the SDK's ``get_routing_predictors`` says: ``pageSize`` (max 200; ``limit`` is its deprecated
alias; default :data:`DEFAULT_PAGE_SIZE`), ``after`` (the cursor of ``nextUri``) and ``before``
(of ``previousUri``); ``nextUri``/``previousUri`` are absent on the last/first page. Filters:
``queueId`` (comma-separated and/or repeated), ``kpiId``, ``state`` (Created, Error, Active).

``Predictor`` = ``{id, queues: [{id, selfUri}], kpi, routingTimeoutSeconds (12-900), schedule:
{scheduleType: HourOnHourOff|OngoingValueMonitoring, dateStarted}, state, dateCreated,
dateModified, workloadBalancingConfig: {enabled, minimumOccupancy, maximumOccupancy},
errorCode (Error only), models: [{mediaType, dateModified, retrainingErrors, state}], selfUri}``.
``kpi`` holds the id of the KPI it optimizes (the value's form is unverified): the KPIs are at
``GET …/predictors/keyperformanceindicators`` (``{entities: [KeyPerformanceIndicator]}``) and
``…/keyperformanceindicators/{kpiId}``.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.errors import bad_request, not_found
from gctui.sim.gen_routing_config import key_performance_indicators, predictors_of
from gctui.sim.http import Json, runtime
from gctui.sim.paging import int_param

PATH = "/api/v2/routing/predictors"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 25
STATES = ("Created", "Error", "Active")


def _encode(index: int) -> str:
    return base64.urlsafe_b64encode(f"predictor:{index}".encode()).decode().rstrip("=")


def _decode(name: str, cursor: str, total: int) -> int:
    try:
        kind, index = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        if kind == "predictor" and 0 <= int(index) <= total:
            return int(index)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request(f"{name} {cursor!r} is not a valid cursor", name)


def _filtered(request: Request) -> list[dict[str, Any]]:
    items = predictors_of(runtime(request).org.queue_profiles)
    qp = request.query_params
    queue_ids = {x.strip() for v in qp.getlist("queueId") for x in v.split(",") if x.strip()}
    if queue_ids:
        items = [p for p in items if any(q["id"] in queue_ids for q in p["queues"])]
    if kpi := qp.get("kpiId"):
        items = [p for p in items if p["kpi"] == kpi]
    if state := qp.get("state"):
        if state not in STATES:
            raise bad_request(f"state must be one of {', '.join(STATES)}", "state")
        items = [p for p in items if p["state"] == state]
    return items


async def list_predictors(request: Request) -> Response:
    items = _filtered(request)
    qp = request.query_params
    size = int_param(request, "pageSize", None)
    if size is None:
        size = int_param(request, "limit", DEFAULT_PAGE_SIZE)
    assert size is not None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise bad_request(f"pageSize must be from 1 to {MAX_PAGE_SIZE}", "pageSize")
    total = len(items)
    if (after := qp.get("after")) is not None:
        start = _decode("after", after, total)
    elif (before := qp.get("before")) is not None:
        start = max(0, _decode("before", before, total) - size)
    else:
        start = 0
    end = min(total, start + size)
    keep = [(k, v) for k, v in qp.multi_items() if k not in ("after", "before", "pageSize", "limit")]

    def uri(extra: list[tuple[str, Any]]) -> str:
        return f"{PATH}?{urlencode([*keep, ('pageSize', size), *extra])}"

    out: dict[str, Any] = {
        "entities": items[start:end],
        "selfUri": uri([("after", _encode(start))] if start else []),
    }
    if end < total:
        out["nextUri"] = uri([("after", _encode(end))])
    if start > 0:
        out["previousUri"] = uri([("before", _encode(start))])
    return Json(out)


async def get_predictor(request: Request) -> Response:
    pid = request.path_params["predictor_id"]
    for p in predictors_of(runtime(request).org.queue_profiles):
        if p["id"] == pid:
            return Json(p)
    raise not_found(f"Predictor {pid}")


async def list_kpis(request: Request) -> Response:
    return Json({"entities": key_performance_indicators()})


async def get_kpi(request: Request) -> Response:
    kid = request.path_params["kpi_id"]
    for k in key_performance_indicators():
        if k["id"] == kid:
            return Json(k)
    raise not_found(f"Key performance indicator {kid}")


ROUTES = [
    Route(PATH, list_predictors, methods=["GET"]),
    Route(f"{PATH}/keyperformanceindicators", list_kpis, methods=["GET"]),
    Route(f"{PATH}/keyperformanceindicators/{{kpi_id}}", get_kpi, methods=["GET"]),
    Route(f"{PATH}/{{predictor_id}}", get_predictor, methods=["GET"]),
]
