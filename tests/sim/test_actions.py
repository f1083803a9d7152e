"""Data actions: PATCH validation/versioning, reads and their flags, test/execute, input schemas."""

from __future__ import annotations

from typing import Any

import httpx

from gctui.sim.server import SimServer

A = "/api/v2/integrations/actions"
INTERVAL = "2024-05-01T00:00:00Z/2024-05-08T00:00:00Z"
SAMPLE = {"id": "1", "ani": "+15551234567", "email": "pat@example.com"}


def valid_input(action: dict[str, Any]) -> dict[str, Any]:
    schema = action["contract"]["input"]["inputSchema"]
    return {name: SAMPLE[name] for name in schema["required"]}


def story_action(sim: SimServer) -> dict[str, Any]:
    """An action whose timeout is below its backend's median latency."""
    org = sim.runtime.org
    for a in org.actions:
        p = org.action_profiles[a["id"]]
        if p.median_ms > org.effective_timeout_s(a) * 1000 and p.per_hour > 0:
            return a
    raise AssertionError("the default org must contain an action with a too-low timeout")


async def test_patch_validation(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = sim.runtime.org.actions[3]
    url = f"{A}/{a['id']}"
    r = await client.patch(url, json={"config": {"timeoutSeconds": 5}})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "version"
    for bad in (0, 61, "10", 2.5, True, None):
        r = await client.patch(url, json={"version": a["version"], "config": {"timeoutSeconds": bad}})
        if bad is None:  # null removes the timeout in merge mode: the platform default applies
            assert r.status_code == 200 and "timeoutSeconds" not in r.json()["config"]
            a = r.json()
            continue
        body = r.json()
        assert r.status_code == 400 and "timeoutSeconds" in body["message"], bad
        assert body["details"][0]["fieldName"] == "config.timeoutSeconds" and body["code"] == "invalid.value"
    r = await client.patch(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "bad.request"
    for extra, field in (({"secure": True}, "secure"), ({"timeout": 5}, "timeout")):
        r = await client.patch(url, json={"version": a["version"], **extra})
        assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == field
    r = await client.patch(url, json={"version": a["version"], "config": {"timeoutSecs": 5}})
    assert r.status_code == 400 and "config.timeoutSecs" in r.json()["message"]
    r = await client.patch(url, json={"version": a["version"] - 1, "config": {"timeoutSeconds": 5}})
    assert r.status_code == 409 and "does not match the current version" in r.json()["message"]
    assert r.json()["code"] == "general.conflict"
    r = await client.patch(
        url, json={"version": a["version"], "config": {"timeoutSeconds": 5}, "name": "Renamed"}
    )
    body = r.json()
    assert r.status_code == 200 and body["config"]["timeoutSeconds"] == 5 and body["name"] == "Renamed"
    assert body["version"] == a["version"] + 1
    assert body["config"]["request"]["requestUrlTemplate"]  # merged, not replaced
    got = (await client.get(url, params={"includeConfig": "true"})).json()
    assert got["version"] == body["version"] and got["config"]["timeoutSeconds"] == 5
    assert (await client.get(f"{A}/does-not-exist")).status_code == 404


async def test_read_flags_make_a_difference(client: httpx.AsyncClient) -> None:
    page = (await client.get(A, params={"pageSize": 100})).json()["entities"]
    assert page and all("config" not in a and "contract" not in a for a in page)
    a = page[0]
    bare = (await client.get(f"{A}/{a['id']}")).json()
    assert "config" not in bare and "contract" not in bare
    cfg = (await client.get(f"{A}/{a['id']}", params={"includeConfig": "true"})).json()
    assert cfg["config"]["request"]["requestUrlTemplate"] and "contract" not in cfg
    off = (await client.get(f"{A}/{a['id']}", params={"includeConfig": "false"})).json()
    assert "config" not in off
    full = (await client.get(f"{A}/{a['id']}", params={"expand": "contract", "includeConfig": "true"})).json()
    schema = full["contract"]["input"]["inputSchema"]
    assert schema["$schema"].startswith("http://json-schema.org/") and "id" in schema["required"]
    assert full["contract"]["output"]["successSchema"]["type"] == "object" and "config" in full
    # find an action with the nested context object: flatten turns it into dotted names
    nested = None
    for e in (await client.get(A, params={"pageSize": 120})).json()["entities"]:
        c = (await client.get(f"{A}/{e['id']}", params={"expand": "contract"})).json()["contract"]
        if "context" in c["input"]["inputSchema"]["properties"]:
            nested = e
            break
    assert nested is not None
    flat = (await client.get(f"{A}/{nested['id']}", params={"expand": "contract", "flatten": "true"})).json()
    props = flat["contract"]["input"]["inputSchemaFlattened"]["properties"]
    assert "context.locale" in props and "context" not in props
    r = await client.get(f"{A}/{a['id']}", params={"expand": "definition"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "expand"
    r = await client.get(f"{A}/{a['id']}", params={"includeConfig": "yes"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "includeConfig"


async def test_listing_filters(client: httpx.AsyncClient) -> None:
    every = (await client.get(A, params={"pageSize": 500, "includeConfig": "true"})).json()["entities"]
    ids = [a["id"] for a in every]
    r = (await client.get(A, params={"ids": ",".join([ids[5], ids[2], ids[5], "nope"])})).json()
    assert [a["id"] for a in r["entities"]] == [ids[5], ids[2]] and r["total"] == 2
    r = await client.get(A, params={"ids": ",".join(ids[:51])})
    assert (
        r.status_code == 400 and r.json()["details"][0]["fieldName"] == "ids" and "50" in r.json()["message"]
    )
    assert (await client.get(A, params={"ids": ",".join(ids[:50])})).json()["total"] == 50
    secure = (await client.get(A, params={"secure": "true", "pageSize": 500})).json()
    plain = (await client.get(A, params={"secure": "false", "pageSize": 500})).json()
    assert secure["total"] and plain["total"] and secure["total"] + plain["total"] == len(every)
    assert all(a["secure"] for a in secure["entities"]) and not any(a["secure"] for a in plain["entities"])
    assert (await client.get(A, params={"secure": "yes"})).status_code == 400
    cat = every[0]["category"]
    by_cat = (await client.get(A, params={"category": cat, "pageSize": 500})).json()
    assert by_cat["total"] == sum(a["category"] == cat for a in every)
    name = (await client.get(A, params={"name": "LOOKUP", "pageSize": 500})).json()
    assert name["total"] == sum("lookup" in a["name"].lower() for a in every) > 0
    assert sum("timeoutSeconds" not in a["config"] for a in every) >= 10


async def test_input_schema_is_enforced(sim: SimServer, client: httpx.AsyncClient) -> None:
    org = sim.runtime.org
    schemas = [(a, a["contract"]["input"]["inputSchema"]) for a in org.actions]
    ani = next(a for a, s in schemas if "ani" in s["required"])
    only_id = [(a, s) for a, s in schemas if s["required"] == ["id"]]
    typed = next(a for a, s in only_id if {"channel", "limit"} <= set(s["properties"]))
    nested = next(a for a, s in only_id if "context" in s["properties"])
    cases = [
        (ani, {"id": "1"}, "ani", "required"),
        (ani, {"id": "1", "ani": "call me"}, "ani", "pattern"),
        (ani, {"id": 7, "ani": "+15551234567"}, "id", "type string"),
        (typed, {"id": "1", "channel": "fax"}, "channel", '"voice"'),
        (typed, {"id": "1", "limit": 500}, "limit", "at most 100"),
        (typed, {"id": "1", "limit": "5"}, "limit", "type integer"),
        (nested, {"id": "1", "context": {"locale": "en", "mood": "ok"}}, "context.mood", "not a property"),
        (nested, {"id": "1", "context": "en"}, "context", "type object"),
    ]
    for action, body, field, words in cases:
        for op in ("test", "execute"):
            r = await client.post(f"{A}/{action['id']}/{op}", json=body)
            got = r.json()
            assert r.status_code == 400, (op, body, got)
            assert got["details"][0]["fieldName"] == field and words in got["message"], got["message"]
            assert "input schema" in got["message"]
    ok = {"id": "42", "channel": "chat", "limit": 5}
    r = await client.post(f"{A}/{typed['id']}/test", json=ok)
    assert r.status_code == 200 and "success" in r.json()
    steps = r.json()["operations"]
    assert [s["step"] for s in steps] == list(range(1, len(steps) + 1))
    assert steps[0]["result"].endswith("/42")  # the URL template is resolved with the input
    assert (await client.post(f"{A}/{typed['id']}/test", json=[1])).status_code == 400


async def test_too_low_timeout_fails_tests_until_patched(sim: SimServer, client: httpx.AsyncClient) -> None:
    a = story_action(sim)
    body = valid_input(a)
    results = [(await client.post(f"{A}/{a['id']}/test", json=body)).json() for _ in range(10)]
    failures = [r for r in results if not r["success"]]
    assert len(failures) >= 6
    assert failures[0]["error"]["code"] == "request.timeout"
    assert f"after {sim.runtime.org.effective_timeout_s(a)} seconds" in failures[0]["error"]["message"]
    assert failures[0]["operations"][-1]["success"] is False and "finalResult" not in failures[0]
    agg = {
        "interval": INTERVAL,
        "metrics": ["tTotalExecution"],
        "groupBy": ["actionId", "errorType"],
        "filter": {"type": "and", "predicates": [{"dimension": "actionId", "value": a["id"]}]},
    }
    before = (await client.post("/api/v2/analytics/actions/aggregates/query", json=agg)).json()["results"]
    timeouts = [g for g in before if g["group"].get("errorType") == "TIMEOUT"]
    assert (
        timeouts
        and timeouts[0]["data"][0]["metrics"][0]["stats"]["p99"]
        > sim.runtime.org.effective_timeout_s(a) * 1000
    )
    r = await client.patch(f"{A}/{a['id']}", json={"version": a["version"], "config": {"timeoutSeconds": 60}})
    assert r.status_code == 200
    results = [(await client.post(f"{A}/{a['id']}/test", json=body)).json() for _ in range(5)]
    assert all(r["success"] for r in results) and results[0]["finalResult"]
    execute = results[0]["operations"][2]["result"]
    assert execute["timeoutSeconds"] == 60 and execute["latencyMs"] > 0
    after = (await client.post("/api/v2/analytics/actions/aggregates/query", json=agg)).json()["results"]
    t_after = sum(g["data"][0]["metrics"][0]["stats"]["count"] for g in after if g["group"].get("errorType"))
    t_before = sum(
        g["data"][0]["metrics"][0]["stats"]["count"] for g in before if g["group"].get("errorType")
    )
    assert t_after < t_before
    r = await client.post(f"{A}/{a['id']}/execute", json=body)
    assert r.status_code == 200 and r.json()["status"] == "OK"
