"""Routing queues, each with a traffic profile that drives the analytics.

Queues differ in volume, answer speed, abandon rate and service level: a few are overloaded
(slow answer, high abandon, SL far below target), a few are idle.

They also differ in how they route (``../shared/genesys-analytics.md`` §4.2/§4.4): standard
(``skillEvaluationMethod`` NONE/BEST/ALL), bullseye (``bullseye.rings``), preferred agent
(``routingRules``), conditional group (``conditionalGroupRouting.rules``), last agent
(``lastAgentRoutingMode``), predictive (a ``Predictor`` of ``/api/v2/routing/predictors``
covers the queue) and direct (``directRouting``); see :mod:`gctui.sim.gen_routing_config`.
Each queue's traffic is split into :class:`RoutingSlice` s by ``requestedRouting`` and
``usedRouting`` (the analytics dimensions), consistent with that configuration.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from gctui.sim.det import new_uuid
from gctui.sim.gen_flows import DIVISION
from gctui.sim.gen_routing_config import STANDARD_SLICE, RoutingSlice, configure_routing

TEAMS = (
    "Sales",
    "Support",
    "Billing",
    "Claims",
    "Retention",
    "Tech Support",
    "VIP",
    "Collections",
    "Onboarding",
    "Returns",
    "Escalations",
    "Partners",
    "Loyalty",
    "Fraud",
    "Scheduling",
)
REGIONS = ("EMEA", "NA", "APAC", "LATAM", "UK", "DACH", "Nordics", "Benelux")
MEDIA = ("voice", "chat", "email", "message")


@dataclass
class QueueProfile:
    """Traffic model: offered per hour at peak, mean speed of answer, abandon rate, AHT."""

    peak_per_hour: float
    asa_ms: float
    abandon_rate: float
    aht_ms: float
    transfer_rate: float
    sl_pct: float
    sl_ms: int
    media: tuple[str, ...]
    agents: int
    # how the queue routes (a label of this simulator, derived from the queue's configuration)
    # and its traffic split by requestedRouting/usedRouting; set by gen_routing_config
    method: str = "standard"
    slices: tuple[RoutingSlice, ...] = field(default_factory=lambda: (STANDARD_SLICE,))
    predictor: dict[str, Any] | None = None


def _profile(rng: random.Random) -> QueueProfile:
    kind = rng.random()
    if kind < 0.1:  # overloaded
        asa, abandon = rng.uniform(90_000, 300_000), rng.uniform(0.15, 0.35)
    elif kind < 0.2:  # idle / tiny
        asa, abandon = rng.uniform(3_000, 10_000), rng.uniform(0.0, 0.02)
    else:
        asa, abandon = rng.uniform(8_000, 60_000), rng.uniform(0.02, 0.10)
    peak = rng.choice((2.0, 10.0, 30.0, 60.0, 120.0, 250.0)) * rng.uniform(0.6, 1.4)
    if kind >= 0.1 and kind < 0.2:
        peak = rng.uniform(0.2, 3.0)
    media = ("voice",) if rng.random() < 0.6 else ("voice", rng.choice(MEDIA[1:]))
    agents = max(1, int(peak * rng.uniform(0.05, 0.15)))
    return QueueProfile(
        round(peak, 2),
        round(asa),
        round(abandon, 4),
        round(rng.uniform(180_000, 600_000)),
        round(rng.uniform(0.02, 0.15), 3),
        rng.choice((0.8, 0.8, 0.9, 0.7)),
        rng.choice((20_000, 20_000, 30_000, 60_000)),
        media,
        agents,
    )


def _media_settings(p: QueueProfile) -> dict[str, Any]:
    sl = {"percentage": p.sl_pct, "durationMs": p.sl_ms}
    base = {"alertingTimeoutSeconds": 8, "serviceLevel": sl, "enableAutoAnswer": False}
    return {
        "call": dict(base),
        "callback": dict(base),
        "chat": dict(base, alertingTimeoutSeconds=30),
        "email": dict(
            base, alertingTimeoutSeconds=300, serviceLevel={"percentage": 0.8, "durationMs": 86_400_000}
        ),
        "message": dict(base, alertingTimeoutSeconds=30),
    }


def generate_queues(count: int, rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, QueueProfile]]:
    queues: list[dict[str, Any]] = []
    profiles: dict[str, QueueProfile] = {}
    for i in range(count):
        qid = new_uuid(rng)
        p = _profile(rng)
        name = f"{rng.choice(REGIONS)} {rng.choice(TEAMS)}" + (f" {i}" if i >= 40 else "")
        members = p.agents + rng.randint(0, 10)
        queues.append(
            {
                "id": qid,
                "name": name,
                "division": DIVISION,
                "description": f"{name} queue",
                "dateCreated": "2023-06-01T09:00:00.000Z",
                "dateModified": "2024-01-15T10:30:00.000Z",
                "modifiedBy": "admin",
                "createdBy": "admin",
                "memberCount": members,
                "userMemberCount": members,
                "joinedMemberCount": p.agents,
                "mediaSettings": _media_settings(p),
                "routingRules": [],
                "bullseye": {"rings": []},
                "acwSettings": {"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 60_000},
                "skillEvaluationMethod": rng.choice(("NONE", "BEST", "ALL")),
                "scoringMethod": "TimestampAndPriority",
                "lastAgentRoutingMode": "Disabled",
                "memberGroups": [],
                "autoAnswerOnly": False,
                "enableTranscription": rng.random() < 0.3,
                "enableAudioMonitoring": False,
                "enableManualAssignment": False,
                "suppressInQueueCallRecording": False,
                "selfUri": f"/api/v2/routing/queues/{qid}",
            }
        )
        profiles[qid] = p
    # a name must be unique in an org: suffix duplicates
    seen: dict[str, int] = {}
    for q in queues:
        n = seen.get(q["name"], 0)
        seen[q["name"]] = n + 1
        if n:
            q["name"] = f"{q['name']} {n + 1}"
    # drawn after every queue, from a generator of its own: the queues above stay as they were
    configure_routing(queues, profiles, random.Random(rng.getrandbits(64)))
    return queues, profiles
