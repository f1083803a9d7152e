"""The simulated org: generated entities, lookup indexes and the mutable part (action edits,
republished flows, the dependency-tracking knobs and counters in ``flow_state``).

Everything is derived from ``SimConfig.seed``; only changes made through the API (and the
control routes) are state, and only action edits are persisted (see :mod:`gctui.sim.persist`).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from gctui.sim.config import SimConfig
from gctui.sim.flows_state import FlowsState
from gctui.sim.gen_actions import ActionProfile, generate_actions
from gctui.sim.gen_flows import DEP_TYPE, Edge, default_version, generate_flows, live_versions
from gctui.sim.gen_routing import QueueProfile, generate_queues
from gctui.sim.gen_telephony import EdgeProfile, TrunkProfile, generate_edges


@dataclass
class Org:
    config: SimConfig
    org_id: str
    actions: list[dict[str, Any]]
    action_profiles: dict[str, ActionProfile]
    flows: list[dict[str, Any]]
    flow_versions: dict[str, dict[str, list[Edge]]]  # flow id -> version id -> what it consumes
    queues: list[dict[str, Any]]
    queue_profiles: dict[str, QueueProfile]
    edges: list[dict[str, Any]]
    edge_profiles: dict[str, EdgeProfile]
    trunks: list[dict[str, Any]]
    trunk_profiles: dict[str, TrunkProfile]
    # what flows consume besides flows, actions and queues, and objects that no longer exist
    dep_resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted_objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    unknown_objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    action_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    flow_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    edge_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    trunk_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the graph read both ways, by each flow's current version (published, else checked in, else
    # saved): consumed[flow id] = its edges, consumers[target id] = flow ids; draft_consumers holds
    # the flows that consume a target only in another (newer, draft) version
    consumed: dict[str, list[Edge]] = field(default_factory=dict)
    consumers: dict[str, list[str]] = field(default_factory=dict)
    draft_consumers: dict[str, list[str]] = field(default_factory=dict)
    flow_index: dict[str, int] = field(default_factory=dict)
    flows_by_type: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    test_counter: dict[str, int] = field(default_factory=dict)
    flow_state: FlowsState = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.flow_state = FlowsState(self.config)

    def index(self) -> None:
        self.action_by_id = {a["id"]: a for a in self.actions}
        self.flow_by_id = {f["id"]: f for f in self.flows}
        self.flow_index = {f["id"]: i for i, f in enumerate(self.flows)}
        self.queue_by_id = {q["id"]: q for q in self.queues}
        self.edge_by_id = {e["id"]: e for e in self.edges}
        self.trunk_by_id = {t["id"]: t for t in self.trunks}
        self.consumed, self.consumers, self.draft_consumers = {}, {}, {}
        for f in self.flows:
            self.link_flow(f)
        self.flows_by_type = {}
        for f in self.flows:
            self.flows_by_type.setdefault(f["type"], []).append(f)

    def link_flow(self, flow: dict[str, Any]) -> None:
        """Enter what the flow's versions consume into ``consumed``/``consumers``/``draft_consumers``."""
        flow_id = flow["id"]
        versions = self.flow_versions[flow_id]
        current = default_version(flow)
        edges = versions[current["id"]] if current is not None else []
        self.consumed[flow_id] = edges
        seen = set()
        for target, _, _ in edges:
            if target not in seen:
                seen.add(target)
                self.consumers.setdefault(target, []).append(flow_id)
        for vid in live_versions(flow):
            for target, _, _ in versions[vid]:
                if target not in seen:
                    seen.add(target)
                    self.draft_consumers.setdefault(target, []).append(flow_id)

    def unlink_flow(self, flow: dict[str, Any]) -> None:
        """Undo :meth:`link_flow` (before the flow's versions change)."""
        flow_id = flow["id"]
        versions = self.flow_versions[flow_id]
        targets = {t for vid in live_versions(flow) for t, _, _ in versions[vid]}
        for index in (self.consumers, self.draft_consumers):
            for target in targets:
                ids = index.get(target)
                if ids and flow_id in ids:
                    ids.remove(flow_id)
        self.consumed.pop(flow_id, None)

    def effective_timeout_s(self, action: dict[str, Any]) -> int:
        t = action.get("config", {}).get("timeoutSeconds")
        return int(t) if t is not None else self.config.default_action_timeout_s

    def dependency_ref(self, obj_id: str) -> dict[str, Any] | None:
        """The ``Dependency`` JSON for any object of the org, or None if unknown.

        A flow shows its current version (published, else checked in, else saved); objects that
        were deleted show ``deleted: true``, those the index cannot resolve ``stateUnknown: true``."""
        if (f := self.flow_by_id.get(obj_id)) is not None:
            ver = default_version(f) or {}
            return _dep(obj_id, f["name"], DEP_TYPE[f["type"]], f["selfUri"], ver.get("id"))
        if (a := self.action_by_id.get(obj_id)) is not None:
            kind = "SECUREACTION" if a["secure"] else "DATAACTION"
            return _dep(obj_id, a["name"], kind, a["selfUri"], str(a["version"]))
        if (q := self.queue_by_id.get(obj_id)) is not None:
            return _dep(obj_id, q["name"], "QUEUE", q["selfUri"])
        if (r := self.dep_resources.get(obj_id)) is not None:
            return _dep(obj_id, r["name"], r["type"], r["selfUri"])
        if (d := self.deleted_objects.get(obj_id)) is not None:
            return _dep(obj_id, d["name"], d["type"], d["selfUri"], deleted=True)
        if (u := self.unknown_objects.get(obj_id)) is not None:
            return _dep(obj_id, u["name"], u["type"], u["selfUri"], state_unknown=True)
        return None


def _dep(
    obj_id: str,
    name: str,
    kind: str,
    self_uri: str,
    version: str | None = None,
    *,
    deleted: bool = False,
    state_unknown: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": obj_id, "name": name}
    if version is not None:
        out["version"] = version
    out.update(
        {
            "type": kind,
            "deleted": deleted,
            "updated": False,
            "stateUnknown": state_unknown,
            "selfUri": self_uri,
        }
    )
    return out


def build_org(config: SimConfig) -> Org:
    """Generate the whole org from the seed (same seed, same org)."""
    rng = random.Random(config.seed)
    org_id = "5f1e0a52-" + f"{config.seed & 0xFFFF:04x}-4b1e-9c3d-5a7e00000001"
    actions, aprof = generate_actions(config.actions, random.Random(rng.getrandbits(64)))
    queues, qprof = generate_queues(config.queues, random.Random(rng.getrandbits(64)))
    fd = generate_flows(
        config.flows,
        [(a["id"], bool(a["secure"])) for a in actions],
        [q["id"] for q in queues],
        random.Random(rng.getrandbits(64)),
    )
    flows = fd.flows
    edges, eprof, trunks, tprof = generate_edges(config.edges, random.Random(rng.getrandbits(64)), config)
    in_queue = [f for f in flows if f["type"] == "INQUEUECALL"]
    for i, q in enumerate(queues):
        if in_queue:
            f = in_queue[i % len(in_queue)]
            q["queueFlow"] = {"id": f["id"], "name": f["name"], "selfUri": f["selfUri"]}
    org = Org(config, org_id, actions, aprof, flows, fd.versions, queues, qprof, edges, eprof, trunks, tprof)
    org.dep_resources = {r["id"]: r for objs in fd.resources.values() for r in objs}
    org.deleted_objects = {d["id"]: d for d in fd.deleted}
    org.unknown_objects = {u["id"]: u for u in fd.unknown}
    org.index()
    return org
