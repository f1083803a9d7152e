"""The simulated org: generated entities, lookup indexes and the mutable part (action edits).

Everything is derived from ``SimConfig.seed``; only changes made through the API are state,
and only those are persisted (see :mod:`gctui.sim.persist`).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from gctui.sim.config import SimConfig
from gctui.sim.gen_actions import ActionProfile, generate_actions
from gctui.sim.gen_flows import DEP_TYPE, generate_flows
from gctui.sim.gen_routing import QueueProfile, generate_queues
from gctui.sim.gen_telephony import EdgeProfile, TrunkProfile, generate_edges


@dataclass
class Org:
    config: SimConfig
    org_id: str
    actions: list[dict[str, Any]]
    action_profiles: dict[str, ActionProfile]
    flows: list[dict[str, Any]]
    consumed: dict[str, list[tuple[str, str]]]
    queues: list[dict[str, Any]]
    queue_profiles: dict[str, QueueProfile]
    edges: list[dict[str, Any]]
    edge_profiles: dict[str, EdgeProfile]
    trunks: list[dict[str, Any]]
    trunk_profiles: dict[str, TrunkProfile]
    action_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    flow_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    edge_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    trunk_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    consumers: dict[str, list[str]] = field(default_factory=dict)  # target id -> consuming flow ids
    flows_by_type: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    test_counter: dict[str, int] = field(default_factory=dict)
    # dependency-tracking build: started 2024-05-01T08:00Z, took 0 s (POST .../build restarts it)
    build: dict[str, float] = field(default_factory=lambda: {"started": 1_714_550_400.0, "took": 0.0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def index(self) -> None:
        self.action_by_id = {a["id"]: a for a in self.actions}
        self.flow_by_id = {f["id"]: f for f in self.flows}
        self.queue_by_id = {q["id"]: q for q in self.queues}
        self.edge_by_id = {e["id"]: e for e in self.edges}
        self.trunk_by_id = {t["id"]: t for t in self.trunks}
        self.consumers = {}
        for flow_id, deps in self.consumed.items():
            for target, _ in deps:
                self.consumers.setdefault(target, []).append(flow_id)
        self.flows_by_type = {}
        for f in self.flows:
            self.flows_by_type.setdefault(f["type"], []).append(f)

    def effective_timeout_s(self, action: dict[str, Any]) -> int:
        t = action.get("config", {}).get("timeoutSeconds")
        return int(t) if t is not None else self.config.default_action_timeout_s

    def dependency_ref(self, obj_id: str) -> dict[str, Any] | None:
        """The ``Dependency`` JSON for any object of the org, or None if unknown."""
        if (f := self.flow_by_id.get(obj_id)) is not None:
            ver = f.get("publishedVersion") or f.get("checkedInVersion") or {}
            return {
                "id": obj_id,
                "name": f["name"],
                "version": ver.get("id"),
                "type": DEP_TYPE[f["type"]],
                "deleted": False,
                "updated": False,
                "stateUnknown": False,
                "selfUri": f["selfUri"],
            }
        if (a := self.action_by_id.get(obj_id)) is not None:
            return {
                "id": obj_id,
                "name": a["name"],
                "version": str(a["version"]),
                "type": "SECUREACTION" if a["secure"] else "DATAACTION",
                "deleted": False,
                "updated": False,
                "stateUnknown": False,
                "selfUri": a["selfUri"],
            }
        if (q := self.queue_by_id.get(obj_id)) is not None:
            return {
                "id": obj_id,
                "name": q["name"],
                "type": "QUEUE",
                "deleted": False,
                "updated": False,
                "stateUnknown": False,
                "selfUri": q["selfUri"],
            }
        return None


def build_org(config: SimConfig) -> Org:
    """Generate the whole org from the seed (same seed, same org)."""
    rng = random.Random(config.seed)
    org_id = "5f1e0a52-" + f"{config.seed & 0xFFFF:04x}-4b1e-9c3d-5a7e00000001"
    actions, aprof = generate_actions(config.actions, random.Random(rng.getrandbits(64)))
    queues, qprof = generate_queues(config.queues, random.Random(rng.getrandbits(64)))
    flows, consumed = generate_flows(
        config.flows,
        [a["id"] for a in actions],
        [q["id"] for q in queues],
        random.Random(rng.getrandbits(64)),
    )
    edges, eprof, trunks, tprof = generate_edges(config.edges, random.Random(rng.getrandbits(64)))
    in_queue = [f for f in flows if f["type"] == "INQUEUECALL"]
    for i, q in enumerate(queues):
        if in_queue:
            f = in_queue[i % len(in_queue)]
            q["queueFlow"] = {"id": f["id"], "name": f["name"], "selfUri": f["selfUri"]}
    secure = {a["id"] for a in actions if a["secure"]}
    for deps in consumed.values():  # a flow consumes a secure data action as a SECUREACTION
        deps[:] = [(t, "SECUREACTION" if t in secure else kind) for t, kind in deps]
    org = Org(config, org_id, actions, aprof, flows, consumed, queues, qprof, edges, eprof, trunks, tprof)
    org.index()
    return org
