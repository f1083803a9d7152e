"""Edges and trunks with CPU, memory and concurrent-call load, some near their limits."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from gctui.sim.det import new_uuid

TP = "/api/v2/telephony/providers/edges"
SITES = ("Paris", "London", "Frankfurt", "Dublin", "New York", "Chicago", "Sydney", "Tokyo")


@dataclass
class EdgeProfile:
    cpu_pct: float  # mean total CPU busy %
    mem_used: float  # fraction of physical memory used
    online: bool


@dataclass
class TrunkProfile:
    channels: int  # configured concurrent-call capacity (not exposed by the API)
    load: float  # mean fraction of channels busy
    connected: bool
    in_service: bool


def generate_edges(
    count: int, rng: random.Random
) -> tuple[list[dict[str, Any]], dict[str, EdgeProfile], list[dict[str, Any]], dict[str, TrunkProfile]]:
    edges: list[dict[str, Any]] = []
    trunks: list[dict[str, Any]] = []
    eprof: dict[str, EdgeProfile] = {}
    tprof: dict[str, TrunkProfile] = {}
    for i in range(count):
        eid = new_uuid(rng)
        site = SITES[i % len(SITES)]
        group = {"id": new_uuid(rng), "name": f"{site} Edge Group", "selfUri": f"{TP}/edgegroups/{eid}"}
        hot = i == 0 or rng.random() < 0.15
        online = not (i == count - 1 and count > 3)
        eprof[eid] = EdgeProfile(
            rng.uniform(82, 94) if hot else rng.uniform(15, 60),
            rng.uniform(0.85, 0.95) if hot else rng.uniform(0.35, 0.7),
            online,
        )
        edges.append(
            {
                "id": eid,
                "name": f"{site.lower().replace(' ', '')}-edge-{i + 1:02d}",
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
                "edgeGroup": group,
                "site": {"id": new_uuid(rng), "name": site, "selfUri": f"{TP}/sites/{eid}"},
                "edgeDeploymentType": "HARDWARE",
                "callDrainingState": "NONE",
                "managed": False,
                "physicalEdge": True,
                "conversationCount": 0,
                "offlineConfigCalled": False,
                "osName": "Linux",
                "selfUri": f"/api/v2/telephony/providers/edges/{eid}",
            }
        )
        for j in range(2 if rng.random() < 0.7 else 3):
            tid = new_uuid(rng)
            busy = (i == 0 and j == 0) or rng.random() < 0.1
            connected = online and not (i == 1 and j == 1)
            tprof[tid] = TrunkProfile(
                rng.choice((23, 30, 60, 120, 240)),
                rng.uniform(0.85, 0.97) if busy else rng.uniform(0.1, 0.6),
                connected,
                online,
            )
            trunks.append(
                {
                    "id": tid,
                    "name": f"{site} SIP Trunk {j + 1} ({edges[-1]['name']})",
                    "version": 2,
                    "state": "active",
                    "trunkType": "EXTERNAL",
                    "dateCreated": "2023-05-02T08:00:00.000Z",
                    "dateModified": "2024-02-11T12:00:00.000Z",
                    "edge": {"id": eid, "name": edges[-1]["name"], "selfUri": edges[-1]["selfUri"]},
                    "trunkBase": {
                        "id": new_uuid(rng),
                        "name": f"{site} Carrier",
                        "selfUri": f"{TP}/trunkbasesettings/{tid}",
                    },
                    "edgeGroup": group,
                    "logicalInterface": {
                        "id": new_uuid(rng),
                        "name": "eth0",
                        "selfUri": f"{TP}/{eid}/logicalinterfaces/{tid}",
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
                    "proxyAddressList": [f"sip.{site.lower().replace(' ', '')}.carrier.example.net"],
                    "selfUri": f"/api/v2/telephony/providers/edges/trunks/{tid}",
                }
            )
    return edges, eprof, trunks, tprof
