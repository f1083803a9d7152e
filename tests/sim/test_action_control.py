"""`/sim/control/actions/...`: version-mismatch answer, config PATCH mode, PATCH history, stale reads."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from gctui.sim import SimConfig, SimConfigError
from gctui.sim.server import SimServer
from tests.sim.conftest import async_token

A = "/api/v2/integrations/actions"
S = "/sim/control/actions/settings"


async def _current(client: httpx.AsyncClient, action_id: str) -> dict[str, Any]:
    r = await client.get(f"{A}/{action_id}", params={"includeConfig": "true"})
    assert r.status_code == 200
    return dict(r.json())


async def test_version_mismatch_answer_is_configurable(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = sim.runtime.org.actions[0]
    stale = {"version": a["version"] - 1, "config": {"timeoutSeconds": 7}}
    defaults = (await client.get(S)).json()
    assert defaults["versionMismatchStatus"] == 409 and defaults["versionMismatchCode"] == "general.conflict"
    r = await client.put(S, json={"versionMismatchStatus": 400})
    assert r.status_code == 200 and r.json()["versionMismatchCode"] == "bad.request"
    r = await client.patch(f"{A}/{a['id']}", json=stale)
    assert r.status_code == 400 and r.json()["code"] == "bad.request"
    assert "does not match the current version" in r.json()["message"]
    assert r.json()["details"][0]["fieldName"] == "version"
    r = await client.put(S, json={"versionMismatchStatus": 409, "versionMismatchCode": "version.mismatch"})
    assert r.json()["versionMismatchCode"] == "version.mismatch"
    r = await client.patch(f"{A}/{a['id']}", json=stale)
    assert r.status_code == 409 and r.json()["code"] == "version.mismatch"
    for bad, field in (
        ({"versionMismatchStatus": 412}, "versionMismatchStatus"),
        ({"versionMismatchCode": ""}, "versionMismatchCode"),
        ({"configPatch": "deep"}, "configPatch"),
        ({"staleSeconds": -1}, "staleSeconds"),
        ({"staleProbability": 2}, "staleProbability"),
        ({"staleReads": -1}, "staleReads"),
        ({"stale": 1}, "stale"),
    ):
        r = await client.put(S, json=bad)
        assert r.status_code == 400 and field in r.json()["message"], (bad, r.text)
    r = await client.put(S, json={"staleSeconds": 5})  # neither reads nor probability
    assert r.status_code == 400 and "staleReads" in r.json()["message"]
    assert (await client.get(S)).json()["versionMismatchCode"] == "version.mismatch"  # unchanged
    with pytest.raises(SimConfigError):
        SimConfig(version_mismatch_status=412).validate()
    with pytest.raises(SimConfigError):
        SimConfig(stale_read_seconds=3).validate()


async def test_config_patch_replace_mode(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = await _current(client, sim.runtime.org.actions[1]["id"])
    assert (await client.put(S, json={"configPatch": "replace"})).status_code == 200
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 9}})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "config.request"
    cfg = {"timeoutSeconds": 9, "request": dict(a["config"]["request"]), "response": a["config"]["response"]}
    del cfg["request"]["headers"]
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": cfg})
    assert r.status_code == 200 and r.json()["config"] == cfg  # replaced: the headers are gone
    cfg2 = {"request": cfg["request"], "response": cfg["response"]}
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"] + 1, "config": cfg2})
    assert r.status_code == 200 and "timeoutSeconds" not in r.json()["config"]
    await client.put(S, json={"configPatch": "merge"})
    r = await client.patch(
        f"{A}/{a['id']}", json={"version": a["version"] + 2, "config": {"timeoutSeconds": 4}}
    )
    assert r.json()["config"] == {**cfg2, "timeoutSeconds": 4}


async def test_history_proves_each_patch_applied_once(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = await _current(client, sim.runtime.org.actions[2]["id"])
    old_timeout = a["config"].get("timeoutSeconds")
    hist = f"/sim/control/actions/{a['id']}/history"
    assert (await client.get(hist)).json() == {
        "actionId": a["id"],
        "applied": 0,
        "conflicts": 0,
        "changes": [],
    }
    # the PATCH is applied, then its response is lost: the client cannot know it worked
    sim.control.script_fault("PATCH", f"{A}/*", 503, count=1, when="after")
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 33}})
    assert r.status_code == 503
    # a blind retry with the same version is refused and counted as a conflict, not applied
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 33}})
    assert r.status_code == 409
    h = (await client.get(hist)).json()
    assert h["applied"] == 1 and h["conflicts"] == 1
    change = h["changes"][0]
    assert change["versionBefore"] == a["version"] and change["versionAfter"] == a["version"] + 1
    assert change["timeoutSecondsBefore"] == old_timeout and change["timeoutSecondsAfter"] == 33
    assert change["fields"] == ["config"] and change["at"].endswith("Z") and change["contextId"]
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"] + 1, "name": "Renamed action"})
    assert r.status_code == 200 and r.headers["ININ-Correlation-Id"]
    h = (await client.get(hist)).json()
    assert h["applied"] == 2 and h["changes"][1]["fields"] == ["name"]
    assert h["changes"][1]["contextId"] == r.headers["ININ-Correlation-Id"]
    assert h["changes"][1]["seq"] > h["changes"][0]["seq"]
    assert (await client.get("/sim/control/actions/history")).json() == {
        "actions": {a["id"]: {"applied": 2, "conflicts": 1}}
    }
    r = await client.get("/sim/control/actions/custom_-_nope/history")
    assert r.status_code == 404 and r.json()["code"] == "not.found"
    assert (await client.delete("/sim/control/actions/history")).status_code == 204
    assert (await client.get(hist)).json()["applied"] == 0


async def test_stale_reads_by_count(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = await _current(client, sim.runtime.org.actions[4]["id"])
    r = await client.put(S, json={"staleSeconds": 60, "staleReads": 2})
    assert r.json()["staleReads"] == 2 and r.json()["staleProbability"] is None
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 21}})
    assert r.status_code == 200 and r.json()["version"] == a["version"] + 1  # the PATCH answer is fresh
    first = await _current(client, a["id"])
    listed = (await client.get(A, params={"ids": a["id"], "includeConfig": "true"})).json()["entities"][0]
    third = await _current(client, a["id"])
    assert first["version"] == a["version"] and first["config"] == a["config"]
    assert listed["version"] == a["version"]
    assert third["version"] == a["version"] + 1 and third["config"]["timeoutSeconds"] == 21
    # a client that PATCHes with the stale version it read gets the mismatch answer
    r = await client.patch(
        f"{A}/{a['id']}", json={"version": a["version"] + 1, "config": {"timeoutSeconds": 22}}
    )
    stale_again = await _current(client, a["id"])
    assert stale_again["version"] == a["version"] + 1  # the old one, again stale for two reads
    r = await client.patch(
        f"{A}/{a['id']}", json={"version": stale_again["version"], "config": {"timeoutSeconds": 5}}
    )
    assert r.status_code == 409
    await client.put(S, json={"staleSeconds": 0})
    assert (await _current(client, a["id"]))["config"]["timeoutSeconds"] == 22


async def _stale_pattern(seed: int) -> list[int]:
    async with SimServer(SimConfig(seed=seed)) as s, httpx.AsyncClient(base_url=s.base_url) as c:
        c.headers["Authorization"] = f"Bearer {await async_token(c)}"
        await c.put(S, json={"staleSeconds": 60, "staleProbability": 0.5})
        a = await _current(c, s.runtime.org.actions[0]["id"])
        await c.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 12}})
        return [(await _current(c, a["id"]))["version"] - a["version"] for _ in range(24)]


async def test_stale_reads_by_probability_are_seeded_and_expire() -> None:
    one, two = await _stale_pattern(7), await _stale_pattern(7)
    assert one == two and 0 in one and 1 in one  # same seed, same answers; both kinds happen
    async with SimServer(SimConfig(stale_read_seconds=0.3, stale_reads=1000)) as s:
        async with httpx.AsyncClient(base_url=s.base_url) as c:
            c.headers["Authorization"] = f"Bearer {await async_token(c)}"
            a = await _current(c, s.runtime.org.actions[0]["id"])
            await c.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 12}})
            assert (await _current(c, a["id"]))["version"] == a["version"]
            page = (await c.get(A, params={"pageSize": 5})).json()["entities"]
            assert page[0]["version"] == a["version"]
            await asyncio.sleep(0.35)
            assert (await _current(c, a["id"]))["version"] == a["version"] + 1
