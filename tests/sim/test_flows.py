"""Flows and dependency tracking."""

from __future__ import annotations

import httpx

DT = "/api/v2/architect/dependencytracking"


def _modules(api: httpx.Client) -> list[dict]:
    return api.get("/api/v2/flows?type=COMMONMODULE&pageSize=500").json()["entities"]


def test_consumed_requires_params(api: httpx.Client) -> None:
    flow = _modules(api)[0]
    for missing in ("id", "version", "objectType"):
        params = {
            "id": flow["id"],
            "version": flow["publishedVersion"]["id"],
            "objectType": "COMMONMODULEFLOW",
        }
        del params[missing]
        r = api.get(f"{DT}/consumedresources", params=params)
        assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == missing
    r = api.get(f"{DT}/consumedresources", params={"id": flow["id"], "version": "1.0", "objectType": "BOGUS"})
    assert r.status_code == 400


def test_cycle_among_common_modules(api: httpx.Client) -> None:
    mods = _modules(api)
    graph = {}
    for f in mods:
        if "publishedVersion" not in f:
            continue
        deps = api.get(
            f"{DT}/consumedresources",
            params={
                "id": f["id"],
                "version": f["publishedVersion"]["id"],
                "objectType": "COMMONMODULEFLOW",
                "pageSize": 500,
            },
        )
        graph[f["id"]] = {d["id"] for d in deps.json()["entities"] if d["type"] == "COMMONMODULEFLOW"}
    assert any(b in graph and a in graph[b] for a, targets in graph.items() for b in targets)


def test_consuming_object_build(api: httpx.Client) -> None:
    action = api.get("/api/v2/integrations/actions?pageSize=500").json()["entities"]
    used = None
    for a in action:
        r = api.get(f"{DT}/consumingresources", params={"id": a["id"], "objectType": "DATAACTION"})
        if r.json()["total"]:
            used = (a, r.json())
            break
    assert used is not None
    assert all(d["type"].endswith("FLOW") or d["type"] == "WORKFLOW" for d in used[1]["entities"])
    obj = api.get(f"{DT}/object", params={"id": used[0]["id"], "consumingResources": "true"}).json()
    assert obj["type"] == "DATAACTION" and obj["consumingResources"]
    assert api.get(f"{DT}/object").status_code == 400
    assert api.get(f"{DT}/object", params={"id": "nope"}).status_code == 404
    assert api.get(f"{DT}/build").json()["status"] == "OPERATIONAL"
