"""How each queue routes: the Queue routing fields of the reference and the traffic split they imply.

Shapes are the SDK's (``../shared/genesys-analytics.md`` §4.2, §4.4):

* ``skillEvaluationMethod`` NONE/BEST/ALL on every queue (standard routing's evaluation method);
* ``bullseye`` ``{rings: [{expansionCriteria: [{type: TIMEOUT_SECONDS, threshold}], actions:
  {skillsToRemove: [{name, id, selfUri}]}, memberGroups: [MemberGroup]}]}`` (``rings: []`` on a
  queue without bullseye routing; the last ring has no expansion criteria);
* ``routingRules`` (preferred agent) ``[{operator: MEETS_THRESHOLD|ANY, threshold, waitSeconds}]``;
* ``conditionalGroupRouting`` ``{rules: [{queue: ref|null, metric, operator, conditionValue,
  groups, waitSeconds}]}`` (absent on a queue without it);
* ``lastAgentRoutingMode`` Disabled/QueueMembersOnly/AnyAgent;
* ``directRouting`` ``{callMediaSettings, emailMediaSettings, messageMediaSettings,
  backupQueueId, waitForAgent, agentWaitSeconds}`` (absent on a queue without it);
* predictive routing: a ``Predictor`` (``/api/v2/routing/predictors``) whose ``queues`` lists the
  queue; only an ``Active`` one routes.

Each queue gets one primary method from a shuffled deck of 20 (so every method shows up from 20
queues on, in the same proportions at any scale), a few get a second (preferred-agent rules on a
bullseye queue, manual assignment, VIP). :class:`RoutingSlice` s split the queue's traffic by
``requestedRouting``/``usedRouting`` (values of the SDK enum) with KPI multipliers, so the
methods perform differently in the analytics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gctui.sim.det import new_uuid
from gctui.sim.gen_flows import DIVISION

if TYPE_CHECKING:
    from gctui.sim.gen_routing import QueueProfile

# requestedRouting / usedRouting values (SDK enum of AnalyticsSession.usedRouting)
ROUTING_VALUES = (
    "Bullseye",
    "Conditional",
    "Direct",
    "Last",
    "Manual",
    "Predictive",
    "Preferred",
    "Standard",
    "Vip",
)
# the simulator's method labels (derived from configuration; not an API field)
METHODS = ("standard", "bullseye", "preferred", "conditional", "last", "predictive", "direct")
DECK = (
    ("standard",) * 6
    + ("bullseye",) * 3
    + ("preferred",) * 3
    + ("conditional",) * 2
    + ("last",) * 2
    + ("predictive",) * 2
    + ("direct",) * 2
)
# standard KPIs a predictor optimizes: (id (the simulator's), name, kpiType, optimizationType,
# problemType); Predictor.kpi holds the id
KPIS = (
    ("6a1c6a5e-5f0e-4a2b-9f11-0000000000a1", "Handle Time", "HandleTime", "Minimization", "Regression"),
    (
        "6a1c6a5e-5f0e-4a2b-9f11-0000000000a2",
        "Next Contact Avoidance",
        "NextContactAvoidance",
        "Maximization",
        "Classification",
    ),
    (
        "6a1c6a5e-5f0e-4a2b-9f11-0000000000a3",
        "Sales Conversion",
        "SalesConversion",
        "Maximization",
        "Classification",
    ),
)
GROUP_TYPES = ("GROUP", "TEAM", "SKILLGROUP")
GROUP_URI = {"GROUP": "/api/v2/groups", "TEAM": "/api/v2/teams", "SKILLGROUP": "/api/v2/routing/skillgroups"}
SKILLS = ("Spanish", "French", "German", "Billing L2", "Mortgages", "Hardware", "Premium", "Retention")
PREDICTOR_CREATED = "2024-02-01T09:00:00.000Z"


@dataclass(frozen=True)
class RoutingSlice:
    """A share of a queue's offered traffic with its routing dimensions and KPI multipliers."""

    requested: str  # requestedRouting
    used: str  # usedRouting
    share: float
    asa: float = 1.0
    aht: float = 1.0
    abandon: float = 1.0
    transfer: float = 1.0


STANDARD_SLICE = RoutingSlice("Standard", "Standard", 1.0)
# how each routing performs when it is the one used (multipliers of the queue's profile)
USED = {
    "Standard": {},
    "Bullseye": {"asa": 1.1, "aht": 0.95, "abandon": 1.05},
    "Preferred": {"asa": 1.2, "aht": 0.85, "abandon": 1.1, "transfer": 0.7},
    "Conditional": {"asa": 0.9, "abandon": 0.9},
    "Last": {"asa": 1.15, "aht": 0.8, "transfer": 0.6},
    "Predictive": {"asa": 1.05, "aht": 0.88, "abandon": 0.95, "transfer": 0.75},
    "Direct": {"asa": 1.3, "aht": 0.9, "abandon": 1.15},
    "Manual": {"asa": 2.5, "aht": 1.1},
    "Vip": {"asa": 0.6, "aht": 1.1, "abandon": 0.5},
}
FALLBACK = {"asa": 1.35, "abandon": 1.2}  # requested one routing, fell back to another (waited first)


def _slice(requested: str, used: str, share: float) -> RoutingSlice:
    mult = dict(USED[used])
    if requested != used and used != "Manual":
        for k, v in FALLBACK.items():
            mult[k] = round(mult.get(k, 1.0) * v, 4)
    return RoutingSlice(requested, used, round(share, 4), **mult)


def _ref(q: dict[str, Any]) -> dict[str, Any]:
    return {"id": q["id"], "name": q["name"], "selfUri": q["selfUri"]}


def _member_groups(count: int, rng: random.Random) -> list[dict[str, Any]]:
    from gctui.sim.gen_routing import REGIONS, TEAMS

    groups = []
    for i in range(count):
        kind = GROUP_TYPES[i % 3]
        gid = new_uuid(rng)
        label = {"GROUP": "Tier 2", "TEAM": "Team", "SKILLGROUP": "Skilled"}[kind]
        groups.append(
            {
                "id": gid,
                "name": f"{rng.choice(REGIONS)} {rng.choice(TEAMS)} {label} {i + 1}",
                "division": DIVISION,
                "type": kind,
                "memberCount": rng.randint(3, 60),
                "selfUri": f"{GROUP_URI[kind]}/{gid}",
            }
        )
    return groups


def _rings(rng: random.Random, pool: list[dict[str, Any]]) -> list[dict[str, Any]]:
    n = rng.randint(2, 6)
    rings, threshold = [], 0.0
    for i in range(n):
        last = i == n - 1
        threshold += rng.choice((5.0, 10.0, 15.0, 20.0, 30.0))
        skills = []
        if not last and rng.random() < 0.4:
            sid = new_uuid(rng)
            skills = [{"name": rng.choice(SKILLS), "id": sid, "selfUri": f"/api/v2/routing/skills/{sid}"}]
        rings.append(
            {
                "expansionCriteria": [] if last else [{"type": "TIMEOUT_SECONDS", "threshold": threshold}],
                "actions": {"skillsToRemove": skills},
                "memberGroups": rng.sample(pool, rng.randint(0, 2)) if i else [],
            }
        )
    return rings


def _preferred_rules(rng: random.Random) -> list[dict[str, Any]]:
    rules = [
        {"operator": "MEETS_THRESHOLD", "threshold": t, "waitSeconds": float(rng.choice((10, 15, 20, 30)))}
        for t in sorted(rng.sample(range(2, 10), rng.randint(1, 2)), reverse=True)
    ]
    if rng.random() < 0.5:
        rules.append({"operator": "ANY", "waitSeconds": float(rng.choice((5, 10, 20)))})
    return rules


def _cgr(
    rng: random.Random, q: dict[str, Any], queues: list[dict[str, Any]], pool: list[dict[str, Any]]
) -> dict[str, Any]:
    rules = []
    for i in range(rng.randint(2, 4)):
        sl = rng.random() < 0.4
        other = i and len(queues) > 1 and rng.random() < 0.25
        rules.append(
            {
                "queue": _ref(rng.choice([x for x in queues[:50] if x is not q])) if other else None,
                "metric": "ServiceLevel" if sl else "EstimatedWaitTime",
                "operator": "LessThan" if sl else "GreaterThan",
                "conditionValue": rng.choice((0.7, 0.8, 0.9)) if sl else float(rng.choice((15, 30, 60, 120))),
                "groups": rng.sample(pool, rng.randint(1, 2)),
                "waitSeconds": rng.choice((2, 5, 10, 20, 30)),
            }
        )
    return {"rules": rules}


def _direct(rng: random.Random, q: dict[str, Any], queues: list[dict[str, Any]]) -> dict[str, Any]:
    others = [x for x in queues if x is not q and "directRouting" not in x]
    out = {
        "callMediaSettings": {"useAgentAddressOutbound": rng.random() < 0.5},
        "emailMediaSettings": {"useAgentAddressOutbound": rng.random() < 0.5},
        "messageMediaSettings": {"useAgentAddressOutbound": rng.random() < 0.5},
        "waitForAgent": rng.random() < 0.7,
        "agentWaitSeconds": rng.choice((60, 90, 120, 300)),
    }
    if others:
        out["backupQueueId"] = rng.choice(others[:50])["id"]
    return out


def _predictor(rng: random.Random, index: int) -> dict[str, Any]:
    pid = new_uuid(rng)
    state = "Error" if index % 11 == 5 else "Created" if index % 7 == 2 else "Active"
    kpi = KPIS[index % len(KPIS)][0]
    out: dict[str, Any] = {
        "id": pid,
        "queues": [],
        "kpi": kpi,
        "routingTimeoutSeconds": rng.choice((12, 30, 45, 60, 90, 120)),
        "schedule": {
            "scheduleType": "HourOnHourOff" if index % 4 == 1 else "OngoingValueMonitoring",
            "dateStarted": "2024-02-15T00:00:00.000Z",
        },
        "state": state,
        "dateCreated": PREDICTOR_CREATED,
        "dateModified": "2024-03-01T12:00:00.000Z",
        "workloadBalancingConfig": {
            "enabled": rng.random() < 0.5,
            "minimumOccupancy": 0.2,
            "maximumOccupancy": 0.9,
        },
        "models": [
            {
                "mediaType": "voice",
                "dateModified": "2024-03-01T12:00:00.000Z",
                "retrainingErrors": [],
                "state": "Error" if state == "Error" else "Trained",
            }
        ],
        "selfUri": f"/api/v2/routing/predictors/{pid}",
    }
    if state == "Error":
        out["errorCode"] = "NotEnoughData"
        out["models"][0]["retrainingErrors"] = [
            {
                "id": new_uuid(rng),
                "errorCode": "NotEnoughData",
                "dateOfFirstOccurrence": "2024-02-20T00:00:00.000Z",
            }
        ]
    return out


def _split(requested: str, used_hit: str, hit: float, fallback: str) -> list[RoutingSlice]:
    return [_slice(requested, used_hit, hit), _slice(requested, fallback, 1 - hit)]


def configure_routing(
    queues: list[dict[str, Any]], profiles: dict[str, QueueProfile], rng: random.Random
) -> list[dict[str, Any]]:
    """Give each queue its routing configuration and traffic slices; answer the predictors."""
    pool = _member_groups(max(6, min(500, len(queues) // 8)), rng)
    predictors: list[dict[str, Any]] = []
    deck: list[str] = []
    for i, q in enumerate(queues):
        if i % len(DECK) == 0:
            deck = list(DECK)
            rng.shuffle(deck)
        method = deck[i % len(DECK)]
        p = profiles[q["id"]]
        draw = rng.random()
        slices: list[RoutingSlice]
        if method == "bullseye":
            q["bullseye"] = {"rings": _rings(rng, pool)}
            q["memberGroups"] = _unique([g for r in q["bullseye"]["rings"] for g in r["memberGroups"]])
            if draw < 0.25:  # preferred agent on top of bullseye
                q["routingRules"] = _preferred_rules(rng)
                slices = _split("Preferred", "Preferred", 0.5, "Bullseye")
            else:
                slices = [_slice("Bullseye", "Bullseye", 1.0)]
        elif method == "preferred":
            q["routingRules"] = _preferred_rules(rng)
            slices = _split("Preferred", "Preferred", round(0.55 + 0.25 * draw, 3), "Standard")
        elif method == "conditional":
            q["conditionalGroupRouting"] = _cgr(rng, q, queues, pool)
            q["memberGroups"] = _unique(
                [g for r in q["conditionalGroupRouting"]["rules"] for g in r["groups"]]
            )
            slices = _split("Conditional", "Conditional", 0.92, "Standard")
        elif method == "last":
            q["lastAgentRoutingMode"] = "AnyAgent" if draw < 0.3 else "QueueMembersOnly"
            returning = round(0.15 + 0.2 * draw, 3)
            slices = [
                _slice("Last", "Last", returning),
                _slice("Last", "Standard", 0.1),
                _slice("Standard", "Standard", 0.9 - returning),
            ]
        elif method == "predictive":
            pred = _predictor(rng, len(predictors))
            # now and then one predictor covers two queues (the previous predictive one too)
            if predictors and len(predictors[-1]["queues"]) == 1 and draw < 0.2:
                pred = predictors[-1]
            else:
                predictors.append(pred)
            pred["queues"].append({"id": q["id"], "selfUri": q["selfUri"]})
            p.predictor = pred
            slices = _predictive_slices(pred)
        elif method == "direct":
            q["directRouting"] = _direct(rng, q, queues)
            slices = _split("Direct", "Direct", 0.7, "Standard")
        else:
            slices = [STANDARD_SLICE]
        if rng.random() < 0.08:  # supervisors assign some interactions by hand
            q["enableManualAssignment"] = True
            slices = _with(slices, _slice(slices[0].requested, "Manual", 0.03))
        if "VIP" in q["name"].split():
            slices = _with(slices, _slice("Vip", "Vip", 0.15))
        p.method = method
        p.slices = tuple(slices)
    return predictors


def _predictive_slices(pred: dict[str, Any]) -> list[RoutingSlice]:
    if pred["state"] != "Active":  # processing or failed: routed by standard routing meanwhile
        return [STANDARD_SLICE]
    if pred["schedule"]["scheduleType"] == "HourOnHourOff":  # comparison test: half the hours standard
        return [
            _slice("Predictive", "Predictive", 0.45),
            _slice("Predictive", "Standard", 0.05),
            _slice("Standard", "Standard", 0.5),
        ]
    return _split("Predictive", "Predictive", 0.82, "Standard")


def _with(slices: list[RoutingSlice], extra: RoutingSlice) -> list[RoutingSlice]:
    keep = 1 - extra.share
    scaled = [RoutingSlice(**{**s.__dict__, "share": round(s.share * keep, 4)}) for s in slices]
    return [*scaled, extra]


def _unique(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for g in groups:
        seen.setdefault(g["id"], g)
    return list(seen.values())


def key_performance_indicators() -> list[dict[str, Any]]:
    """``KeyPerformanceIndicator`` s of :data:`KPIS` (standard ones)."""
    return [
        {
            "id": kid,
            "name": name,
            "optimizationType": opt,
            "problemType": problem,
            "dateCreated": PREDICTOR_CREATED,
            "dateModified": PREDICTOR_CREATED,
            "description": f"{name} (standard KPI)",
            "kpiType": kind,
            "source": "None",
            "status": "Enabled",
            "kpiGroup": "Standard",
            "selfUri": f"/api/v2/routing/predictors/keyperformanceindicators/{kid}",
        }
        for kid, name, kind, opt, problem in KPIS
    ]


def predictors_of(profiles: dict[str, QueueProfile]) -> list[dict[str, Any]]:
    """The org's predictors, in the order of the queues they first cover."""
    seen: dict[str, dict[str, Any]] = {}
    for p in profiles.values():
        if p.predictor is not None:
            seen.setdefault(p.predictor["id"], p.predictor)
    return list(seen.values())
