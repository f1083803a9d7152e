"""/sim/control/flows/...: the dependency-build knob, republishing flows, and the request counters
that prove an incremental refresh refetched only the flows that changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gctui.sim import SimConfig, SimConfigError
from gctui.sim.server import SimServer
from tests.sim.conftest import async_token

DT = "/api/v2/architect/dependencytracking"
C = "/sim/control/flows"


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with SimServer(SimConfig(rate_limit=100_000, token_rate_limit=1000)) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url) as c:
            c.headers["Authorization"] = f"Bearer {await async_token(c)}"
            yield c


def object_type(flow: dict[str, Any]) -> str:
    return "WORKFLOW" if flow["type"] == "WORKFLOW" else flow["type"] + "FLOW"


async def flows(api: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    body = (await api.get("/api/v2/flows", params={"pageSize": 500})).json()
    return {f["id"]: f for f in body["entities"]}


async def consumed(api: httpx.AsyncClient, f: dict[str, Any], version: str) -> list[dict[str, Any]]:
    params = {"id": f["id"], "version": version, "objectType": object_type(f), "pageSize": 500}
    r = await api.get(f"{DT}/consumedresources", params=params)
    assert r.status_code == 200, r.text
    return list(r.json()["entities"])


async def consumers(api: httpx.AsyncClient, obj_id: str, kind: str, **extra: str) -> dict[str, str]:
    params = {"id": obj_id, "objectType": kind, "pageSize": 500, **extra}
    r = await api.get(f"{DT}/consumingresources", params=params)
    assert r.status_code == 200, r.text
    return {d["id"]: d["version"] for d in r.json()["entities"]}


async def updated_ids(api: httpx.AsyncClient) -> set[str]:
    r = await api.get(f"{DT}/updatedresourceconsumers", params={"pageSize": 500})
    return {d["id"] for d in r.json()["entities"]}


async def build(api: httpx.AsyncClient) -> dict[str, Any]:
    r = await api.get(f"{DT}/build")
    assert r.status_code == 200
    return dict(r.json())


async def test_build_status_knob(api: httpx.AsyncClient) -> None:
    assert (await api.get(f"{C}/build")).json() == {
        "status": "OPERATIONAL",
        "buildSeconds": 2.0,
        "postStatus": 202,
    }
    now = await build(api)
    assert now["status"] == "OPERATIONAL" and now["dateStarted"] < now["dateCompleted"]
    assert now["failedObjects"] == [] and now["selfUri"] == f"{DT}/build" and now["buildId"]
    r = await api.put(f"{C}/build", json={"status": "NOTBUILT"})
    assert r.json()["status"] == "NOTBUILT"
    b = await build(api)
    assert b["status"] == "NOTBUILT" and "dateStarted" not in b and "dateCompleted" not in b
    await api.put(f"{C}/build", json={"status": "OPERATIONALNEEDSREBUILD"})
    b = await build(api)
    assert b["status"] == "OPERATIONALNEEDSREBUILD" and b["dateCompleted"] == now["dateCompleted"]
    await api.put(f"{C}/build", json={"status": "BUILDINCOMPLETE"})
    b = await build(api)
    assert b["status"] == "BUILDINCOMPLETE" and b["failedObjects"]
    assert all(set(o) == {"id", "version", "name", "errorCode"} for o in b["failedObjects"])
    # a rebuild that takes an hour is still running when looked at
    assert (await api.put(f"{C}/build", json={"buildSeconds": 3600})).json()["buildSeconds"] == 3600
    r = await api.post(f"{DT}/build")
    assert r.status_code == 202 and r.content == b""
    b = await build(api)
    assert (
        b["status"] == "BUILDINPROGRESS"
        and "dateCompleted" not in b
        and b["dateStarted"] > now["dateStarted"]
    )
    await api.put(f"{C}/build", json={"status": "NOTBUILT"})  # setting a status cancels it
    assert (await build(api))["status"] == "NOTBUILT"
    # a rebuild that takes no time is done at once, and fixes the index
    await api.put(f"{C}/build", json={"buildSeconds": 0, "postStatus": 204})
    assert (await api.post(f"{DT}/build")).status_code == 204
    b = await build(api)
    assert b["status"] == "OPERATIONAL" and b["dateCompleted"] == b["dateStarted"]
    for body, field in (
        ({"status": "BROKEN"}, "status"),
        ({"buildSeconds": -1}, "buildSeconds"),
        ({"buildSeconds": True}, "buildSeconds"),
        ({"postStatus": 200}, "postStatus"),
        ({"bogus": 1}, "bogus"),
    ):
        r = await api.put(f"{C}/build", json=body)
        assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == field, body
    assert (await api.get(f"{C}/build")).json() == {
        "status": "OPERATIONAL",
        "buildSeconds": 0.0,
        "postStatus": 204,
    }


async def test_build_knobs_in_the_config() -> None:
    for bad, field in (
        ({"dependency_build_status": "BROKEN"}, "dependency_build_status"),
        ({"dependency_build_seconds": -1}, "dependency_build_seconds"),
        ({"dependency_build_post_status": 200}, "dependency_build_post_status"),
    ):
        with pytest.raises(SimConfigError) as err:
            SimConfig(**bad).validate()  # type: ignore[arg-type]
        assert err.value.field == field
    cfg = SimConfig(
        flows=20, dependency_build_status="OPERATIONALNEEDSREBUILD", dependency_build_post_status=204
    )
    async with SimServer(cfg) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        c.headers["Authorization"] = f"Bearer {await async_token(c)}"
        assert (await build(c))["status"] == "OPERATIONALNEEDSREBUILD"
        assert (await c.post(f"{DT}/build")).status_code == 204


async def test_republish_publishes_the_newest_version(api: httpx.AsyncClient) -> None:
    before = await flows(api)
    f = next(x for x in before.values() if "publishedVersion" in x and "savedVersion" in x)
    old, draft = f["publishedVersion"]["id"], f["savedVersion"]["id"]
    old_deps, draft_deps = await consumed(api, f, old), await consumed(api, f, draft)
    r = await api.post(f"{C}/{f['id']}/republish")
    assert r.status_code == 200, r.text
    new = r.json()["version"]
    assert r.json() == {"id": f["id"], "version": new, "previousVersion": old}
    assert int(new.split(".")[0]) == int(draft.split(".")[0]) + 1
    now = (await api.get(f"/api/v2/flows/{f['id']}")).json()
    assert now["publishedVersion"]["id"] == now["checkedInVersion"]["id"] == new
    assert (
        now["publishedVersion"]["type"] == "PUBLISH" and "savedVersion" not in now and "lockedUser" not in now
    )
    assert {d["id"] for d in await consumed(api, now, new)} == {d["id"] for d in draft_deps}
    assert await consumed(api, now, old) == old_deps  # old versions stay readable
    listed = await flows(api)
    assert listed[f["id"]] == now
    assert {k: v for k, v in listed.items() if k != f["id"]} == {
        k: v for k, v in before.items() if k != f["id"]
    }


async def test_republish_can_change_what_the_new_version_consumes(api: httpx.AsyncClient) -> None:
    by_id = await flows(api)
    f = next(x for x in by_id.values() if x["type"] == "INBOUNDCALL" and "publishedVersion" in x)
    current = await consumed(api, f, f["publishedVersion"]["id"])
    queue = next(d for d in current if d["type"] == "QUEUE")
    queues = (await api.get("/api/v2/routing/queues", params={"pageSize": 100})).json()["entities"]
    fresh_queue = next(q for q in queues if q["id"] not in {d["id"] for d in current})
    module = next(x for x in by_id.values() if x["type"] == "COMMONMODULE")
    r = await api.post(
        f"{C}/{f['id']}/republish", json={"add": [fresh_queue["id"], module["id"]], "remove": [queue["id"]]}
    )
    assert r.status_code == 200, r.text
    new = r.json()["version"]
    after = {d["id"]: d for d in await consumed(api, {**f}, new)}
    assert (
        fresh_queue["id"] in after
        and queue["id"] not in after
        and after[module["id"]]["type"] == "COMMONMODULEFLOW"
    )
    assert (
        after[module["id"]]["version"] == (module.get("publishedVersion") or module["checkedInVersion"])["id"]
    )
    assert (await consumers(api, fresh_queue["id"], "QUEUE", flowFilter="published"))[f["id"]] == new
    assert f["id"] not in await consumers(api, queue["id"], "QUEUE", flowFilter="published")
    r = await api.post(f"{C}/{f['id']}/republish", json={"consumed": [queue["id"], f["id"]]})
    newer = r.json()["version"]
    deps = await consumed(api, f, newer)
    assert {d["id"] for d in deps} == {queue["id"], f["id"]}
    self_ref = next(d for d in deps if d["id"] == f["id"])
    assert self_ref["version"] == newer and not self_ref["updated"]  # a flow may call itself
    for body, status, field in (
        ({"add": ["no-such-object"]}, 400, None),
        ({"add": "x"}, 400, "add"),
        ({"consumed": [1]}, 400, "consumed"),
        ({"bogus": []}, 400, "bogus"),
    ):
        r = await api.post(f"{C}/{f['id']}/republish", json=body)
        assert r.status_code == status and (field is None or r.json()["details"][0]["fieldName"] == field)
    assert (await api.get(f"/api/v2/flows/{f['id']}")).json()["publishedVersion"]["id"] == newer
    r = await api.post(f"{C}/00000000-0000-4000-8000-000000000000/republish")
    assert r.status_code == 404 and r.json()["code"] == "not.found"
    r = await api.post(f"{C}/republish", json={})
    assert r.status_code == 400


async def test_republishing_a_module_makes_its_callers_updated(api: httpx.AsyncClient) -> None:
    by_id = await flows(api)
    before = await updated_ids(api)
    for module in (x for x in by_id.values() if x["type"] == "COMMONMODULE" and "publishedVersion" in x):
        callers = await consumers(api, module["id"], "COMMONMODULEFLOW", flowFilter="published")
        if callers and not set(callers) & before:
            break
    else:
        raise AssertionError("no module with callers that are not updated yet")
    old = module["publishedVersion"]["id"]
    await api.post(f"{C}/{module['id']}/republish")
    after = await updated_ids(api)
    assert set(callers) <= after and before <= after
    caller = by_id[next(iter(callers))]
    ref = next(d for d in await consumed(api, caller, callers[caller["id"]]) if d["id"] == module["id"])
    assert ref["updated"] is True and ref["version"] == old
    assert (
        await consumers(api, module["id"], "COMMONMODULEFLOW", flowFilter="published", version=old) == callers
    )
    # republishing the caller binds it to the module's new version: no longer updated
    r = await api.post(f"{C}/{caller['id']}/republish", json={"consumed": [module["id"]]})
    assert r.status_code == 200
    assert caller["id"] not in await updated_ids(api)


async def test_counters_prove_an_incremental_refresh(api: httpx.AsyncClient) -> None:
    async def listing() -> dict[str, dict[str, Any]]:
        out, page = {}, 1
        while True:
            body = (await api.get("/api/v2/flows", params={"pageSize": 25, "pageNumber": page})).json()
            out.update({f["id"]: f for f in body["entities"]})
            if "nextUri" not in body:
                return out
            page += 1

    first = await listing()  # a first crawl: every published flow once
    cache = {
        fid: (f["publishedVersion"]["id"], await consumed(api, f, f["publishedVersion"]["id"]))
        for fid, f in first.items()
        if "publishedVersion" in f
    }
    seen = (await api.get(f"{C}/requests")).json()
    assert seen["flowListings"] == 4 and seen["byEndpoint"] == {"consumedresources": len(cache)}
    assert set(seen["flows"]) == set(cache) and all(
        e["consumedresources"] == 1 for e in seen["flows"].values()
    )
    assert (await api.delete(f"{C}/requests")).status_code == 204
    assert (await api.get(f"{C}/requests")).json() == {
        "total": 0,
        "flowListings": 0,
        "byEndpoint": {},
        "flows": {},
    }
    r = await api.post(f"{C}/republish", json={"count": 3})
    changed = {x["id"]: x["version"] for x in r.json()["republished"]}
    assert len(changed) == 3 and set(changed) <= set(cache)
    assert all(x["previousVersion"] == cache[x["id"]][0] for x in r.json()["republished"])
    # the refresh: list again, refetch only the flows whose published version moved
    second = await listing()
    for fid, f in second.items():
        if "publishedVersion" in f and cache.get(fid, ("",))[0] != f["publishedVersion"]["id"]:
            cache[fid] = (f["publishedVersion"]["id"], await consumed(api, f, f["publishedVersion"]["id"]))
    counts = (await api.get(f"{C}/requests")).json()
    assert counts["flowListings"] == 4 and counts["total"] == 3
    assert {fid: e["versions"] for fid, e in counts["flows"].items()} == {
        fid: {v: 1} for fid, v in changed.items()
    }
    # the other per-flow endpoints are counted under the flow too; org-wide ones by endpoint only
    some = next(iter(changed))
    await api.get(f"{DT}/object", params={"id": some})
    await consumers(api, some, object_type(second[some]))
    await api.get(f"{DT}/deletedresourceconsumers")
    counts = (await api.get(f"{C}/requests")).json()
    entry = counts["flows"][some]
    assert (entry["total"], entry["consumedresources"], entry["object"], entry["consumingresources"]) == (
        3,
        1,
        1,
        1,
    )
    assert counts["byEndpoint"]["deletedresourceconsumers"] == 1 and counts["total"] == 6
    r = await api.post(f"{C}/republish", json={"ids": [some]})
    assert r.json()["republished"][0]["previousVersion"] == changed[some]
    r = await api.post(f"{C}/republish", json={"ids": ["nope"]})
    assert r.status_code == 404
