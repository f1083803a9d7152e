"""Edge CPU/memory and trunk concurrent calls as functions of the simulator's clock.

Every value is a pure function of (seed-made profile, scenario, clock time), so two reads at the
same simulator time agree and a test moves time with :class:`gctui.sim.clock.SimClock`:

- **base**: the profile's mean (hot edges ~85-93 % CPU, 0.86-0.93 memory; busy trunks 85-95 %).
- **trend**: about a third of the edges drift ``trend_per_h`` CPU points per hour from the
  clock's origin (-0.3..+0.6, at most +/-10 points in all).
- **daily shape**: ``exp(-((h - 13) / 4.5)^2)`` of the site's local hour ``h``: CPU +/-3 points
  (hot edges +/-1), trunks +/-10 % of their channels (busy ones +/-2 %).
- **noise**: from the seed, the entity and the 15 s slot of simulator time: CPU +/-2 points,
  memory +/-0.01, trunks +/-0.03 of the channels.

Scenarios (``SimConfig.scaling_scenario``; run time ``PUT /sim/control/telephony/scenario``) apply
to the **target** (an edge group id, edge id or edge name; default the first edge's group) from
the scenario's start (``startEpoch``: the clock's origin, or the clock's now at the PUT):

- ``default``: base + trend + daily shape + noise, everywhere.
- ``steady``: base only, everywhere: constant values, no noise (exact, hand-computable).
- ``cpu-ramp``: the target's online edges: CPU ``60 + 30 * (t - start) / ramp`` % (cpu 60 % at the
  start, 90 % after ``ramp`` seconds, 1200 by default, the same slope on, capped at 99.5), noise
  +/-0.5; memory as default. Others as default.
- ``memory-ramp``: the target's online edges: physical memory used ``0.70 + 0.25 * (t - start) /
  ramp`` (0.95 after ``ramp``), capped at 0.99, noise +/-0.002.
- ``trunk-surge``: the target's connected trunks: ``0.40 + 0.60 * (t - start) / ramp`` of their
  channels busy (all of them after ``ramp``), noise +/-0.01.

Before the start, a ramped value holds its starting level. Offline edges read 0 CPU and memory
and an ``eventTime`` an hour old; disconnected trunks carry no calls.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gctui.sim.clock import clock_of
from gctui.sim.config import SCALING_SCENARIOS
from gctui.sim.det import iso, str_key, unit
from gctui.sim.gen_telephony import EdgeProfile, TrunkProfile, edge_groups_of

if TYPE_CHECKING:
    from gctui.sim.clock import SimClock
    from gctui.sim.org import Org
    from gctui.sim.runtime import SimRuntime

GIB = 1 << 30
SLOT_S = 15.0
CORES = 4
MAX_TREND_POINTS = 10.0
RAMP_CPU = (60.0, 90.0)
RAMP_MEM = (0.70, 0.95)
RAMP_TRUNK = (0.40, 1.0)
_LOCK = threading.Lock()


def daily(t: float, tz: int) -> float:
    """0..1: the contact-centre day at a site (peak at 13:00 local)."""
    h = ((t / 3600.0) + tz) % 24.0
    return math.exp(-(((h - 13.0) / 4.5) ** 2))


def _noise(key: int, t: float, salt: int) -> float:
    """-0.5..0.5, fixed per entity, 15 s slot of simulator time and salt."""
    return unit(key, int(t // SLOT_S), salt) - 0.5


@dataclass
class Scenario:
    name: str
    target: str | None
    ramp_seconds: float
    start: float

    def to_json(self, group_id: str | None) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "target": self.target,
            "targetGroupId": group_id,
            "rampSeconds": self.ramp_seconds,
            "startEpoch": self.start,
            "start": iso(self.start),
            "scenarios": list(SCALING_SCENARIOS),
        }


@dataclass
class TelephonyLoad:
    """The scenario and the indexes of one simulator's edges, groups, sites and trunks."""

    org: Org
    clock: SimClock
    scenario: Scenario = field(init=False)
    groups: list[dict[str, Any]] = field(init=False)
    group_by_id: dict[str, dict[str, Any]] = field(init=False)
    edges_by_group: dict[str, list[dict[str, Any]]] = field(init=False)
    edges_by_site: dict[str, list[dict[str, Any]]] = field(init=False)
    trunks_by_edge: dict[str, list[dict[str, Any]]] = field(init=False)
    _targets: tuple[frozenset[str], frozenset[str], str | None] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        org = self.org
        self.groups = edge_groups_of(org.edges)
        self.group_by_id = {g["id"]: g for g in self.groups}
        self.edges_by_group, self.edges_by_site, self.trunks_by_edge = {}, {}, {}
        for e in org.edges:
            self.edges_by_group.setdefault(e["edgeGroup"]["id"], []).append(e)
            self.edges_by_site.setdefault(e["site"]["id"], []).append(e)
        for t in org.trunks:
            self.trunks_by_edge.setdefault(t["edge"]["id"], []).append(t)
        cfg = org.config
        self.scenario = Scenario(
            cfg.scaling_scenario, cfg.scaling_target, cfg.scaling_ramp_seconds, self.clock.origin
        )
        self._targets = self._resolve(cfg.scaling_target)

    # --- the scenario --------------------------------------------------------------------------
    def _resolve(self, target: str | None) -> tuple[frozenset[str], frozenset[str], str | None]:
        """(edge ids, trunk ids, group id) the target names; ValueError for an unknown one."""
        edges = self.org.edges
        if not edges:
            return frozenset(), frozenset(), None
        if target is None:
            gid: str | None = edges[0]["edgeGroup"]["id"]
            members = self.edges_by_group[gid] if gid else []
        elif target in self.edges_by_group:
            gid, members = target, self.edges_by_group[target]
        else:
            found = [e for e in edges if target in (e["id"], e["name"])]
            if not found:
                raise ValueError(f"target {target!r} is not an edge group id, edge id or edge name")
            gid, members = None, found
        eids = frozenset(e["id"] for e in members)
        tids = frozenset(t["id"] for eid in eids for t in self.trunks_by_edge.get(eid, []))
        return eids, tids, gid

    def set_scenario(
        self,
        name: str,
        *,
        target: str | None = None,
        ramp_seconds: float | None = None,
        start: float | None = None,
    ) -> dict[str, Any]:
        """Switch scenario (its start: ``start`` epoch, else the clock's now); answer the state."""
        if name not in SCALING_SCENARIOS:
            raise ValueError("scenario must be one of " + ", ".join(SCALING_SCENARIOS))
        ramp = self.scenario.ramp_seconds if ramp_seconds is None else ramp_seconds
        if isinstance(ramp, bool) or not isinstance(ramp, int | float) or not 1 <= ramp <= 30 * 86400:
            raise ValueError("rampSeconds must be a number from 1 to 2592000")
        targets = self._resolve(target)
        with self._lock:
            self._targets = targets
            self.scenario = Scenario(name, target, float(ramp), self.clock.now() if start is None else start)
        return self.state()

    def state(self) -> dict[str, Any]:
        return self.scenario.to_json(self._targets[2])

    def facts(self) -> dict[str, Any]:
        """Sim-only facts the API does not expose (trunk channels), for tests and demos."""
        tp = self.org.trunk_profiles
        return {
            "scenario": self.state(),
            "clock": self.clock.to_json(),
            "edgeGroups": [
                {"id": g["id"], "name": g["name"], "edgeIds": [e["id"] for e in self.edges_by_group[g["id"]]]}
                for g in self.groups
            ],
            "trunkChannels": {t["id"]: tp[t["id"]].channels for t in self.org.trunks},
            "targetEdgeIds": sorted(self._targets[0]),
        }

    def _progress(self, t: float) -> float:
        s = self.scenario
        return max(0.0, (t - s.start) / s.ramp_seconds)

    # --- values --------------------------------------------------------------------------------
    def edge_values(self, edge_id: str, prof: EdgeProfile, t: float) -> tuple[float, float]:
        """(total CPU %, physical memory used 0-1) of an online edge at simulator time ``t``."""
        name = self.scenario.name
        key = str_key(edge_id)
        if name == "steady":
            return prof.cpu_pct, prof.mem_used
        hot = prof.cpu_pct >= 80
        trend = max(
            -MAX_TREND_POINTS, min(MAX_TREND_POINTS, prof.trend_per_h * (t - self.clock.origin) / 3600)
        )
        cpu = (
            prof.cpu_pct + trend + (2.0 if hot else 6.0) * (daily(t, prof.tz) - 0.5) + 4.0 * _noise(key, t, 0)
        )
        mem = prof.mem_used + 0.02 * _noise(key, t, 1)
        targeted = edge_id in self._targets[0]
        if targeted and name == "cpu-ramp":
            lo, hi = RAMP_CPU
            cpu = lo + (hi - lo) * self._progress(t) + _noise(key, t, 2)
        elif targeted and name == "memory-ramp":
            lo, hi = RAMP_MEM
            mem = lo + (hi - lo) * self._progress(t) + 0.004 * _noise(key, t, 3)
        return min(99.5, max(1.0, cpu)), min(0.99, max(0.05, mem))

    def trunk_calls(self, trunk_id: str, prof: TrunkProfile, t: float) -> int:
        """Concurrent calls on a trunk at simulator time ``t``."""
        if not prof.connected:
            return 0
        name = self.scenario.name
        if name == "steady":
            load = prof.load
        elif name == "trunk-surge" and trunk_id in self._targets[1]:
            lo, hi = RAMP_TRUNK
            load = lo + (hi - lo) * self._progress(t) + 0.02 * _noise(str_key(trunk_id), t, 4)
        else:
            amp = 0.04 if prof.load >= 0.8 else 0.2
            load = prof.load + amp * (daily(t, prof.tz) - 0.5) + 0.06 * _noise(str_key(trunk_id), t, 5)
        return int(prof.channels * min(1.0, max(0.0, load)))

    # --- response bodies (EdgeMetrics, TrunkMetrics of the reference §5) -----------------------
    def edge_metrics(self, edge_id: str) -> dict[str, Any]:
        org = self.org
        edge = org.edge_by_id[edge_id]
        prof = org.edge_profiles[edge_id]
        now = self.clock.now()
        if prof.online:
            total, used = self.edge_values(edge_id, prof, now)
            event = now
        else:
            total, used, event = 0.0, 0.0, now - 3600
        key = str_key(edge_id)
        steady = self.scenario.name == "steady"
        procs = [_processor("total", total)]
        for c in range(CORES):
            spread = 0.0 if steady else 12.0 * _noise(key, now, 10 + c)
            procs.append(_processor(str(c), min(100.0, max(0.0, total + spread))))
        mem_total = 16 * GIB
        return {
            "edge": {"id": edge_id, "name": edge["name"], "selfUri": edge["selfUri"]},
            "eventTime": iso(event),
            "upTimeMsec": int((now % (30 * 86400)) * 1000) if prof.online else 0,
            "processors": procs,
            "memory": [
                {
                    "type": "physical",
                    "availableBytes": round(mem_total * (1 - used)),
                    "totalBytes": mem_total,
                },
                {
                    "type": "virtual",
                    "availableBytes": round(2 * mem_total * (1 - used / 2)),
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

    def trunk_metrics(self, trunk_id: str) -> dict[str, Any]:
        org = self.org
        trunk = org.trunk_by_id[trunk_id]
        now = self.clock.now()
        calls = self.trunk_calls(trunk_id, org.trunk_profiles[trunk_id], now)
        inbound = int(calls * 0.8)
        return {
            "eventTime": iso(now),
            "logicalInterface": trunk["logicalInterface"],
            "trunk": {"id": trunk_id, "name": trunk["name"], "selfUri": trunk["selfUri"]},
            "calls": {"inboundCallCount": inbound, "outboundCallCount": calls - inbound},
            "qos": {"mismatchCount": int(unit(str_key(trunk_id), 3) * 4)},
        }


def _processor(cpu_id: str, pct: float) -> dict[str, Any]:
    return {
        "cpuId": cpu_id,
        "activeTimePct": round(pct, 2),
        "idleTimePct": round(100 - pct, 2),
        "privilegedTimePct": round(pct * 0.2, 2),
        "userTimePct": round(pct * 0.8, 2),
    }


def load_of(rt: SimRuntime) -> TelephonyLoad:
    """The telephony load of a running simulator (made on first use)."""
    load = rt.__dict__.get("_telephony_load")
    if load is None:
        with _LOCK:
            load = rt.__dict__.get("_telephony_load")
            if load is None:
                load = rt.__dict__["_telephony_load"] = TelephonyLoad(rt.org, clock_of(rt))
    assert isinstance(load, TelephonyLoad)
    return load
