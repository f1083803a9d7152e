"""``POST /api/v2/analytics/queues/observations/query``: a "now" snapshot per queue.

Little's law on each queue's profile: waiting = arrival rate x speed of answer, interacting =
arrival rate x handle time (capped by agents on queue). Values move every 10 s, deterministically.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gctui.sim.analytics_common import check_names, compile_filter
from gctui.sim.analytics_conv import HOURLY
from gctui.sim.det import str_key, unit
from gctui.sim.errors import bad_request
from gctui.sim.http import Json, json_object, runtime

OBS_METRICS = frozenset(
    "oWaiting oInteracting oAlerting oLongestWaiting oLongestInteracting oFlow oMemberUsers oActiveUsers "
    "oOnQueueUsers oOffQueueUsers oUserPresences oUserRoutingStatuses".split()
)
OBS_DIMENSIONS = frozenset(("queueId", "mediaType"))
PRESENCES = {  # system presence -> simulated org presence id
    "AVAILABLE": "6a3af858-942f-489d-9700-5f9bcdcdae9b", "AWAY": "5e5c5c66-ea97-4e7f-ac41-6424784829f2",
    "BUSY": "31fe3bac-dea6-44b7-bed7-47f91660a1a0", "OFFLINE": "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5",
    "ON_QUEUE": "e08eaf1b-ee47-4fa9-a231-1200e284798f", "BREAK": "2d8f4a44-2ab6-4bb4-8d0e-2f6d1b3f2a11",
    "MEAL": "3a7d7f9e-1b1f-4a0b-9d0c-6f3e2f1c9b22",
}  # fmt: skip


def snapshot(p: Any, k: int, slot: int, share: float) -> dict[str, Any]:
    now = datetime.now(UTC)
    weight = HOURLY[now.hour] * (0.4 if now.weekday() >= 5 else 1.0)
    per_sec = p.peak_per_hour * share * weight / 3600.0
    on_queue = max(0, round(p.agents * share * (0.7 + 0.3 * unit(k, slot, 1)) * min(1.0, 0.3 + weight)))
    interacting = min(on_queue, round(per_sec * p.aht_ms / 1000 * (0.8 + 0.4 * unit(k, slot, 2))))
    waiting = round(per_sec * p.asa_ms / 1000 * (0.6 + 0.8 * unit(k, slot, 3)))
    alerting = min(on_queue - interacting, round(waiting * 0.1))
    idle = max(0, on_queue - interacting - alerting)
    members = round(p.agents * share) + 3
    off_queue = max(0, round((members - on_queue) * 0.5))
    return {
        "waiting": waiting,
        "interacting": interacting,
        "alerting": alerting,
        "on_queue": on_queue,
        "idle": idle,
        "members": members,
        "off_queue": off_queue,
        "longest_wait_ms": round(p.asa_ms * (1 + unit(k, slot, 4))) if waiting else 0,
    }


def metric_data(name: str, s: dict[str, Any]) -> list[dict[str, Any]]:
    def one(count: int, qualifier: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"metric": name, "stats": {"count": count}, "truncated": False}
        if qualifier is not None:
            d["qualifier"] = qualifier
        return d

    simple = {
        "oWaiting": "waiting",
        "oInteracting": "interacting",
        "oAlerting": "alerting",
        "oMemberUsers": "members",
        "oActiveUsers": "on_queue",
        "oOffQueueUsers": "off_queue",
        "oFlow": "alerting",
    }
    if name in simple:
        return [one(s[simple[name]])]
    if name == "oOnQueueUsers":
        return [
            one(s["idle"], "IDLE"),
            one(s["interacting"], "INTERACTING"),
            one(s["alerting"], "COMMUNICATING"),
        ]
    if name == "oUserRoutingStatuses":
        return [
            one(s["off_queue"], "OFF_QUEUE"),
            one(s["idle"], "IDLE"),
            one(s["interacting"], "INTERACTING"),
            one(s["alerting"], "COMMUNICATING"),
        ]
    if name == "oUserPresences":
        return [
            one(s["on_queue"], PRESENCES["ON_QUEUE"]),
            one(s["off_queue"], PRESENCES["AVAILABLE"]),
            one(max(0, s["members"] - s["on_queue"] - s["off_queue"]), PRESENCES["OFFLINE"]),
        ]
    if name == "oLongestWaiting":
        if not s["waiting"]:
            return []
        return [
            {
                "metric": name,
                "stats": {"count": 1, "calculatedMetricValue": s["longest_wait_ms"]},
                "truncated": False,
            }
        ]
    if name == "oLongestInteracting":
        return [{"metric": name, "stats": {"count": 1 if s["interacting"] else 0}, "truncated": False}]
    return []


async def queue_observations(request: Request) -> Response:
    rt = runtime(request)
    body = await json_object(request)
    if body.get("filter") is None:
        raise bad_request("filter is required", "filter")
    keep = compile_filter(body["filter"], OBS_DIMENSIONS)
    metrics = check_names(body.get("metrics"), OBS_METRICS, "metrics") or sorted(OBS_METRICS)
    check_names(body.get("detailMetrics"), OBS_METRICS, "detailMetrics")
    by_media = "mediaType" in str(body["filter"])
    slot = int(time.time() // 10)
    org = rt.org
    results = []
    for q in org.queues:
        p = org.queue_profiles[q["id"]]
        medias = p.media if by_media else ("voice",)
        for i, media in enumerate(medias):
            dims = {"queueId": q["id"], "mediaType": media}
            if not keep(dims if by_media else {"queueId": q["id"]}):
                continue
            share = 1.0 if not by_media or len(p.media) == 1 else (0.7, 0.3)[i]
            snap = snapshot(p, str_key(q["id"] + media) ^ rt.config.seed, slot, share)
            data = [d for m in metrics for d in metric_data(m, snap)]
            group = {"queueId": q["id"], "mediaType": media} if by_media else {"queueId": q["id"]}
            results.append({"group": group, "data": data})
    mappings = {k: [v] for k, v in PRESENCES.items()}
    return Json({"systemToOrganizationMappings": mappings, "results": results})
