"""Routing queues, edges, trunks and their live metrics (time-varying, deterministic per 15 s)."""

from __future__ import annotations

import fnmatch
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.det import iso, str_key, unit
from gctui.sim.errors import bad_request
from gctui.sim.http import Json, by_id, runtime
from gctui.sim.paging import listing

GIB = 1 << 30
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
    return Json(listing(request, runtime(request).org.edges))


async def list_trunks(request: Request) -> Response:
    org = runtime(request).org
    items = org.trunks
    edge_id = request.query_params.get("edge.id")
    if edge_id:
        items = [t for t in items if t["edge"]["id"] == edge_id]
    if tt := request.query_params.get("trunkType"):
        items = [t for t in items if t["trunkType"] == tt.upper()]
    out = listing(request, items)
    out["totalNumberOfEntities"] = len(org.trunks)
    return Json(out)


def _slot() -> int:
    return int(time.time() // 15)


def edge_metrics(request: Request, edge_id: str) -> dict[str, Any]:
    org = runtime(request).org
    edge = org.edge_by_id[edge_id]
    prof = org.edge_profiles[edge_id]
    now = time.time()
    key = str_key(edge_id)
    slot = _slot()
    cores = 4
    if prof.online:
        total = min(99.5, max(1.0, prof.cpu_pct + (unit(key, slot) - 0.5) * 10))
        used = min(0.99, max(0.05, prof.mem_used + (unit(key, slot, 1) - 0.5) * 0.04))
        event = now
    else:
        total, used, event = 0.0, 0.0, now - 3600
    procs = [
        {
            "cpuId": "total",
            "activeTimePct": round(total, 2),
            "idleTimePct": round(100 - total, 2),
            "privilegedTimePct": round(total * 0.2, 2),
            "userTimePct": round(total * 0.8, 2),
        }
    ]
    for c in range(cores):
        pct = min(100.0, max(0.0, total + (unit(key, slot, 10 + c) - 0.5) * 12))
        procs.append(
            {
                "cpuId": str(c),
                "activeTimePct": round(pct, 2),
                "idleTimePct": round(100 - pct, 2),
                "privilegedTimePct": round(pct * 0.2, 2),
                "userTimePct": round(pct * 0.8, 2),
            }
        )
    mem_total = 16 * GIB
    return {
        "edge": {"id": edge_id, "name": edge["name"], "selfUri": edge["selfUri"]},
        "eventTime": iso(event),
        "upTimeMsec": int((now % (30 * 86400)) * 1000) if prof.online else 0,
        "processors": procs,
        "memory": [
            {"type": "physical", "availableBytes": int(mem_total * (1 - used)), "totalBytes": mem_total},
            {
                "type": "virtual",
                "availableBytes": int(2 * mem_total * (1 - used / 2)),
                "totalBytes": 2 * mem_total,
            },
        ],
        "disks": [{"partitionName": "/", "availableBytes": 60 * GIB, "totalBytes": 128 * GIB}],
        "subsystems": [
            {
                "processName": "media",
                "delayMs": int(5 + total / 5),
                "mediaSubsystem": {"processName": "rtp", "delayMs": int(2 + total / 10)},
            }
        ],
        "networks": [
            {
                "ifname": "eth0",
                "sentBytesPerSec": int(total * 50_000),
                "receivedBytesPerSec": int(total * 48_000),
                "bandwidthBitsPerSec": 1_000_000_000,
                "utilizationPct": round(total / 4, 2),
            }
        ],
    }


def trunk_metrics(request: Request, trunk_id: str) -> dict[str, Any]:
    org = runtime(request).org
    trunk = org.trunk_by_id[trunk_id]
    prof = org.trunk_profiles[trunk_id]
    load = 0.0
    if prof.connected:
        load = min(1.0, max(0.0, prof.load + (unit(str_key(trunk_id), _slot()) - 0.5) * 0.1))
    calls = int(prof.channels * load)
    inbound = int(calls * 0.8)
    return {
        "eventTime": iso(time.time()),
        "logicalInterface": trunk["logicalInterface"],
        "trunk": {"id": trunk_id, "name": trunk["name"], "selfUri": trunk["selfUri"]},
        "calls": {"inboundCallCount": inbound, "outboundCallCount": calls - inbound},
        "qos": {"mismatchCount": int(unit(str_key(trunk_id), 3) * 4)},
    }


def _ids(request: Request, name: str) -> list[str]:
    raw = request.query_params.get(name)
    if not raw:
        raise bad_request(f"{name} is required", name)
    ids = [x.strip() for x in raw.split(",") if x.strip()]
    if len(ids) > MAX_METRIC_IDS:
        raise bad_request(f"{name} accepts at most {MAX_METRIC_IDS} ids", name)
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
    return Json([trunk_metrics(request, i) for i in _ids(request, "trunkIds") if i in org.trunk_by_id])


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
    Route(f"{TP}/trunks", list_trunks, methods=["GET"]),
    Route(f"{TP}/trunks/metrics", trunks_metrics, methods=["GET"]),
    Route(f"{TP}/trunks/{{trunk_id}}", get_trunk, methods=["GET"]),
    Route(f"{TP}/trunks/{{trunk_id}}/metrics", one_trunk_metrics, methods=["GET"]),
    Route(f"{TP}/{{edge_id}}", get_edge, methods=["GET"]),
    Route(f"{TP}/{{edge_id}}/metrics", one_edge_metrics, methods=["GET"]),
]
