"""Org-wide dependency-tracking reads: deleted/updated resource consumers, types, the name search
and the object lookup, all consistent with the consumed graph."""

from __future__ import annotations

from typing import Any

import httpx

DT = "/api/v2/architect/dependencytracking"
VERSION_KEYS = ("publishedVersion", "checkedInVersion", "savedVersion")
OBJECT_KEYS = {"id", "name", "version", "type", "deleted", "updated", "stateUnknown", "selfUri"}


def object_type(flow: dict[str, Any]) -> str:
    return "WORKFLOW" if flow["type"] == "WORKFLOW" else flow["type"] + "FLOW"


def flows(api: httpx.Client) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in api.get("/api/v2/flows", params={"pageSize": 500}).json()["entities"]}


def consumed(api: httpx.Client, f: dict[str, Any], v: str) -> list[dict[str, Any]]:
    params = {"id": f["id"], "version": v, "objectType": object_type(f), "pageSize": 500}
    return list(api.get(f"{DT}/consumedresources", params=params).json()["entities"])


def entities(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a DependencyObjectEntityListing, in pages of 4 (paging is exercised too)."""
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        r = api.get(f"{DT}{path}", params={**params, "pageSize": 4, "pageNumber": page})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["pageSize"] == 4 and body["pageNumber"] == page
        out += body["entities"]
        if "nextUri" not in body:
            assert body["total"] == len(out)
            return out
        page += 1


def first_version(
    f: dict[str, Any], keys: tuple[str, ...], pick: Any, api: httpx.Client
) -> tuple[str, list] | None:
    for key in keys:
        if key in f:
            hits = [d for d in consumed(api, f, f[key]["id"]) if pick(d)]
            if hits:
                return f[key]["id"], hits
    return None


def test_deleted_resource_consumers_match_the_graph(api: httpx.Client) -> None:
    by_id = flows(api)
    orders = {
        None: VERSION_KEYS,
        "published": ("publishedVersion",),
        "checkedIn": ("checkedInVersion", "publishedVersion"),
    }
    answers = {}
    for ff, keys in orders.items():
        got = entities(
            api, "/deletedresourceconsumers", consumedResources="true", **({"flowFilter": ff} if ff else {})
        )
        want = {}
        for f in by_id.values():
            hit = first_version(f, keys, lambda d: d["deleted"], api)
            if hit:
                want[f["id"]] = hit
        assert {g["id"]: g["version"] for g in got} == {k: v for k, (v, _) in want.items()}, ff
        for g in got:
            assert OBJECT_KEYS | {"consumedResources"} == set(g)
            assert g["type"] == object_type(by_id[g["id"]]) and g["name"] == by_id[g["id"]]["name"]
            assert {d["id"] for d in g["consumedResources"]} == {d["id"] for d in want[g["id"]][1]}
            assert all(d["deleted"] for d in g["consumedResources"])
        answers[ff] = {g["id"] for g in got}
    assert answers["published"] < answers["checkedIn"] <= answers[None]  # a deleted ref only in a draft
    bare = entities(api, "/deletedresourceconsumers")
    assert bare and all("consumedResources" not in g for g in bare)
    queues_only = entities(
        api, "/deletedresourceconsumers", consumedResources="true", consumedResourceType="QUEUE"
    )
    assert queues_only and all(d["type"] == "QUEUE" for g in queues_only for d in g["consumedResources"])
    kind = object_type(by_id[bare[0]["id"]])
    typed = entities(api, "/deletedresourceconsumers", objectType=kind)
    assert typed and all(g["type"] == kind for g in typed)
    named = entities(api, "/deletedresourceconsumers", name=bare[0]["name"].upper())
    assert [g["id"] for g in named] == [bare[0]["id"]]
    r = api.get(f"{DT}/deletedresourceconsumers", params={"flowFilter": "draft"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "flowFilter"


def test_updated_resource_consumers_match_the_graph(api: httpx.Client) -> None:
    by_id = flows(api)
    got = entities(api, "/updatedresourceconsumers", consumedResources="true")
    assert got
    want = {}
    for f in by_id.values():
        hit = first_version(f, VERSION_KEYS, lambda d: d["updated"], api)
        if hit:
            want[f["id"]] = hit
    assert {g["id"]: g["version"] for g in got} == {k: v for k, (v, _) in want.items()}
    for g in got:
        for d in g["consumedResources"]:
            target = by_id[d["id"]]  # updated references are to flows published again since
            assert d["updated"] and d["version"] != target["publishedVersion"]["id"]
    assert all("consumedResources" not in g for g in entities(api, "/updatedresourceconsumers"))


def test_types(api: httpx.Client) -> None:
    types = entities(api, "/types")
    assert len(types) == 89 and len({t["id"] for t in types}) == 89
    by = {t["id"]: t for t in types}
    assert set(by["INBOUNDCALLFLOW"]) == {"id", "name", "versioned", "selfUri"}
    assert (
        by["INBOUNDCALLFLOW"]["versioned"]
        and by["WORKFLOW"]["versioned"]
        and by["COMMONMODULEFLOW"]["versioned"]
    )
    assert (
        not by["QUEUE"]["versioned"] and not by["DATAACTION"]["versioned"] and not by["SCHEDULE"]["versioned"]
    )
    assert by["INBOUNDCALLFLOW"]["name"] == "Inbound Call Flow"
    one = api.get(f"{DT}/types/SECUREACTION")
    assert one.status_code == 200 and one.json() == by["SECUREACTION"]
    r = api.get(f"{DT}/types/NOTATYPE")
    assert r.status_code == 404 and r.json()["code"] == "not.found"


def test_search_by_name(api: httpx.Client) -> None:
    by_id = flows(api)
    f = next(iter(by_id.values()))
    r = api.get(DT)
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "name"
    exact = entities(api, "", name=f["name"].lower())
    assert f["id"] in {e["id"] for e in exact} and all(e["name"].lower() == f["name"].lower() for e in exact)
    word = f["name"].split()[0]
    wild = entities(api, "", name=f"{word}*", objectType=object_type(f))
    assert f["id"] in {e["id"] for e in wild}
    assert all(e["name"].lower().startswith(word.lower()) and e["type"] == object_type(f) for e in wild)
    queues = api.get("/api/v2/routing/queues", params={"pageSize": 5}).json()["entities"]
    hit = entities(api, "", name=queues[0]["name"], objectType="QUEUE")
    assert [e["id"] for e in hit] == [queues[0]["id"]]
    everything = entities(api, "", name="*")
    kinds = {e["type"] for e in everything}
    assert {
        "QUEUE",
        "DATAACTION",
        "USERPROMPT",
        "SCHEDULE",
        "SCHEDULEGROUP",
        "DATATABLE",
        "COMMONMODULEFLOW",
    } <= kinds
    assert any(e["deleted"] for e in everything) and any(e["stateUnknown"] for e in everything)
    full = entities(api, "", name=f["name"], consumedResources="true", consumingResources="true")
    mine = next(e for e in full if e["id"] == f["id"])
    version = (f.get("publishedVersion") or f.get("checkedInVersion") or f["savedVersion"])["id"]
    assert mine["version"] == version and mine["consumedResources"] == consumed(api, f, version)
    assert isinstance(mine["consumingResources"], list)


def test_object_with_version(api: httpx.Client) -> None:
    by_id = flows(api)
    f = next(
        x
        for x in by_id.values()
        if "publishedVersion" in x and x["checkedInVersion"]["id"] != x["publishedVersion"]["id"]
    )
    for key in ("publishedVersion", "checkedInVersion"):
        v = f[key]["id"]
        obj = api.get(
            f"{DT}/object", params={"id": f["id"], "version": v, "consumedResources": "true"}
        ).json()
        assert obj["version"] == v and obj["consumedResources"] == consumed(api, f, v)
        assert "consumingResources" not in obj
    plain = api.get(f"{DT}/object", params={"id": f["id"]}).json()
    assert plain["version"] == f["publishedVersion"]["id"] and set(plain) == OBJECT_KEYS
    r = api.get(f"{DT}/object", params={"id": f["id"], "version": "999.0"})
    assert r.status_code == 404
    r = api.get(f"{DT}/object", params={"id": f["id"], "objectType": "QUEUE"})
    assert r.status_code == 404
