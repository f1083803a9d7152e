"""Architect flows and their dependencies (consumed common modules, data actions, queues, flows).

A few real dependency cycles are planted among common modules (A -> B -> A, and a 3-cycle) and
among inbound flows that transfer to each other.
"""

from __future__ import annotations

import random
from typing import Any

from gctui.sim.det import new_uuid

FLOW_TYPES = (  # (Flow.type, weight)
    ("INBOUNDCALL", 28),
    ("COMMONMODULE", 20),
    ("INQUEUECALL", 10),
    ("INBOUNDCHAT", 7),
    ("WORKFLOW", 6),
    ("INBOUNDEMAIL", 5),
    ("INBOUNDSHORTMESSAGE", 5),
    ("BOT", 5),
    ("DIGITALBOT", 3),
    ("OUTBOUNDCALL", 3),
    ("VOICEMAIL", 3),
    ("SECURECALL", 2),
    ("INQUEUEEMAIL", 2),
    ("SURVEYINVITE", 1),
)
DEP_TYPE = {t: ("WORKFLOW" if t == "WORKFLOW" else f"{t}FLOW") for t, _ in FLOW_TYPES}
FLOW_OF_DEP = {v: k for k, v in DEP_TYPE.items()}
WORDS = (
    "Main",
    "Sales",
    "Support",
    "Billing",
    "Claims",
    "Retention",
    "Onboarding",
    "After Hours",
    "Holiday",
    "VIP",
    "Spanish",
    "French",
    "Emergency",
    "Callback",
    "Survey",
    "Authentication",
    "Routing",
    "Identify Caller",
    "Check Hours",
    "Queue Selector",
)
DIVISION = {
    "id": "7d9b2a86-0c6e-4b53-8a3c-5c62d0d1e001",
    "name": "Home",
    "selfUri": "/api/v2/authorization/divisions/7d9b2a86-0c6e-4b53-8a3c-5c62d0d1e001",
}
AUTHOR = "a5e2d6f0-1111-4c3b-9a77-00000000c0de"
BASE_MS = 1_700_000_000_000  # 2023-11-14, flow version dates are int epoch ms


def _version(flow_id: str, number: int, kind: str, rng: random.Random) -> dict[str, Any]:
    created = BASE_MS + rng.randint(0, 60 * 86_400_000)
    vid = f"{number}.0"
    return {
        "id": vid,
        "name": vid,
        "commitVersion": f"{number}.0.{rng.randint(1, 40)}",
        "configurationVersion": f"{number}.0",
        "type": kind,
        "secure": False,
        "debug": False,
        "createdBy": {"id": AUTHOR, "selfUri": f"/api/v2/users/{AUTHOR}"},
        "dateCreated": created,
        "dateCheckedIn": created + 60_000,
        "dateSaved": created,
        "generationId": str(rng.randint(1, 50)),
        "selfUri": f"/api/v2/flows/{flow_id}/versions/{vid}",
    }


def generate_flows(
    count: int, action_ids: list[str], queue_ids: list[str], rng: random.Random
) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, str]]]]:
    """Flows as ``Flow`` dicts plus ``consumed[flow_id] = [(target_id, dependency type)]``."""
    types = [t for t, _ in FLOW_TYPES]
    weights = [w for _, w in FLOW_TYPES]
    flows: list[dict[str, Any]] = []
    for i in range(count):
        ftype = types[i] if i < len(types) else rng.choices(types, weights)[0]
        if i < 5:
            ftype = "COMMONMODULE"  # the planted cycles need at least five modules
        flow_id = new_uuid(rng)
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {ftype.title()} {i:04d}"
        flow: dict[str, Any] = {
            "id": flow_id,
            "name": name,
            "division": DIVISION,
            "description": f"{name} (simulated)",
            "type": ftype,
            "active": True,
            "system": False,
            "deleted": False,
            "selfUri": f"/api/v2/flows/{flow_id}",
        }
        number = rng.randint(1, 14)
        if rng.random() < 0.95:
            flow["publishedVersion"] = _version(flow_id, number, "PUBLISH", rng)
            flow["checkedInVersion"] = _version(flow_id, number, "CHECKIN", rng)
        else:
            flow["checkedInVersion"] = _version(flow_id, number, "CHECKIN", rng)
        if rng.random() < 0.2:
            flow["savedVersion"] = _version(flow_id, number + 1, "SAVE", rng)
        flows.append(flow)
    return flows, _dependencies(flows, action_ids, queue_ids, rng)


def _dependencies(
    flows: list[dict[str, Any]], action_ids: list[str], queue_ids: list[str], rng: random.Random
) -> dict[str, list[tuple[str, str]]]:
    modules = [f["id"] for f in flows if f["type"] == "COMMONMODULE"]
    rank = {m: i for i, m in enumerate(modules)}
    inbound = [f["id"] for f in flows if f["type"] == "INBOUNDCALL"]
    consumed: dict[str, list[tuple[str, str]]] = {}
    for f in flows:
        deps: set[tuple[str, str]] = set()
        is_module = f["type"] == "COMMONMODULE"
        n_mod = rng.choice((0, 0, 1, 1, 2, 3)) if not is_module else rng.choice((0, 0, 0, 1))
        for m in rng.sample(modules, min(n_mod, len(modules))):
            # modules only call "later" modules, so the planted cycles are the only ones
            if m != f["id"] and (not is_module or rank[m] > rank[f["id"]]):
                deps.add((m, "COMMONMODULEFLOW"))
        if action_ids:
            for a in rng.sample(action_ids, min(rng.choice((0, 1, 1, 2, 3, 4)), len(action_ids))):
                deps.add((a, "DATAACTION"))
        if queue_ids and f["type"] in (
            "INBOUNDCALL",
            "INBOUNDCHAT",
            "INBOUNDEMAIL",
            "INBOUNDSHORTMESSAGE",
            "BOT",
            "DIGITALBOT",
        ):
            for q in rng.sample(queue_ids, min(rng.choice((1, 1, 2, 3)), len(queue_ids))):
                deps.add((q, "QUEUE"))
        consumed[f["id"]] = sorted(deps)
    # planted cycles: modules 0 <-> 1, 2 -> 3 -> 4 -> 2, and two inbound flows transferring to each other
    if len(modules) >= 5:
        for a, b in ((0, 1), (1, 0), (2, 3), (3, 4), (4, 2)):
            consumed[modules[a]].append((modules[b], "COMMONMODULEFLOW"))
    if len(inbound) >= 2:
        consumed[inbound[0]].append((inbound[1], "INBOUNDCALLFLOW"))
        consumed[inbound[1]].append((inbound[0], "INBOUNDCALLFLOW"))
    for deps in consumed.values():
        deps[:] = sorted(set(deps))
    return consumed
