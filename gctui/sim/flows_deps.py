"""The dependency graph of the simulated org read the ways the dependency-tracking API reads it.

One graph serves every endpoint, so answers agree: ``consumedresources`` of a flow version lists
that version's edges; ``consumingresources`` of an object lists the flows that have a version
consuming it (the same edges read backwards); the deleted/updated consumers and the name search
walk the same edges. A flow target's edge names the version the caller is bound to; the
reference is *updated* when the target has been published again since.

Which version of a consuming flow counts (unverified, chosen to match what the API names):

* ``flowFilter=published``: the published version only.
* ``flowFilter=checkedIn``: the checked-in version, else the published one (a published version
  was checked in), so it lists every flow ``published`` lists, and more.
* no filter: the published version, else the checked-in one, else the saved draft.

A consuming flow is listed once, with the first of those versions that consumes the object.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from typing import Any

from gctui.sim.det import mix
from gctui.sim.gen_flows import DEP_TYPE, Edge, default_version, live_versions, version_json
from gctui.sim.org import Org

FLOW_FILTERS = {"published": "published", "checkedin": "checkedIn"}


def current_flow_version(flow: dict[str, Any]) -> str | None:
    ver = default_version(flow)
    return ver["id"] if ver is not None else None


def preference(flow: dict[str, Any], flow_filter: str | None) -> list[str]:
    """The flow's version ids that count for ``flow_filter``, in the order they are tried."""
    pub, ci, saved = (flow.get(k) for k in ("publishedVersion", "checkedInVersion", "savedVersion"))
    if flow_filter == "published":
        keys = [pub]
    elif flow_filter == "checkedIn":
        keys = [ci, pub]
    else:
        keys = [pub, ci, saved]
    out: list[str] = []
    for v in keys:
        if v is not None and v["id"] not in out:
            out.append(v["id"])
    return out


def flow_dependency(flow: dict[str, Any], version: str | None) -> dict[str, Any]:
    """A flow as a ``Dependency`` (a consumer, or a search hit) at ``version``."""
    out: dict[str, Any] = {"id": flow["id"], "name": flow["name"]}
    if version is not None:
        out["version"] = version
    out.update(
        {
            "type": DEP_TYPE[flow["type"]],
            "deleted": False,
            "updated": False,
            "stateUnknown": False,
            "selfUri": flow["selfUri"],
        }
    )
    return out


def is_updated(org: Org, edge: Edge) -> bool:
    """A flow reference bound to a version older than the target's current one."""
    target, _, ref = edge
    if ref is None:
        return False
    flow = org.flow_by_id.get(target)
    return flow is not None and ref != current_flow_version(flow)


def edge_dependency(org: Org, edge: Edge) -> dict[str, Any]:
    """The ``Dependency`` a consumed-resources answer shows for one edge.

    ``type`` is the edge's own type (so ``resourceType`` filtering and the answer agree);
    name and state come from the object as it is now."""
    target, kind, ref = edge
    if (f := org.flow_by_id.get(target)) is not None:
        out = flow_dependency(f, ref or current_flow_version(f))
        out["type"] = kind
        out["updated"] = is_updated(org, edge)
        return out
    ref_json = org.dependency_ref(target)
    if ref_json is None:  # never generated; shown as a reference the index cannot resolve
        ref_json = {"id": target, "type": kind, "deleted": False, "updated": False, "stateUnknown": True}
    out = dict(ref_json)
    out["type"] = kind
    if ref is not None:
        out["version"] = ref
    return out


def consumed_edges(org: Org, flow_id: str, version: str, types: set[str]) -> list[Edge]:
    edges = org.flow_versions[flow_id][version]
    return [e for e in edges if not types or e[1] in types]


def _consumes(edges: list[Edge], obj_id: str, version: str | None) -> bool:
    for target, _, ref in edges:
        if target == obj_id and (version is None or ref is None or ref == version):
            return True
    return False


def consumers(
    org: Org, obj_id: str, flow_filter: str | None = None, version: str | None = None
) -> list[tuple[dict[str, Any], str]]:
    """``(flow, version id)`` for every flow one of whose counted versions consumes ``obj_id``
    (bound to ``version`` of it, when given and the object is a flow)."""
    out = []
    # one lookup of each index per request (tests count the lookups of ``org.consumers``)
    candidates = [*org.consumers.get(obj_id, []), *org.draft_consumers.get(obj_id, [])]
    for flow_id in candidates:
        flow = org.flow_by_id[flow_id]
        versions = org.flow_versions[flow_id]
        for vid in preference(flow, flow_filter):
            if _consumes(versions[vid], obj_id, version):
                out.append((flow, vid))
                break
    return out


def _in_flow_order(org: Org, flow_ids: Iterable[str]) -> list[dict[str, Any]]:
    return [org.flow_by_id[f] for f in sorted(set(flow_ids), key=org.flow_index.__getitem__)]


def deleted_consumers(
    org: Org, flow_filter: str | None, consumed_types: set[str]
) -> list[tuple[dict[str, Any], str, list[Edge]]]:
    """``(flow, version, its edges to deleted objects)`` per flow consuming a deleted object."""
    gone = org.deleted_objects
    ids = [f for d in gone for f in (*org.consumers.get(d, []), *org.draft_consumers.get(d, []))]
    out = []
    for flow in _in_flow_order(org, ids):
        versions = org.flow_versions[flow["id"]]
        for vid in preference(flow, flow_filter):
            hits = [
                e for e in versions[vid] if e[0] in gone and (not consumed_types or e[1] in consumed_types)
            ]
            if hits:
                out.append((flow, vid, hits))
                break
    return out


def updated_consumers(org: Org, consumed_types: set[str]) -> list[tuple[dict[str, Any], str, list[Edge]]]:
    """``(flow, version, its updated references)`` per flow bound to an outdated flow version."""
    out = []
    for flow in org.flows:
        versions = org.flow_versions[flow["id"]]
        for vid in preference(flow, None):
            hits = [
                e
                for e in versions[vid]
                if e[2] is not None and (not consumed_types or e[1] in consumed_types) and is_updated(org, e)
            ]
            if hits:
                out.append((flow, vid, hits))
                break
    return out


def all_objects(org: Org) -> Iterator[tuple[str, str, str]]:
    """``(id, name, type)`` of every object the index knows."""
    for f in org.flows:
        yield f["id"], f["name"], DEP_TYPE[f["type"]]
    for a in org.actions:
        yield a["id"], a["name"], "SECUREACTION" if a["secure"] else "DATAACTION"
    for q in org.queues:
        yield q["id"], q["name"], "QUEUE"
    for objs in (org.dep_resources, org.deleted_objects, org.unknown_objects):
        for r in objs.values():
            yield r["id"], r["name"], r["type"]


# --- republishing (a control route: an incremental refresh has something to find) ---------------
def edge_to(org: Org, obj_id: str) -> Edge:
    """The edge a newly published version would hold to ``obj_id`` (bound to a flow's current
    version); ValueError for an id the org does not know."""
    if (f := org.flow_by_id.get(obj_id)) is not None:
        return obj_id, DEP_TYPE[f["type"]], current_flow_version(f)
    ref = org.dependency_ref(obj_id)
    if ref is None:
        raise ValueError(f"{obj_id!r} is not an object of the org")
    return obj_id, ref["type"], None


def republish(
    org: Org,
    flow_id: str,
    consumed: list[str] | None = None,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> dict[str, Any]:
    """Publish a new version of the flow: ``publishedVersion`` (and ``checkedInVersion``) become
    the next version number, the saved draft and the lock go away.

    The new version consumes ``consumed`` (object ids) if given, else what the flow's newest
    version consumes (its saved draft, else checked-in, else published version), minus ``remove``
    and plus ``add``; references to flows are bound to their current versions (which clears
    *updated* references). The old versions stay readable. Answers ``{id, version,
    previousVersion}``; ValueError (unknown flow or object) changes nothing."""
    with org.lock:
        flow = org.flow_by_id.get(flow_id)
        if flow is None:
            raise ValueError(f"flow {flow_id!r} does not exist")
        versions = org.flow_versions[flow_id]
        newest = live_versions(flow)[-1]
        if consumed is not None:
            base = [edge_to(org, x) for x in consumed]
        else:
            base = [edge_to(org, t) if t in org.flow_by_id else (t, k, r) for t, k, r in versions[newest]]
        dropped = set(remove)
        extra = [edge_to(org, x) for x in add]
        edges: dict[str, Edge] = {}
        for e in [*base, *extra]:
            if e[0] not in dropped:
                edges.setdefault(e[0], e)
        previous = (flow.get("publishedVersion") or {}).get("id")
        number = max(int(v.split(".")[0]) for v in versions) + 1
        vid = f"{number}.0"
        rng = random.Random(mix(org.config.seed, number, len(versions)))
        now_ms = int(time.time() * 1000)
        if flow_id in edges:  # a flow that consumes itself is bound to the version being published
            edges[flow_id] = (flow_id, edges[flow_id][1], vid)
        org.unlink_flow(flow)
        versions[vid] = sorted(edges.values(), key=lambda e: (e[1], e[0]))
        flow["publishedVersion"] = version_json(flow_id, number, "PUBLISH", now_ms, rng)
        flow["checkedInVersion"] = version_json(flow_id, number, "CHECKIN", now_ms, rng)
        flow.pop("savedVersion", None)
        flow.pop("lockedUser", None)
        org.link_flow(flow)
        return {"id": flow_id, "version": vid, "previousVersion": previous}


def pick_published(org: Org, count: int) -> list[str]:
    """``count`` published flows, drawn from the seed and the number of earlier draws."""
    state = org.flow_state
    state.republished += 1
    rng = random.Random(mix(org.config.seed, 0xF10E5, state.republished))
    published = [f["id"] for f in org.flows if "publishedVersion" in f]
    return rng.sample(published, min(count, len(published)))
