"""…/dependencytracking/consumingresources: the consumed graph read backwards, with flowFilter
and version honoured."""

from __future__ import annotations

from typing import Any

import httpx

DT = "/api/v2/architect/dependencytracking"
VERSION_KEYS = ("publishedVersion", "checkedInVersion", "savedVersion")
# the versions of a consuming flow that count, in the order tried (gctui.sim.flows_deps)
FILTER_ORDER = {
    None: ("publishedVersion", "checkedInVersion", "savedVersion"),
    "published": ("publishedVersion",),
    "checkedIn": ("checkedInVersion", "publishedVersion"),
}


def object_type(flow: dict[str, Any]) -> str:
    return "WORKFLOW" if flow["type"] == "WORKFLOW" else flow["type"] + "FLOW"


def flows(api: httpx.Client) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in api.get("/api/v2/flows", params={"pageSize": 500}).json()["entities"]}


def crawl(api: httpx.Client, by_id: dict[str, dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out = {}
    for f in by_id.values():
        for v in dict.fromkeys(f[k]["id"] for k in VERSION_KEYS if k in f):
            params = {"id": f["id"], "version": v, "objectType": object_type(f), "pageSize": 500}
            out[(f["id"], v)] = api.get(f"{DT}/consumedresources", params=params).json()["entities"]
    return out


def consuming(api: httpx.Client, obj_id: str, kind: str, **extra: Any) -> dict[str, str]:
    params = {"id": obj_id, "objectType": kind, "pageSize": 500, **{k: v for k, v in extra.items() if v}}
    r = api.get(f"{DT}/consumingresources", params=params)
    assert r.status_code == 200, r.text
    ents = r.json()["entities"]
    assert len({d["id"] for d in ents}) == len(ents)  # each consuming flow once
    return {d["id"]: d["version"] for d in ents}


def expected(
    by_id: dict[str, dict[str, Any]],
    graph: dict[tuple[str, str], list[dict[str, Any]]],
    obj_id: str,
    flow_filter: str | None,
    version: str | None = None,
) -> dict[str, str]:
    out = {}
    for f in by_id.values():
        for key in FILTER_ORDER[flow_filter]:
            if key not in f:
                continue
            deps = graph[(f["id"], f[key]["id"])]
            if any(d["id"] == obj_id and (version is None or d.get("version") == version) for d in deps):
                out[f["id"]] = f[key]["id"]
                break
    return out


def test_consumers_are_the_consumed_graph_read_backwards(api: httpx.Client) -> None:
    by_id = flows(api)
    graph = crawl(api, by_id)
    objects = {d["id"]: d["type"] for deps in graph.values() for d in deps}
    strict_published = strict_checked_in = 0
    for obj_id, kind in objects.items():
        got = {ff: consuming(api, obj_id, kind, flowFilter=ff) for ff in FILTER_ORDER}
        for ff, answer in got.items():
            assert answer == expected(by_id, graph, obj_id, ff), (obj_id, kind, ff)
        assert set(got["published"]) <= set(got["checkedIn"]) <= set(got[None])
        strict_published += set(got["published"]) < set(got["checkedIn"])
        strict_checked_in += set(got["checkedIn"]) < set(got[None])
    assert strict_published and strict_checked_in  # the filters leave something out
    some = next(iter(objects))
    r = api.get(f"{DT}/consumingresources", params={"id": some, "objectType": objects[some]}).json()
    for d in r["entities"]:
        f = by_id[d["id"]]
        assert d == {
            "id": f["id"],
            "name": f["name"],
            "version": d["version"],
            "type": object_type(f),
            "deleted": False,
            "updated": False,
            "stateUnknown": False,
            "selfUri": f["selfUri"],
        }


def test_flow_filter_shows_published_and_checked_in_versions(api: httpx.Client) -> None:
    by_id = flows(api)
    graph = crawl(api, by_id)
    # a flow whose checked-in version consumes something its published version does not
    for f in by_id.values():
        pub, ci = f.get("publishedVersion"), f.get("checkedInVersion")
        if not pub or not ci or pub["id"] == ci["id"]:
            continue
        new = {d["id"]: d["type"] for d in graph[(f["id"], ci["id"])]}
        old = {d["id"] for d in graph[(f["id"], pub["id"])]}
        added = [i for i in new if i not in old]
        if added:
            break
    else:
        raise AssertionError("no checked-in version adds a dependency")
    target = added[0]
    assert f["id"] not in consuming(api, target, new[target], flowFilter="published")
    assert consuming(api, target, new[target], flowFilter="checkedIn")[f["id"]] == ci["id"]
    assert consuming(api, target, new[target], flowFilter="CheckedIn")[f["id"]] == ci["id"]  # any case
    unpublished = [x for x in by_id.values() if "publishedVersion" not in x]
    assert unpublished
    for x in unpublished:
        for d in graph[(x["id"], (x.get("checkedInVersion") or x["savedVersion"])["id"])]:
            assert x["id"] not in consuming(api, d["id"], d["type"], flowFilter="published")
            assert x["id"] in consuming(api, d["id"], d["type"])


def test_version_of_a_consumed_flow(api: httpx.Client) -> None:
    by_id = flows(api)
    graph = crawl(api, by_id)
    bound: dict[tuple[str, str], set[str]] = {}
    for (fid, v), deps in graph.items():
        for d in deps:
            if (
                d["id"] in by_id
                and "publishedVersion" in by_id[fid]
                and by_id[fid]["publishedVersion"]["id"] == v
            ):
                bound.setdefault((d["id"], d["version"]), set()).add(fid)
    stale = [(t, v) for (t, v) in bound if by_id[t].get("publishedVersion", {}).get("id") not in (None, v)]
    assert stale  # some caller is bound to an older version of the flow it calls
    target, old = stale[0]
    kind = object_type(by_id[target])
    current = by_id[target]["publishedVersion"]["id"]
    assert set(consuming(api, target, kind, flowFilter="published", version=old)) == bound[(target, old)]
    now = set(consuming(api, target, kind, flowFilter="published", version=current))
    assert now == bound.get((target, current), set())
    assert set(consuming(api, target, kind, flowFilter="published")) == bound[(target, old)] | now
    r = api.get(f"{DT}/consumingresources", params={"id": target, "objectType": kind, "version": "999.0"})
    assert r.status_code == 404 and r.json()["code"] == "not.found"


def test_consuming_params(api: httpx.Client) -> None:
    by_id = flows(api)
    module = next(f for f in by_id.values() if f["type"] == "COMMONMODULE")
    for params, field in (({"objectType": "COMMONMODULEFLOW"}, "id"), ({"id": module["id"]}, "objectType")):
        r = api.get(f"{DT}/consumingresources", params=params)
        assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == field
        assert r.json()["code"] == "missing.required.parameter" and r.json()["contextId"]
    base = {"id": module["id"], "objectType": "COMMONMODULEFLOW"}
    r = api.get(f"{DT}/consumingresources", params={**base, "resourceType": "QUEUE"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "resourceType"
    assert "versioned" in r.json()["message"]
    r = api.get(f"{DT}/consumingresources", params={**base, "flowFilter": "saved"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "flowFilter"
    every = consuming(api, module["id"], "COMMONMODULEFLOW")
    assert every
    kinds = {object_type(by_id[f]) for f in every}
    one = sorted(kinds)[0]
    only = consuming(api, module["id"], "COMMONMODULEFLOW", resourceType=one)
    assert only and set(only) == {f for f in every if object_type(by_id[f]) == one}
    r = api.get(f"{DT}/consumingresources", params={**base, "objectType": "INBOUNDCALLFLOW"})
    assert r.status_code == 404
