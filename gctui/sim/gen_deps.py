"""What Architect flows consume besides flows, actions and queues: schedules, schedule groups,
user prompts and data tables, plus a few objects that no longer exist (or whose state the index
does not know), so flows can hold dangling references.

Every object here is a ``Dependency``-shaped dict ``{id, name, type, selfUri}``; the simulator
serves no API for them beyond dependency tracking (``…/dependencytracking/object`` finds them).
"""

from __future__ import annotations

import random
from typing import Any

from gctui.sim.det import new_uuid

# dependency type -> (selfUri collection, name parts)
RESOURCE_URI = {
    "SCHEDULE": "/api/v2/architect/schedules",
    "SCHEDULEGROUP": "/api/v2/architect/schedulegroups",
    "USERPROMPT": "/api/v2/architect/prompts",
    "DATATABLE": "/api/v2/flows/datatables",
    "QUEUE": "/api/v2/routing/queues",
    "DATAACTION": "/api/v2/integrations/actions",
    "SECUREACTION": "/api/v2/integrations/actions",
    "COMMONMODULEFLOW": "/api/v2/flows",
    "INBOUNDCALLFLOW": "/api/v2/flows",
}
SITES = ("London", "Dallas", "Sydney", "Dublin", "Toronto", "Manila", "Frankfurt", "Tokyo")
SCHEDULE_KINDS = ("Open Hours", "Closed", "Holiday", "Lunch Break", "Weekend", "Emergency Closure")
PROMPT_PARTS = (
    "Welcome",
    "Closed",
    "Holiday Greeting",
    "Main Menu",
    "Please Hold",
    "Callback Offer",
    "Transfer Notice",
    "Survey Invite",
    "Authentication Failed",
    "Goodbye",
    "Queue Position",
    "Estimated Wait",
)
TABLE_PARTS = ("Routing Config", "VIP Numbers", "Holiday Dates", "Skill Map", "DNIS Map", "Feature Flags")


def _obj(kind: str, name: str, rng: random.Random) -> dict[str, Any]:
    obj_id = new_uuid(rng)
    return {"id": obj_id, "name": name, "type": kind, "selfUri": f"{RESOURCE_URI[kind]}/{obj_id}"}


def generate_resources(flow_count: int, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Schedules, schedule groups, prompts and data tables, in proportion to the number of flows
    (none at all for an org without flows)."""
    if flow_count <= 0:
        return {"SCHEDULE": [], "SCHEDULEGROUP": [], "USERPROMPT": [], "DATATABLE": []}
    n_sched = max(4, flow_count // 40)
    n_groups = max(2, flow_count // 100)
    n_prompts = max(6, flow_count // 8)
    n_tables = max(2, flow_count // 150)
    return {
        "SCHEDULE": [
            _obj("SCHEDULE", f"{rng.choice(SITES)} {rng.choice(SCHEDULE_KINDS)} {i:03d}", rng)
            for i in range(n_sched)
        ],
        "SCHEDULEGROUP": [
            _obj("SCHEDULEGROUP", f"{rng.choice(SITES)} Hours Group {i:03d}", rng) for i in range(n_groups)
        ],
        "USERPROMPT": [
            _obj("USERPROMPT", f"{rng.choice(PROMPT_PARTS).replace(' ', '')}_{i:04d}", rng)
            for i in range(n_prompts)
        ],
        "DATATABLE": [_obj("DATATABLE", f"{rng.choice(TABLE_PARTS)} {i:03d}", rng) for i in range(n_tables)],
    }


# Objects flows still reference although they were deleted (``deleted: true`` on the reference),
# and objects the index cannot resolve (``stateUnknown: true``), one of each kind listed.
DELETED_KINDS = ("QUEUE", "DATAACTION", "USERPROMPT", "COMMONMODULEFLOW", "SCHEDULE", "DATATABLE")
UNKNOWN_KINDS = ("QUEUE", "USERPROMPT")


def generate_missing(
    flow_count: int, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(deleted, unknown)``: a few per kind, a few more in big orgs; none without flows."""
    if flow_count < 20:
        return [], []
    extra = flow_count // 5000
    deleted = [
        _obj(kind, f"Retired {kind.title()} {i:02d}", rng) for i in range(1 + extra) for kind in DELETED_KINDS
    ]
    unknown = [
        _obj(kind, f"Unresolved {kind.title()} {i:02d}", rng) for kind in UNKNOWN_KINDS for i in range(1)
    ]
    return deleted, unknown
