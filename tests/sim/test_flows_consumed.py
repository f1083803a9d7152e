"""…/dependencytracking/consumedresources: required params, shapes, versions, types, secure
actions, references to objects that no longer exist, and the planted cycles."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import httpx

DT = "/api/v2/architect/dependencytracking"
DEPENDENCY_KEYS = {"id", "name", "type", "deleted", "updated", "stateUnknown", "selfUri"}
ERROR_KEYS = {"message", "code", "status", "contextId", "details", "errors"}
VERSION_KEYS = ("publishedVersion", "checkedInVersion", "savedVersion")


def object_type(flow: dict[str, Any]) -> str:
    """Flow.type -> dependency objectType (reference §4.4: no FLOW suffix on WORKFLOW)."""
    return "WORKFLOW" if flow["type"] == "WORKFLOW" else flow["type"] + "FLOW"


def flows(api: httpx.Client) -> list[dict[str, Any]]:
    return list(api.get("/api/v2/flows", params={"pageSize": 500}).json()["entities"])


def versions(flow: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(flow[k]["id"] for k in VERSION_KEYS if k in flow))


def consumed(api: httpx.Client, flow: dict[str, Any], version: str, **extra: Any) -> list[dict[str, Any]]:
    params = {"id": flow["id"], "version": version, "objectType": object_type(flow), "pageSize": 500, **extra}
    r = api.get(f"{DT}/consumedresources", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["entities"]) and body["pageNumber"] == 1
    return list(body["entities"])


def crawl(api: httpx.Client) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """What every version of every flow consumes, read as the Flows tab reads it."""
    return {(f["id"], v): consumed(api, f, v) for f in flows(api) for v in versions(f)}


def assert_error(r: httpx.Response, status: int, code: str, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert ERROR_KEYS <= set(body) and body["status"] == status and body["code"] == code
    assert body["contextId"] and r.headers["ININ-Correlation-Id"] == body["contextId"]
    if field is not None:
        assert body["details"][0]["fieldName"] == field


def test_required_params_are_errorbodies(api: httpx.Client) -> None:
    flow = flows(api)[0]
    full = {"id": flow["id"], "version": flow["publishedVersion"]["id"], "objectType": object_type(flow)}
    assert api.get(f"{DT}/consumedresources", params=full).status_code == 200
    for missing in full:
        params = {k: v for k, v in full.items() if k != missing}
        r = api.get(f"{DT}/consumedresources", params=params)
        assert_error(r, 400, "missing.required.parameter", missing)
        assert missing in r.json()["message"]
    assert_error(api.get(f"{DT}/consumedresources"), 400, "missing.required.parameter", "id")


def test_only_versioned_types_and_known_versions(api: httpx.Client) -> None:
    fs = flows(api)
    flow = fs[0]
    base = {"id": flow["id"], "version": flow["publishedVersion"]["id"]}
    r = api.get(f"{DT}/consumedresources", params={**base, "objectType": "QUEUE"})
    assert_error(r, 400, "invalid.value", "objectType")
    assert "versioned" in r.json()["message"]
    assert_error(
        api.get(f"{DT}/consumedresources", params={**base, "objectType": "BOGUS"}), 400, "invalid.value"
    )
    r = api.get(
        f"{DT}/consumedresources", params={**base, "objectType": object_type(flow), "resourceType": "NOPE"}
    )
    assert_error(r, 400, "invalid.value", "resourceType")
    wrong = "INBOUNDCALLFLOW" if object_type(flow) != "INBOUNDCALLFLOW" else "BOTFLOW"
    assert_error(api.get(f"{DT}/consumedresources", params={**base, "objectType": wrong}), 404, "not.found")
    bad_version = {**base, "version": "999.0", "objectType": object_type(flow)}
    assert_error(api.get(f"{DT}/consumedresources", params=bad_version), 404, "not.found")
    unknown = {**base, "id": "00000000-0000-4000-8000-000000000000", "objectType": "INBOUNDCALLFLOW"}
    assert_error(api.get(f"{DT}/consumedresources", params=unknown), 404, "not.found")
    workflow = next(f for f in fs if f["type"] == "WORKFLOW" and "publishedVersion" in f)
    assert consumed(api, workflow, workflow["publishedVersion"]["id"])  # objectType WORKFLOW, no FLOW suffix


def test_dependency_shapes_and_consumed_types(api: httpx.Client) -> None:
    graph = crawl(api)
    by_id = {f["id"]: f for f in flows(api)}
    kinds: Counter[str] = Counter()
    for deps in graph.values():
        assert len({d["id"] for d in deps}) == len(deps)  # one reference per object
        for d in deps:
            assert DEPENDENCY_KEYS <= set(d) <= DEPENDENCY_KEYS | {"version"}, d
            kinds[d["type"]] += 1
            if d["id"] in by_id:  # a flow reference names the version it is bound to
                assert d["type"] == object_type(by_id[d["id"]]) and d["version"]
                assert d["selfUri"] == f"/api/v2/flows/{d['id']}"
    for kind in (
        "COMMONMODULEFLOW",
        "INBOUNDCALLFLOW",
        "DATAACTION",
        "SECUREACTION",
        "QUEUE",
        "SCHEDULE",
        "SCHEDULEGROUP",
        "USERPROMPT",
        "DATATABLE",
    ):
        assert kinds[kind] >= 1, (kind, kinds)
    assert any(k.endswith("FLOW") and k not in ("COMMONMODULEFLOW", "INBOUNDCALLFLOW") for k in kinds)
    published = [
        deps for (fid, v), deps in graph.items() if by_id[fid].get("publishedVersion", {}).get("id") == v
    ]
    assert 3 <= sum(map(len, published)) / len(published) <= 8  # "about five dependencies each"


def test_versions_of_a_flow_consume_different_sets(api: httpx.Client) -> None:
    differ = 0
    for f in flows(api):
        vs = versions(f)
        if len(vs) < 2:
            continue
        sets = [frozenset(d["id"] for d in consumed(api, f, v)) for v in vs]
        differ += len(set(sets)) > 1
    assert differ >= 5


def test_secure_actions_filter_and_answer_agree(api: httpx.Client) -> None:
    actions = api.get("/api/v2/integrations/actions", params={"pageSize": 500}).json()["entities"]
    secure = {a["id"] for a in actions if a["secure"]}
    plain = {a["id"] for a in actions if not a["secure"]}
    assert secure and plain
    found = 0
    for f in flows(api):
        for v in versions(f):
            deps = consumed(api, f, v)
            mine = {d["id"] for d in deps if d["id"] in secure}
            assert all(d["type"] == "SECUREACTION" for d in deps if d["id"] in secure)
            assert all(d["type"] == "DATAACTION" for d in deps if d["id"] in plain)
            only_secure = consumed(api, f, v, resourceType="SECUREACTION")
            assert {d["id"] for d in only_secure} == mine and all(
                d["type"] == "SECUREACTION" for d in only_secure
            )
            only_plain = consumed(api, f, v, resourceType="DATAACTION")
            assert {d["id"] for d in only_plain} == {d["id"] for d in deps if d["type"] == "DATAACTION"}
            assert not {d["id"] for d in only_plain} & secure
            both = consumed(api, f, v, resourceType="DATAACTION,SECUREACTION")
            assert len(both) == len(only_secure) + len(only_plain)
            repeated = api.get(
                f"{DT}/consumedresources",
                params=[
                    ("id", f["id"]),
                    ("version", v),
                    ("objectType", object_type(f)),
                    ("resourceType", "DATAACTION"),
                    ("resourceType", "SECUREACTION"),
                    ("pageSize", "500"),
                ],
            ).json()
            assert repeated["total"] == len(both)
            if mine and not found:
                action = sorted(mine)[0]
                r = api.get(f"{DT}/consumingresources", params={"id": action, "objectType": "SECUREACTION"})
                assert r.status_code == 200 and f["id"] in {d["id"] for d in r.json()["entities"]}
                r = api.get(f"{DT}/consumingresources", params={"id": action, "objectType": "DATAACTION"})
                assert_error(r, 404, "not.found")
            found += bool(mine)
    assert found >= 3


def test_references_to_objects_that_no_longer_exist(api: httpx.Client) -> None:
    graph = crawl(api)
    refs = [d for deps in graph.values() for d in deps]
    deleted = {d["id"]: d for d in refs if d["deleted"]}
    unknown = {d["id"]: d for d in refs if d["stateUnknown"]}
    assert len({d["type"] for d in deleted.values()}) >= 4 and unknown
    assert not set(deleted) & set(unknown)
    live = {d["id"] for d in refs if not d["deleted"] and not d["stateUnknown"]}
    assert not live & (set(deleted) | set(unknown))  # the same object is never both
    queues = {q["id"] for q in api.get("/api/v2/routing/queues", params={"pageSize": 500}).json()["entities"]}
    actions = api.get("/api/v2/integrations/actions", params={"pageSize": 500}).json()["entities"]
    flow_ids = {f["id"] for f in flows(api)}
    gone = set(deleted) | set(unknown)
    assert not gone & (queues | {a["id"] for a in actions} | flow_ids)
    module = next(d for d in deleted.values() if d["type"] == "COMMONMODULEFLOW")
    assert_error(api.get(f"/api/v2/flows/{module['id']}"), 404, "not.found")
    obj = api.get(f"{DT}/object", params={"id": module["id"]}).json()
    assert obj["deleted"] is True and obj["type"] == "COMMONMODULEFLOW"
    r = api.get(
        f"{DT}/consumedresources",
        params={"id": module["id"], "version": module["version"], "objectType": "COMMONMODULEFLOW"},
    )
    assert_error(r, 404, "not.found")  # the index keeps no versions of a deleted flow
    some = next(iter(unknown.values()))
    assert api.get(f"{DT}/object", params={"id": some["id"]}).json()["stateUnknown"] is True


def _sccs(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one node (iterative Kosaraju)."""
    nodes = set(graph) | {t for ts in graph.values() for t in ts}
    order: list[str] = []
    seen: set[str] = set()
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(graph.get(start, ())))]
        while stack:
            node, it = stack[-1]
            nxt = next((t for t in it if t not in seen), None)
            if nxt is None:
                stack.pop()
                order.append(node)
            else:
                seen.add(nxt)
                stack.append((nxt, iter(graph.get(nxt, ()))))
    back: dict[str, set[str]] = defaultdict(set)
    for s, ts in graph.items():
        for t in ts:
            back[t].add(s)
    comps, done = [], set()
    for node in reversed(order):
        if node in done:
            continue
        comp, todo = set(), [node]
        done.add(node)
        while todo:
            n = todo.pop()
            comp.add(n)
            for m in back[n] - done:
                done.add(m)
                todo.append(m)
        if len(comp) > 1:
            comps.append(comp)
    return comps


def test_planted_cycles_among_modules_and_inbound_flows(api: httpx.Client) -> None:
    by_id = {f["id"]: f for f in flows(api)}
    graph: dict[str, set[str]] = {}
    for f in by_id.values():
        if "publishedVersion" in f:
            deps = consumed(api, f, f["publishedVersion"]["id"])
            graph[f["id"]] = {d["id"] for d in deps if d["id"] in by_id}
    modules = {i for i, f in by_id.items() if f["type"] == "COMMONMODULE"}
    module_graph = {m: graph.get(m, set()) & modules for m in modules}
    assert sorted(len(c) for c in _sccs(module_graph)) == [2, 3]  # only the planted ones
    inbound = {i for i, f in by_id.items() if f["type"] == "INBOUNDCALL"}
    inbound_graph = {m: graph.get(m, set()) & inbound for m in inbound}
    sizes = sorted(len(c) for c in _sccs(inbound_graph))
    assert 2 in sizes and max(sizes) >= 4  # a transfer pair, and two cycles sharing flows
    for comp in _sccs(graph):
        assert all(f in by_id for f in comp)
