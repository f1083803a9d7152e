"""Edges in edge groups, their trunks, and each one's load profile (what its metrics move around).

Edges come in edge groups of ``edge_group_min``..``edge_group_max`` edges (drawn from the seed),
one site per group. The first edge is hot (high CPU and memory, its first trunk busy); about 15 %
of the others are too; with more than 3 edges the last one is offline. Trunks: 2-3 per edge, or
exactly ``SimConfig.trunks`` spread over the edges. How the load moves with time is
:mod:`gctui.sim.load_telephony`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gctui.sim.det import mix, new_uuid, str_key

if TYPE_CHECKING:
    from gctui.sim.config import SimConfig

TP = "/api/v2/telephony/providers/edges"
SITES = ("Paris", "London", "Frankfurt", "Dublin", "New York", "Chicago", "Sydney", "Tokyo")
# standard-time UTC offsets of the sites (the daily shape peaks at 13:00 local)
SITE_TZ = {
    "Paris": 1,
    "London": 0,
    "Frankfurt": 1,
    "Dublin": 0,
    "New York": -5,
    "Chicago": -6,
    "Sydney": 10,
    "Tokyo": 9,
}
CREATED = "2023-05-02T08:00:00.000Z"


@dataclass
class EdgeProfile:
    cpu_pct: float  # mean total CPU busy %
    mem_used: float  # fraction of physical memory used
    online: bool
    trend_per_h: float = 0.0  # CPU points per hour of simulator time (drift from the clock's start)
    tz: int = 0  # the site's UTC offset, hours
    group_id: str = ""


@dataclass
class TrunkProfile:
    channels: int  # configured concurrent-call capacity (not exposed by the API)
    load: float  # mean fraction of channels busy
    connected: bool
    in_service: bool
    edge_id: str = ""
    tz: int = 0


def _slug(site: str) -> str:
    return site.lower().replace(" ", "")


def group_sizes(count: int, lo: int, hi: int, rng: random.Random) -> list[int]:
    """Sizes of consecutive edge groups covering ``count`` edges (a short tail joins the last)."""
    sizes: list[int] = []
    left = count
    while left > 0:
        n = min(rng.randint(lo, hi), left)
        if n < lo and sizes and sizes[-1] + n <= hi:
            sizes[-1] += n
        else:
            sizes.append(n)
        left -= n
    return sizes


def _trunk_counts(edges: int, trunks: int | None, rng: random.Random) -> list[int]:
    if trunks is None:
        return [2 if rng.random() < 0.7 else 3 for _ in range(edges)]
    if edges == 0:
        return []
    base, extra = divmod(trunks, edges)
    return [base + (1 if i < extra else 0) for i in range(edges)]


def _group(gid: str, name: str, site: str) -> dict[str, Any]:
    base = str(uuid.UUID(int=(mix(str_key(gid)) << 64) | mix(str_key(gid), 1), version=4))
    return {
        "id": gid,
        "name": name,
        "description": f"{site} edges",
        "version": 1,
        "dateCreated": CREATED,
        "dateModified": CREATED,
        "state": "active",
        "managed": False,
        "hybrid": False,
        "edgeTrunkBaseAssignment": {
            "family": 4,
            "trunkBase": {
                "id": base,
                "name": f"{site} Phone Trunk",
                "selfUri": f"{TP}/trunkbasesettings/{base}",
            },
        },
        "phoneTrunkBases": [],
        "selfUri": f"{TP}/edgegroups/{gid}",
    }


def generate_edges(
    count: int, rng: random.Random, config: SimConfig | None = None
) -> tuple[list[dict[str, Any]], dict[str, EdgeProfile], list[dict[str, Any]], dict[str, TrunkProfile]]:
    lo, hi = (config.edge_group_min, config.edge_group_max) if config is not None else (2, 5)
    sizes = group_sizes(count, lo, hi, rng)
    site_ids = {s: new_uuid(rng) for s in SITES}
    groups: list[dict[str, Any]] = []
    for j in range(len(sizes)):
        site = SITES[j % len(SITES)]
        groups.append(_group(new_uuid(rng), f"{site} Edge Group {j // len(SITES) + 1}", site))
    member_of = [j for j, n in enumerate(sizes) for _ in range(n)]
    counts = _trunk_counts(count, config.trunks if config is not None else None, rng)

    edges: list[dict[str, Any]] = []
    trunks: list[dict[str, Any]] = []
    eprof: dict[str, EdgeProfile] = {}
    tprof: dict[str, TrunkProfile] = {}
    for i in range(count):
        eid = new_uuid(rng)
        j = member_of[i]
        site = SITES[j % len(SITES)]
        g = groups[j]
        gref = {"id": g["id"], "name": g["name"], "selfUri": g["selfUri"]}
        hot = i == 0 or rng.random() < 0.15
        online = not (i == count - 1 and count > 3)
        trend = rng.uniform(-0.3, 0.6) if rng.random() < 0.35 else 0.0
        trend = abs(trend) if hot else trend  # a hot edge never cools off
        eprof[eid] = EdgeProfile(
            rng.uniform(85, 93) if hot else rng.uniform(15, 60),
            rng.uniform(0.86, 0.93) if hot else rng.uniform(0.35, 0.7),
            online,
            trend,
            SITE_TZ[site],
            g["id"],
        )
        name = f"{_slug(site)}-edge-{i + 1:02d}"
        self_uri = f"{TP}/{eid}"
        edges.append(
            {
                "id": eid,
                "name": name,
                "description": f"{site} edge",
                "version": 3,
                "state": "active",
                "make": "Genesys",
                "model": "Virtual Edge",
                "apiVersion": "v1",
                "softwareVersion": "1.0.0.12345",
                "fullSoftwareVersion": "1.0.0.12345-x86_64",
                "statusCode": "ACTIVE" if online else "INACTIVE",
                "onlineStatus": "ONLINE" if online else "OFFLINE",
                "edgeGroup": gref,
                "site": {"id": site_ids[site], "name": site, "selfUri": f"{TP}/sites/{site_ids[site]}"},
                "edgeDeploymentType": "HARDWARE",
                "callDrainingState": "NONE",
                "managed": False,
                "physicalEdge": True,
                "conversationCount": 0,
                "offlineConfigCalled": False,
                "osName": "Linux",
                "selfUri": self_uri,
            }
        )
        for k in range(counts[i]):
            tid = new_uuid(rng)
            busy = (i == 0 and k == 0) or rng.random() < 0.1
            connected = online and not (i == 1 and k == 1)
            tprof[tid] = TrunkProfile(
                rng.choice((23, 30, 60, 120, 240)),
                rng.uniform(0.85, 0.95) if busy else rng.uniform(0.1, 0.6),
                connected,
                online,
                eid,
                SITE_TZ[site],
            )
            li = new_uuid(rng)
            trunks.append(
                {
                    "id": tid,
                    "name": f"{site} SIP Trunk {k + 1} ({name})",
                    "version": 2,
                    "state": "active",
                    "trunkType": "EXTERNAL",
                    "dateCreated": CREATED,
                    "dateModified": "2024-02-11T12:00:00.000Z",
                    "edge": {"id": eid, "name": name, "selfUri": self_uri},
                    "trunkBase": {
                        "id": new_uuid(rng),
                        "name": f"{site} Carrier",
                        "selfUri": f"{TP}/trunkbasesettings/{tid}",
                    },
                    "edgeGroup": gref,
                    "logicalInterface": {
                        "id": li,
                        "name": "eth0",
                        "selfUri": f"{TP}/{eid}/logicalinterfaces/{li}",
                    },
                    "inService": online,
                    "enabled": online,
                    "connectedStatus": {
                        "connected": connected,
                        "connectedStateTime": "2024-05-01T06:00:00.000Z",
                    },
                    "optionsEnabledStatus": "ENABLED",
                    "registersEnabledStatus": "DISABLED",
                    "family": 4,
                    "proxyAddressList": [f"sip.{_slug(site)}.carrier.example.net"],
                    "selfUri": f"{TP}/trunks/{tid}",
                }
            )
    return edges, eprof, trunks, tprof


def edge_groups_of(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The EdgeGroup entities the edges name, in first-seen order (rebuilt from their refs)."""
    seen: dict[str, dict[str, Any]] = {}
    for e in edges:
        ref = e["edgeGroup"]
        if ref["id"] not in seen:
            seen[ref["id"]] = _group(ref["id"], ref["name"], e["site"]["name"])
    return list(seen.values())
