"""Architect flows, their versions and what each version consumes (the dependency graph).

Each flow has a published version, and sometimes a checked-in and/or saved version newer than
it; some were never published (only checked in, or only saved). Every version of a flow has its
own consumed set (a newer draft adds, drops or swaps a dependency), stored per version id:
``versions[flow_id][version_id] = [(target id, dependency type, referenced version), ...]``. The
referenced version is set for flow targets only (the version of the module or flow the caller is
bound to); a caller bound to an older version than the target's current one is an *updated*
reference (``updatedresourceconsumers``).

Consumed types: common modules and other flows, DATAACTION / SECUREACTION (by the action's
``secure``), QUEUE, SCHEDULE, SCHEDULEGROUP, USERPROMPT, DATATABLE, and a few references to objects
that were deleted or that the index cannot resolve (see :mod:`gctui.sim.gen_deps`).

Planted for the Flows tab: cycles among common modules (0 <-> 1 and 2 -> 3 -> 4 -> 2) and among
inbound call flows that transfer to each other (0 <-> 1, and two overlapping cycles 2 -> 3 -> 4 -> 2,
4 -> 5 -> 2); common modules otherwise only call "later" modules, so those module cycles are the
only ones. Random transfers between inbound flows may add a few more. Right after them, one flow of
each version state (checked in but never published and using a data action; checked-in newer than
published; saved newer than published; only saved; both newer) and one published flow bound to the
version of module 0 before its current one; one checked-in draft holds a deleted reference its
published version does not (so ``flowFilter`` shows in ``deletedresourceconsumers``).

The pure-Python generation takes about 0.4 s for 10,000 flows (~5 dependencies each).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from gctui.sim.det import iso, new_uuid
from gctui.sim.gen_deps import generate_missing, generate_resources

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
    ("INQUEUESHORTMESSAGE", 1),
    ("SURVEYINVITE", 1),
    ("WORKITEM", 1),
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
EDITOR = "a5e2d6f0-2222-4c3b-9a77-00000000c0de"
BASE_MS = 1_700_000_000_000  # 2023-11-14, flow version dates are int epoch ms
DAY_MS = 86_400_000

Edge = tuple[str, str, str | None]  # (target id, dependency type, referenced version of a flow)

# What a flow of each type consumes: (pool, choices for how many). Pools: MODULE (common modules),
# ACTION (any data action), SECURE (secure actions first), a resource type, or a Flow.type.
_P10 = (0,) * 9 + (1,)  # one in ten
_P5 = (0,) * 19 + (1,)  # one in twenty
SPEC: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "INBOUNDCALL": (
        ("MODULE", (0, 1, 2, 2, 3)),
        ("ACTION", (1, 1, 2, 2, 3)),
        ("QUEUE", (1, 1, 2, 3)),
        ("SCHEDULE", (1, 1, 2)),
        ("SCHEDULEGROUP", (0, 0, 1)),
        ("USERPROMPT", (1, 2, 2, 3)),
        ("DATATABLE", (0, 0, 0, 1)),
        ("INBOUNDCALL", _P10),
        ("BOT", _P10),
        ("VOICEMAIL", _P10),
        ("SECURECALL", _P5),
        ("SECURE", _P10),
    ),
    "COMMONMODULE": (
        ("MODULE", (0, 0, 1, 1)),
        ("ACTION", (0, 1, 1, 2, 3)),
        ("USERPROMPT", (0, 1, 1, 2)),
        ("DATATABLE", (0, 0, 0, 1)),
        ("SECURE", _P10),
    ),
    "INQUEUECALL": (
        ("MODULE", (0, 0, 1)),
        ("ACTION", (0, 1, 1, 2)),
        ("USERPROMPT", (1, 2, 3)),
        ("QUEUE", (0, 0, 0, 1)),
    ),
    "INBOUNDCHAT": (
        ("MODULE", (0, 0, 1)),
        ("ACTION", (0, 1, 1, 2)),
        ("QUEUE", (1, 1, 2)),
        ("SCHEDULE", (0, 1)),
        ("DIGITALBOT", (0, 0, 0, 1)),
        ("DATATABLE", (0, 0, 0, 1)),
    ),
    "INBOUNDEMAIL": (
        ("MODULE", (0, 0, 1)),
        ("ACTION", (0, 1, 2)),
        ("QUEUE", (1, 1, 2)),
        ("SCHEDULE", (0, 1)),
        ("DATATABLE", (0, 0, 1)),
    ),
    "INBOUNDSHORTMESSAGE": (
        ("ACTION", (0, 1, 2)),
        ("QUEUE", (1, 2)),
        ("SCHEDULE", (0, 1)),
        ("DIGITALBOT", (0, 0, 1)),
    ),
    "BOT": (("ACTION", (0, 1, 2)), ("USERPROMPT", (0, 1, 2)), ("DATATABLE", (0, 0, 1))),
    "DIGITALBOT": (("ACTION", (0, 1, 2)), ("DATATABLE", (0, 0, 1))),
    "OUTBOUNDCALL": (
        ("MODULE", (0, 1)),
        ("ACTION", (0, 1, 2)),
        ("USERPROMPT", (1, 2)),
        ("QUEUE", (0, 1)),
    ),
    "VOICEMAIL": (("ACTION", (0, 1)), ("USERPROMPT", (1, 2)), ("SCHEDULE", (0, 1))),
    "SECURECALL": (("SECURE", (1, 1, 2)), ("USERPROMPT", (1, 2))),
    "INQUEUEEMAIL": (("ACTION", (0, 1)), ("QUEUE", (0, 0, 1))),
    "INQUEUESHORTMESSAGE": (("ACTION", (0, 1)),),
    "WORKFLOW": (("ACTION", (1, 2, 3, 4)), ("DATATABLE", (0, 0, 1))),
    "SURVEYINVITE": (("ACTION", (0, 1)),),
    "WORKITEM": (("ACTION", (0, 1, 2)), ("QUEUE", (0, 1))),
}

N_MODULES = 6  # the planted module cycles use the first five
N_INBOUND = 6  # the planted transfer cycles use all six
STALE_BINDING = 0.04  # share of module calls bound to an older version of the module
_TYPES = [t for t, _ in FLOW_TYPES]
_CUM_WEIGHTS = [sum(w for _, w in FLOW_TYPES[: k + 1]) for k in range(len(FLOW_TYPES))]


@dataclass
class FlowsData:
    flows: list[dict[str, Any]]
    versions: dict[str, dict[str, list[Edge]]]  # every version of every flow, archived ones too
    resources: dict[str, list[dict[str, Any]]]  # SCHEDULE/SCHEDULEGROUP/USERPROMPT/DATATABLE
    deleted: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)


def version_json(flow_id: str, number: int, kind: str, created: int, rng: random.Random) -> dict[str, Any]:
    vid = f"{number}.0"
    out: dict[str, Any] = {
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
    if kind == "PUBLISH":
        out["datePublished"] = iso((created + 120_000) / 1000)
    return out


def default_version(flow: dict[str, Any]) -> dict[str, Any] | None:
    """The version the index reports for a flow: published, else checked in, else saved."""
    return flow.get("publishedVersion") or flow.get("checkedInVersion") or flow.get("savedVersion")


def live_versions(flow: dict[str, Any]) -> list[str]:
    """The distinct version ids the flow names (published, checked-in, saved), oldest first."""
    out: list[str] = []
    for key in ("publishedVersion", "checkedInVersion", "savedVersion"):
        v = flow.get(key)
        if v is not None and v["id"] not in out:
            out.append(v["id"])
    return out


def _pick(rng: random.Random, pool: list[Any], k: int) -> list[Any]:
    """Up to ``k`` distinct items of ``pool`` (fast for big pools: no copy of the pool)."""
    n = len(pool)
    if k <= 0 or n == 0:
        return []
    if k >= n:
        return list(pool)
    got: dict[Any, None] = {}
    while len(got) < k:
        got[pool[int(rng.random() * n)]] = None
    return list(got)


class _Builder:
    def __init__(
        self,
        count: int,
        actions: list[tuple[str, bool]],
        queue_ids: list[str],
        rng: random.Random,
    ) -> None:
        self.count = count
        self.rng = rng
        self.flows: list[dict[str, Any]] = []
        self.versions: dict[str, dict[str, list[Edge]]] = {}
        self.resources = generate_resources(count, random.Random(rng.getrandbits(64)))
        self.deleted, self.unknown = generate_missing(count, random.Random(rng.getrandbits(64)))
        self.action_ids = [a for a, _ in actions]
        self.secure = {a for a, s in actions if s}
        self.secure_ids = [a for a, s in actions if s]
        self.pools: dict[str, list[str]] = {"QUEUE": queue_ids}
        for kind, objs in self.resources.items():
            self.pools[kind] = [o["id"] for o in objs]

    # --- flows and their versions ---------------------------------------------------------------
    def _type(self, i: int) -> str:
        types = _TYPES
        if i < N_MODULES:
            return "COMMONMODULE"
        if i < N_MODULES + N_INBOUND:
            return "INBOUNDCALL"
        rest = [t for t in types if t not in ("COMMONMODULE", "INBOUNDCALL")]
        j = i - N_MODULES - N_INBOUND
        if j < len(rest):
            return rest[j]  # every type at least once
        return self.rng.choices(types, cum_weights=_CUM_WEIGHTS)[0]

    def _roles(self, i: int) -> tuple[int | None, int | None, int | None]:
        """(published, checked-in, saved) version numbers; None where the flow has none."""
        rng = self.rng
        n = rng.randint(2, 14)
        first_free = N_MODULES + N_INBOUND
        if i < first_free:
            return n, n, None  # the planted cycles are published and have no drafts
        showcase = {
            first_free: (None, n, None),  # checked in, never published
            first_free + 1: (n, n + 1, None),  # checked in after the last publish
            first_free + 2: (n, n, n + 1),  # saved draft newer than the published version
            first_free + 3: (None, None, 1),  # a new flow, only saved so far
            first_free + 4: (n, n + 1, n + 2),  # both
            first_free + 5: (n, n, None),  # bound to an older version of module 0
        }
        if i in showcase:
            return showcase[i]
        r = rng.random()
        if r < 0.06:
            return None, n, (n + 1 if rng.random() < 0.3 else None)
        if r < 0.08:
            return None, None, 1
        ci = n + 1 if rng.random() < 0.15 else n
        return n, ci, (ci + 1 if rng.random() < 0.12 else None)

    def make_flows(self) -> None:
        rng = self.rng
        for i in range(self.count):
            ftype = self._type(i)
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
            pub, ci, saved = self._roles(i)
            t = BASE_MS + rng.randint(0, 60) * DAY_MS + rng.randint(0, DAY_MS)
            if pub is not None:
                flow["publishedVersion"] = version_json(flow_id, pub, "PUBLISH", t, rng)
            if ci is not None:
                if ci != pub:
                    t += rng.randint(1, 20) * DAY_MS
                flow["checkedInVersion"] = version_json(flow_id, ci, "CHECKIN", t, rng)
            if saved is not None:
                t += rng.randint(1, 10) * DAY_MS
                flow["savedVersion"] = version_json(flow_id, saved, "SAVE", t, rng)
                flow["lockedUser"] = {"id": EDITOR, "selfUri": f"/api/v2/users/{EDITOR}"}
            self.flows.append(flow)
        self.by_type: dict[str, list[dict[str, Any]]] = {}
        for f in self.flows:
            self.by_type.setdefault(f["type"], []).append(f)
        self.modules = self.by_type.get("COMMONMODULE", [])
        self.module_ids = [m["id"] for m in self.modules]
        self.stale: list[tuple[str, str, str]] = []  # (module id, old version, its published version)
        self.rank = {m["id"]: k for k, m in enumerate(self.modules)}
        self.flow_pool = {t: [f["id"] for f in fs] for t, fs in self.by_type.items()}
        self.flow_by_id = {f["id"]: f for f in self.flows}

    # --- what each version consumes -------------------------------------------------------------
    def _flow_edge(self, target: str) -> Edge:
        t = self.flow_by_id[target]
        ver = default_version(t)
        assert ver is not None
        return target, DEP_TYPE[t["type"]], ver["id"]

    def _module_edge(self, target: str) -> Edge:
        edge = self._flow_edge(target)
        pub = self.flow_by_id[target].get("publishedVersion")
        if pub is not None and self.rng.random() < STALE_BINDING:
            number = int(pub["id"].split(".")[0])
            if number > 1:  # bound to the version before the current one: an updated reference
                old = f"{number - 1}.0"
                self.stale.append((target, old, pub["id"]))
                return edge[0], edge[1], old
        return edge

    def _draw(self, flow: dict[str, Any], pool: str, k: int) -> list[Edge]:
        rng = self.rng
        if pool == "MODULE":
            own = self.rank.get(flow["id"])
            picked = _pick(rng, self.module_ids if own is None else self.module_ids[own + 1 :], k)
            return [self._module_edge(m) for m in picked]
        if pool in ("ACTION", "SECURE"):
            ids = self.secure_ids if pool == "SECURE" and self.secure_ids else self.action_ids
            return [
                (a, "SECUREACTION" if a in self.secure else "DATAACTION", None) for a in _pick(rng, ids, k)
            ]
        if pool in self.pools:
            return [(x, pool, None) for x in _pick(rng, self.pools[pool], k)]
        others = [f for f in _pick(rng, self.flow_pool.get(pool, []), k + 1) if f != flow["id"]][:k]
        return [self._flow_edge(f) for f in others]

    def _base(self, flow: dict[str, Any]) -> list[Edge]:
        deps: dict[str, Edge] = {}
        for pool, choices in SPEC[flow["type"]]:
            k = self.rng.choice(choices)
            if k:
                for e in self._draw(flow, pool, k):
                    deps.setdefault(e[0], e)
        return list(deps.values())

    def _mutate(self, flow: dict[str, Any], parent: list[Edge]) -> list[Edge]:
        """A newer version's consumed set: the parent's with one dependency added, dropped or swapped."""
        rng = self.rng
        out = list(parent)
        op = rng.random()
        if out and op >= 0.45:
            out.pop(int(rng.random() * len(out)))
            if op < 0.75:
                return out
        have = {e[0] for e in out}
        spec = SPEC[flow["type"]]
        for _ in range(6):
            pool, _counts = spec[int(rng.random() * len(spec))]
            fresh = [e for e in self._draw(flow, pool, 1) if e[0] not in have]
            if fresh:
                out.append(fresh[0])
                break
        return out

    def make_edges(self) -> None:
        for f in self.flows:
            self.versions[f["id"]] = {}
        # the base consumed set belongs to the flow's oldest live version
        base: dict[str, list[Edge]] = {f["id"]: self._base(f) for f in self.flows}
        self._plant_missing(base)
        self._plant_cycles(base)
        self._plant_showcase(base)
        for f in self.flows:
            vids = live_versions(f)
            current = base[f["id"]]
            versions = self.versions[f["id"]]
            for k, vid in enumerate(vids):
                if k:
                    current = self._mutate(f, current)
                versions[vid] = current
        for target, old, pub in self.stale:  # the older version a stale caller is bound to
            self.versions[target].setdefault(old, self.versions[target][pub])
        self._plant_draft_only_deleted()
        for vs in self.versions.values():
            for vid, edges in vs.items():
                unique = {e[0]: e for e in reversed(edges)}  # one reference per target, the first
                vs[vid] = sorted(unique.values(), key=lambda e: (e[1], e[0]))

    def _published(self) -> list[dict[str, Any]]:
        return [f for f in self.flows if "publishedVersion" in f]

    def _plant_missing(self, base: dict[str, list[Edge]]) -> None:
        published = [f["id"] for f in self._published()]
        if not published:
            return
        for obj in [*self.deleted, *self.unknown]:
            ref = "3.0" if obj["type"].endswith("FLOW") else None
            for flow_id in _pick(self.rng, published, self.rng.choice((1, 2, 3))):
                base[flow_id].append((obj["id"], obj["type"], ref))

    def _plant_cycles(self, base: dict[str, list[Edge]]) -> None:
        mods = self.modules
        if len(mods) >= 5:
            for a, b in ((0, 1), (1, 0), (2, 3), (3, 4), (4, 2)):
                base[mods[a]["id"]].append(self._flow_edge(mods[b]["id"]))
        inbound = self.by_type.get("INBOUNDCALL", [])
        pairs = [(0, 1), (1, 0)] if len(inbound) >= 2 else []
        if len(inbound) >= 6:
            pairs += [(2, 3), (3, 4), (4, 2), (4, 5), (5, 2)]
        for a, b in pairs:
            base[inbound[a]["id"]].append(self._flow_edge(inbound[b]["id"]))

    def _plant_showcase(self, base: dict[str, list[Edge]]) -> None:
        """The never-published flow uses a data action, so 'published only' has something to drop."""
        i = N_MODULES + N_INBOUND
        if i < len(self.flows) and self.action_ids:
            f = self.flows[i]
            if not any(e[1] in ("DATAACTION", "SECUREACTION") for e in base[f["id"]]):
                a = self.action_ids[int(self.rng.random() * len(self.action_ids))]
                base[f["id"]].append((a, "SECUREACTION" if a in self.secure else "DATAACTION", None))
        # ... and one published flow is bound to the version of module 0 before its current one
        i = N_MODULES + N_INBOUND + 5
        if i < len(self.flows) and self.modules and "publishedVersion" in self.flows[i]:
            module = self.modules[0]
            pub = module["publishedVersion"]["id"]
            old = f"{int(pub.split('.')[0]) - 1}.0"
            self.stale.append((module["id"], old, pub))
            base[self.flows[i]["id"]].insert(0, (module["id"], "COMMONMODULEFLOW", old))

    def _plant_draft_only_deleted(self) -> None:
        """One deleted reference only in a checked-in draft (``flowFilter=published`` leaves it out)."""
        deleted = [d for d in self.deleted if not d["type"].endswith("FLOW")]
        if not deleted:
            return
        for f in self.flows:
            pub, ci = f.get("publishedVersion"), f.get("checkedInVersion")
            if pub is not None and ci is not None and pub["id"] != ci["id"]:
                d = deleted[0]
                self.versions[f["id"]][ci["id"]].append((d["id"], d["type"], None))
                return


def generate_flows(
    count: int, actions: list[tuple[str, bool]], queue_ids: list[str], rng: random.Random
) -> FlowsData:
    """``count`` flows, every version's consumed set, and the non-flow objects they consume.

    ``actions`` are ``(id, secure)``: a flow consumes a secure action as a SECUREACTION."""
    b = _Builder(count, actions, queue_ids, rng)
    b.make_flows()
    b.make_edges()
    return FlowsData(b.flows, b.versions, b.resources, b.deleted, b.unknown)
