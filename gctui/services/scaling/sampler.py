"""One sampling pass over the org: edges and their groups, edge metrics (CPU total, physical
memory), trunks and their concurrent calls against the configured channels (the API has no
capacity field, analytics reference §5), and the inputs of the arrival trend and Erlang C:
nOffered/tHandle per queue and interval (§1.5), agents on queue now (§3), the queues'
service-level targets (§4.2)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from gctui.config.scaling import ScalingConfig
from gctui.genesys.api import GenesysApi
from gctui.genesys.models import Edge, EdgeMetrics, Queue, Trunk, TrunkMetrics
from gctui.services.scaling.models import Kind, NodeGroup, Sample

UNGROUPED = "ungrouped"
DEFAULT_SL = (0.8, 20.0)  # share, seconds: when a queue has no call service level configured


@dataclass(frozen=True, slots=True)
class QueueLoad:
    """A queue's arrivals and handle time over the window, its target and its agents now."""

    queue_id: str
    name: str
    offered: int
    window_s: float
    handle_count: int
    handle_sum_ms: float
    sl_target: float
    sl_threshold_s: float
    agents_on_queue: int | None


@dataclass(frozen=True, slots=True)
class Pass:
    """What one sampling pass read."""

    at: float
    samples: list[Sample]
    groups: list[NodeGroup]
    arrivals: list[int] = field(default_factory=list)  # org-wide nOffered per interval, oldest first
    arrival_interval_s: float = 900.0
    queues: list[QueueLoad] = field(default_factory=list)


def edge_key(edge_id: str, kind: Kind) -> str:
    return f"edge:{edge_id}:{kind}"


def trunk_key(trunk_id: str) -> str:
    return f"trunk:{trunk_id}"


def memory_share(m: EdgeMetrics) -> float | None:
    for mem in m.memory:
        if (
            (mem.type or "physical").lower() == "physical"
            and mem.total_bytes
            and mem.available_bytes is not None
        ):
            return max(0.0, min(1.0, 1.0 - mem.available_bytes / mem.total_bytes))
    return None


def group_ref(edge: Edge) -> tuple[str, str]:
    """(group id, group name) of an edge; edges without a group share one pseudo-group."""
    if edge.edge_group is None:
        return UNGROUPED, UNGROUPED
    return edge.edge_group.id, edge.edge_group.name or edge.edge_group.id


def groups_of(edges: list[Edge], trunk_calls: dict[str, int], trunks: list[Trunk]) -> list[NodeGroup]:
    """Edge groups from the edges' ``edgeGroup`` refs; sessions: calls on the group's trunks."""
    members: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    edge_group: dict[str, str] = {}
    for e in edges:
        gid, gname = group_ref(e)
        members.setdefault(gid, []).append(e.id)
        names[gid] = gname
        edge_group[e.id] = gid
    sessions: dict[str, int] = {}
    for t in trunks:
        owner = edge_group.get(t.edge.id) if t.edge else None
        if owner is not None:
            sessions[owner] = sessions.get(owner, 0) + trunk_calls.get(t.id, 0)
    return [NodeGroup(g, names[g], tuple(ids), sessions.get(g, 0)) for g, ids in sorted(members.items())]


def samples_of(
    edges: list[Edge],
    edge_metrics: list[EdgeMetrics],
    trunks: list[Trunk],
    trunk_metrics: list[TrunkMetrics],
    config: ScalingConfig,
    at: float,
) -> tuple[list[Sample], dict[str, int]]:
    by_edge = {m.edge.id: m for m in edge_metrics if m.edge}
    by_trunk = {m.trunk.id: m for m in trunk_metrics if m.trunk}
    out: list[Sample] = []
    for e in edges:
        gid, gname = group_ref(e)
        m = by_edge.get(e.id)
        when = _when(m.event_time if m is not None else None, at)
        online = (e.online_status or "ONLINE").upper() == "ONLINE"
        cpu = m.cpu_pct if m is not None and online else None
        mem = memory_share(m) if m is not None and online else None
        out.append(Sample(edge_key(e.id, Kind.CPU), Kind.CPU, e.name, gid, gname, when,
                          None if cpu is None else max(0.0, min(1.0, cpu / 100.0)), cpu))  # fmt: skip
        out.append(Sample(edge_key(e.id, Kind.MEMORY), Kind.MEMORY, e.name, gid, gname, when, mem, mem))
    refs = {e.id: group_ref(e) for e in edges}
    calls: dict[str, int] = {}
    for t in trunks:
        tm = by_trunk.get(t.id)
        channels = config.channels_for(t.id, t.name)
        n = None
        if tm is not None and tm.calls is not None:
            n = tm.calls.inbound_call_count + tm.calls.outbound_call_count
            calls[t.id] = n
        tgid, tgname = refs.get(t.edge.id, (None, None)) if t.edge else (None, None)
        when = _when(tm.event_time if tm else None, at)
        out.append(
            Sample(trunk_key(t.id), Kind.TRUNK, t.name, tgid, tgname, when,
                   None if n is None else n / channels, None if n is None else float(n), float(channels))
        )  # fmt: skip
    return out, calls


async def sample_pass(
    api: GenesysApi,
    config: ScalingConfig,
    *,
    clock: Callable[[], float] = time.time,
    with_queues: bool = True,
) -> Pass:
    """Read the org once (edges, trunks, their metrics; queues' load when ``with_queues``)."""
    edges = [e async for e in api.edges()]
    trunks = [t async for t in api.trunks()]
    edge_metrics = await api.edge_metrics([e.id for e in edges]) if edges else []
    trunk_metrics = await api.trunk_metrics([t.id for t in trunks]) if trunks else []
    samples, calls = samples_of(edges, edge_metrics, trunks, trunk_metrics, config, clock())
    # The org's "now": when its metrics were measured (a simulator's clock may not be ours).
    at = max((s.at for s in samples if s.value is not None), default=clock())
    groups = groups_of(edges, calls, trunks)
    if not with_queues:
        return Pass(at, samples, groups)
    arrivals, interval_s, queues = await queue_load(api, config, at)
    return Pass(at, samples, groups, arrivals, interval_s, queues)


async def queue_load(
    api: GenesysApi, config: ScalingConfig, at: float
) -> tuple[list[int], float, list[QueueLoad]]:
    """(org nOffered per full interval, the interval, the busiest queues' load)."""
    step = timedelta(minutes=config.arrival_interval_minutes)
    now = datetime.fromtimestamp(at, UTC)
    end = datetime.fromtimestamp(at - at % step.total_seconds(), UTC)
    buckets = max(1, int(config.arrival_window_minutes // config.arrival_interval_minutes))
    start = end - step * buckets
    if end <= start or now < end:
        return [], step.total_seconds(), []
    query: dict[str, Any] = {
        "interval": f"{_iso(start)}/{_iso(end)}",
        "granularity": f"PT{config.arrival_interval_minutes}M",
        "groupBy": ["queueId"],
        "metrics": ["nOffered", "tHandle"],
        "filter": {"type": "and", "predicates": [{"dimension": "mediaType", "value": "voice"}]},
    }
    resp = await api.conversation_aggregates(query)
    per_bucket = [0] * buckets
    per_queue: dict[str, list[float]] = {}  # offered, handle count, handle sum
    for result in resp.results:
        qid = result.group.get("queueId")
        for cell in result.data:
            idx = _bucket_index(cell.interval, start, step, buckets)
            for m in cell.metrics:
                if m.metric == "nOffered":
                    n = m.stats.count or 0
                    if idx is not None:
                        per_bucket[idx] += n
                    if qid:
                        per_queue.setdefault(qid, [0.0, 0.0, 0.0])[0] += n
                elif m.metric == "tHandle" and qid:
                    acc = per_queue.setdefault(qid, [0.0, 0.0, 0.0])
                    acc[1] += m.stats.count or 0
                    acc[2] += m.stats.sum or 0.0
    busiest = sorted(per_queue, key=lambda q: -per_queue[q][0])[: config.busiest_queues]
    busiest = [q for q in busiest if per_queue[q][0] > 0]
    loads: list[QueueLoad] = []
    if busiest:
        queues = {q.id: q async for q in api.queues() if q.id in set(busiest)}
        on_queue = await agents_on_queue(api, busiest)
        window_s = (end - start).total_seconds()
        for qid in busiest:
            offered, hc, hs = per_queue[qid]
            q = queues.get(qid)
            target, threshold = service_level_of(q)
            loads.append(
                QueueLoad(qid, q.name if q else qid, int(offered), window_s, int(hc), hs, target, threshold,
                          on_queue.get(qid))
            )  # fmt: skip
    return per_bucket, step.total_seconds(), loads


def service_level_of(queue: Queue | None) -> tuple[float, float]:
    """(target share, threshold seconds) from ``mediaSettings.call.serviceLevel`` (§4.2)."""
    if queue is None or not queue.media_settings:
        return DEFAULT_SL
    call = queue.media_settings.get("call")
    sl = call.service_level if call else None
    if sl is None or sl.percentage is None or sl.duration_ms is None:
        return DEFAULT_SL
    return float(sl.percentage), sl.duration_ms / 1000.0


async def agents_on_queue(api: GenesysApi, queue_ids: list[str]) -> dict[str, int]:
    """oOnQueueUsers summed over its qualifiers (routing statuses), per queue (§3)."""
    body = {
        "filter": {"type": "or", "predicates": [{"dimension": "queueId", "value": q} for q in queue_ids]},
        "metrics": ["oOnQueueUsers"],
    }
    resp = await api.queue_observations(body)
    out: dict[str, int] = {}
    for r in resp.results:
        qid = r.group.get("queueId")
        if not qid:
            continue
        total = sum(d.stats.count or 0 for d in r.data if d.metric == "oOnQueueUsers")
        out[qid] = out.get(qid, 0) + total
    return out


def _when(event_time: datetime | None, fallback: float) -> float:
    """A sample's time: the metric's ``eventTime`` (when the edge measured it), else now."""
    return event_time.timestamp() if event_time is not None else fallback


def _bucket_index(interval: str | None, start: datetime, step: timedelta, buckets: int) -> int | None:
    if not interval:
        return None
    try:
        begin = datetime.fromisoformat(interval.split("/", 1)[0].replace("Z", "+00:00"))
    except ValueError:
        return None
    idx = int((begin - start) / step)
    return idx if 0 <= idx < buckets else None


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
