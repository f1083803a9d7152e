"""Listing envelope and pagination, on queues, flows and actions."""

from __future__ import annotations

import httpx


def test_envelope_first_middle_last(api: httpx.Client) -> None:
    total = api.get("/api/v2/routing/queues?pageSize=1").json()["total"]
    assert total == 30
    first = api.get("/api/v2/routing/queues?pageSize=7").json()
    assert first["pageCount"] == 5 and first["pageNumber"] == 1 and len(first["entities"]) == 7
    assert "previousUri" not in first and first["nextUri"].endswith("pageSize=7&pageNumber=2")
    assert first["firstUri"].startswith("/api/v2/routing/queues?")
    assert first["lastUri"].endswith("pageNumber=5")
    mid = api.get("/api/v2/routing/queues?pageSize=7&pageNumber=3").json()
    assert mid["previousUri"].endswith("pageNumber=2") and mid["nextUri"].endswith("pageNumber=4")
    last = api.get("/api/v2/routing/queues?pageSize=7&pageNumber=5").json()
    assert len(last["entities"]) == 2 and "nextUri" not in last
    beyond = api.get("/api/v2/routing/queues?pageSize=7&pageNumber=9").json()
    assert beyond["entities"] == [] and beyond["total"] == 30 and beyond["pageCount"] == 5


def test_page_size_default_cap_and_errors(api: httpx.Client) -> None:
    assert api.get("/api/v2/flows").json()["pageSize"] == 25
    assert api.get("/api/v2/flows?pageSize=10000").json()["pageSize"] == 500
    r = api.get("/api/v2/flows?pageSize=0")
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "pageSize"
    r = api.get("/api/v2/flows?pageNumber=abc")
    assert r.status_code == 400 and "pageNumber" in r.json()["message"]


def test_flow_type_filter(api: httpx.Client) -> None:
    body = api.get("/api/v2/flows?type=commonmodule&pageSize=500").json()
    assert body["total"] > 5 and {f["type"] for f in body["entities"]} == {"COMMONMODULE"}
    body = api.get("/api/v2/flows?type=INBOUNDCALL&type=inqueuecall&pageSize=500").json()
    assert {f["type"] for f in body["entities"]} == {"INBOUNDCALL", "INQUEUECALL"}
    r = api.get("/api/v2/flows?type=notatype")
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "type"
    flow = body["entities"][0]
    assert flow["publishedVersion"]["id"].endswith(".0")
    assert isinstance(flow["publishedVersion"]["dateCreated"], int)


def test_actions_listing_filters_and_config(api: httpx.Client) -> None:
    body = api.get("/api/v2/integrations/actions?pageSize=500").json()
    assert body["total"] == 120 and all("config" not in a for a in body["entities"])
    assert all(a["id"].startswith("custom_-_") for a in body["entities"])
    with_cfg = api.get("/api/v2/integrations/actions?pageSize=500&includeConfig=true").json()["entities"]
    assert all("request" in a["config"] for a in with_cfg)
    assert any("timeoutSeconds" not in a["config"] for a in with_cfg)
    cat = with_cfg[0]["category"]
    by_cat = api.get("/api/v2/integrations/actions", params={"category": cat, "pageSize": 500}).json()
    assert by_cat["entities"] and all(a["category"] == cat for a in by_cat["entities"])
    ids = ",".join(a["id"] for a in with_cfg[:3])
    assert api.get(f"/api/v2/integrations/actions?ids={ids}").json()["total"] == 3
    too_many = ",".join(a["id"] for a in with_cfg[:51])
    assert api.get(f"/api/v2/integrations/actions?ids={too_many}").status_code == 400
    name = api.get("/api/v2/integrations/actions?name=get&sortBy=name").json()["entities"]
    assert [a["name"] for a in name] == sorted(a["name"] for a in name)
    assert all("get" in a["name"].lower() for a in name)


def test_unknown_path_and_method(api: httpx.Client) -> None:
    r = api.get("/api/v2/does/not/exist")
    assert r.status_code == 404 and r.json()["code"] == "not.found"
    r = api.put("/api/v2/routing/queues")
    assert r.status_code == 405 and r.json()["status"] == 405
    assert r.headers["ININ-Correlation-Id"] == r.json()["contextId"]
