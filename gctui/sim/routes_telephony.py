"""Routing queues, edges, trunks and their live metrics (moving with the simulator clock)."""

from __future__ import annotations

import fnmatch
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim import scaling_routes
from gctui.sim.errors import bad_request
from gctui.sim.http import Json, by_id, runtime
from gctui.sim.load_telephony import load_of
from gctui.sim.paging import listing

MAX_METRIC_IDS = 100


async def list_queues(request: Request) -> Response:
    org = runtime(request).org
    items: list[dict[str, Any]] = org.queues
    ids = request.query_params.getlist("id")
    name = request.query_params.get("name")
    if ids:
        items = [org.queue_by_id[i] for i in ids if i in org.queue_by_id]
    if name:
        items = [q for q in items if fnmatch.fnmatchcase(q["name"].lower(), name.lower())]
    if request.query_params.get("sortOrder", "asc").lower() == "desc":
        items = items[::-1]
    return Json(listing(request, items))


async def get_queue(request: Request) -> Response:
    return Json(by_id(request, runtime(request).org.queue_by_id, "queue_id", "Queue"))


async def list_edges(request: Request) -> Response:
    return await scaling_routes.list_edges(request)  # edgeGroup.id, site.id, name filters


async def list_trunks(request: Request) -> Response:
    org = runtime(request).org
    items = org.trunks
    edge_id = request.query_params.get("edge.id") or request.query_params.get("edgeId")
    if edge_id:
        items = [t for t in items if t["edge"]["id"] == edge_id]
    if tt := request.query_params.get("trunkType"):
        items = [t for t in items if t["trunkType"] == tt.upper()]
    out = listing(request, items)
    out["totalNumberOfEntities"] = len(org.trunks)
    return Json(out)


def edge_metrics(request: Request, edge_id: str) -> dict[str, Any]:
    return load_of(runtime(request)).edge_metrics(edge_id)  # moves with the simulator's clock


def trunk_metrics(request: Request, trunk_id: str) -> dict[str, Any]:
    return load_of(runtime(request)).trunk_metrics(trunk_id)


def _ids(request: Request, name: str, most: int = MAX_METRIC_IDS) -> list[str]:
    raw = request.query_params.get(name)
    if not raw:
        raise bad_request(f"{name} is required", name)
    ids = [x.strip() for x in raw.split(",") if x.strip()]
    if len(ids) > most:
        raise bad_request(f"{name} accepts at most {most} ids", name)
    return ids


async def edges_metrics(request: Request) -> Response:
    org = runtime(request).org
    return Json([edge_metrics(request, i) for i in _ids(request, "edgeIds") if i in org.edge_by_id])


async def one_edge_metrics(request: Request) -> Response:
    edge = by_id(request, runtime(request).org.edge_by_id, "edge_id", "Edge")
    return Json(edge_metrics(request, edge["id"]))


async def get_edge(request: Request) -> Response:
    return Json(by_id(request, runtime(request).org.edge_by_id, "edge_id", "Edge"))


async def trunks_metrics(request: Request) -> Response:
    org = runtime(request).org
    ids = _ids(request, "trunkIds", org.config.trunk_metrics_max_ids)
    return Json([trunk_metrics(request, i) for i in ids if i in org.trunk_by_id])


async def one_trunk_metrics(request: Request) -> Response:
    trunk = by_id(request, runtime(request).org.trunk_by_id, "trunk_id", "Trunk")
    return Json(trunk_metrics(request, trunk["id"]))


async def get_trunk(request: Request) -> Response:
    return Json(by_id(request, runtime(request).org.trunk_by_id, "trunk_id", "Trunk"))


TP = "/api/v2/telephony/providers/edges"
ROUTES = [
    Route("/api/v2/routing/queues", list_queues, methods=["GET"]),
    Route("/api/v2/routing/queues/{queue_id}", get_queue, methods=["GET"]),
    Route(TP, list_edges, methods=["GET"]),
    Route(f"{TP}/metrics", edges_metrics, methods=["GET"]),
    *scaling_routes.API_ROUTES,
    Route(f"{TP}/trunks", list_trunks, methods=["GET"]),
    Route(f"{TP}/trunks/metrics", trunks_metrics, methods=["GET"]),
    Route(f"{TP}/trunks/{{trunk_id}}", get_trunk, methods=["GET"]),
    Route(f"{TP}/trunks/{{trunk_id}}/metrics", one_trunk_metrics, methods=["GET"]),
    Route(f"{TP}/{{edge_id}}", get_edge, methods=["GET"]),
    Route(f"{TP}/{{edge_id}}/metrics", one_edge_metrics, methods=["GET"]),
]
