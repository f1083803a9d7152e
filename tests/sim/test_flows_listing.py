"""GET /api/v2/flows: the flows the Flows tab lists, their versions and paging."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

FLOW_KEYS = {"id", "name", "division", "description", "type", "active", "system", "deleted", "selfUri"}
VERSION_KEYS = {
    "id",
    "name",
    "commitVersion",
    "configurationVersion",
    "type",
    "secure",
    "debug",
    "createdBy",
    "dateCreated",
    "dateCheckedIn",
    "dateSaved",
    "generationId",
    "selfUri",
}


def all_flows(api: httpx.Client) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get("/api/v2/flows", params={"pageSize": 30, "pageNumber": page}).json()
        out += body["entities"]
        if "nextUri" not in body:
            return out
        page += 1


def number(version: dict[str, Any]) -> int:
    return int(version["id"].split(".")[0])


def test_flows_have_several_types_and_the_flow_shape(api: httpx.Client) -> None:
    flows = all_flows(api)
    assert len(flows) == 80 and len({f["id"] for f in flows}) == 80
    types = Counter(f["type"] for f in flows)
    for t in ("INBOUNDCALL", "INBOUNDCHAT", "INBOUNDEMAIL", "INQUEUECALL", "OUTBOUNDCALL", "BOT"):
        assert types[t] >= 1, t
    assert types["COMMONMODULE"] >= 6 and types["WORKFLOW"] >= 1 and types["SECURECALL"] >= 1
    for f in flows:
        assert FLOW_KEYS <= set(f), f
        assert f["selfUri"] == f"/api/v2/flows/{f['id']}" and f["deleted"] is False
        for key, kind in (
            ("publishedVersion", "PUBLISH"),
            ("checkedInVersion", "CHECKIN"),
            ("savedVersion", "SAVE"),
        ):
            if key in f:
                v = f[key]
                assert VERSION_KEYS <= set(v) and v["type"] == kind, v
                assert isinstance(v["dateCreated"], int) and v["id"] == v["name"] and v["id"].endswith(".0")
                assert v["selfUri"] == f"/api/v2/flows/{f['id']}/versions/{v['id']}"
        assert {"publishedVersion", "checkedInVersion", "savedVersion"} & set(f), f
        assert f == api.get(f"/api/v2/flows/{f['id']}").json()


def test_version_states_the_problems_pane_shows(api: httpx.Client) -> None:
    flows = all_flows(api)
    published = [f for f in flows if "publishedVersion" in f]
    never = [f for f in flows if "publishedVersion" not in f]
    newer_checked_in = [
        f
        for f in published
        if "checkedInVersion" in f and number(f["checkedInVersion"]) > number(f["publishedVersion"])
    ]
    same_checked_in = [f for f in published if f["checkedInVersion"]["id"] == f["publishedVersion"]["id"]]
    newer_saved = [f for f in published if "savedVersion" in f]
    only_saved = [f for f in never if set(f) & {"checkedInVersion", "savedVersion"} == {"savedVersion"}]
    assert len(published) >= 60 and newer_checked_in and same_checked_in and newer_saved
    assert never and only_saved and any("checkedInVersion" in f for f in never)
    for f in newer_saved:  # a saved draft is newer than anything checked in, and the flow is locked
        assert number(f["savedVersion"]) > number(f["checkedInVersion"]) >= number(f["publishedVersion"])
        assert f["savedVersion"]["dateCreated"] > f["publishedVersion"]["dateCreated"]
        assert f["lockedUser"]["id"]
    for f in newer_checked_in:
        assert f["checkedInVersion"]["dateCreated"] > f["publishedVersion"]["dateCreated"]
    assert all("datePublished" in f["publishedVersion"] for f in published)


def test_paging_and_type_filter(api: httpx.Client) -> None:
    first = api.get("/api/v2/flows", params={"pageSize": 25}).json()
    assert first["total"] == 80 and first["pageCount"] == 4 and len(first["entities"]) == 25
    last = api.get("/api/v2/flows", params={"pageSize": 25, "pageNumber": 4}).json()
    assert len(last["entities"]) == 5 and "nextUri" not in last
    mods = api.get("/api/v2/flows", params={"type": "commonmodule", "pageSize": 100}).json()
    assert mods["total"] >= 6 and {f["type"] for f in mods["entities"]} == {"COMMONMODULE"}
    r = api.get("/api/v2/flows", params={"type": "NOTAFLOW"})
    assert r.status_code == 400 and r.json()["details"][0]["fieldName"] == "type"
