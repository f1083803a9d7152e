"""The additive API methods the actions service needs, at the HTTP level."""

from __future__ import annotations

import json

import httpx
import respx

from gctui.genesys.api import GenesysApi
from gctui.genesys.client import GenesysClient
from tests.genesys.conftest import API, make_options

ACTIONS = f"{API}/api/v2/integrations/actions"


async def test_actions_by_ids_reads_pages_of_50_and_keeps_the_raw_config(mock: respx.MockRouter) -> None:
    seen: list[dict[str, str]] = []

    def listing(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        ents = [{"id": i, "name": i, "version": 3, "config": {"timeoutSeconds": 5, "future": {"x": 1}}}
                for i in params["ids"].split(",") if i != "gone"]  # fmt: skip
        return httpx.Response(200, json={"entities": ents})

    mock.get(ACTIONS).mock(side_effect=listing)
    async with GenesysClient(make_options()) as client:
        ids = [f"id{i}" for i in range(101)] + ["gone", "id0"]
        found = await GenesysApi(client).actions_by_ids(ids)
    assert [len(p["ids"].split(",")) for p in seen] == [50, 50, 2]  # duplicates dropped
    assert all(p["includeConfig"] == "true" and p["pageSize"] == "50" for p in seen)
    assert len(found) == 101 and found[0].raw_config == {"timeoutSeconds": 5, "future": {"x": 1}}
    assert "raw_config" not in found[0].model_dump() and found[0].config is not None


async def test_patch_action_reports_when_it_was_sent(mock: respx.MockRouter) -> None:
    route = mock.patch(f"{ACTIONS}/a1").mock(
        return_value=httpx.Response(200, json={"id": "a1", "name": "A", "version": 8})
    )
    sent: list[int] = []
    async with GenesysClient(make_options()) as client:
        out = await GenesysApi(client).patch_action(
            "a1", {"version": 7}, bulk=True, on_sent=lambda: sent.append(1)
        )
    assert out.version == 8 and sent == [1]
    assert json.loads(route.calls[0].request.content) == {"version": 7}


async def test_actions_listing_reports_page_progress(mock: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["pageNumber"])
        return httpx.Response(
            200, json={"entities": [{"id": f"p{n}", "name": "x", "version": 1}], "pageCount": 3}
        )

    mock.get(ACTIONS).mock(side_effect=page)
    progress: list[tuple[int, int]] = []
    async with GenesysClient(make_options()) as client:
        got = [a.id async for a in GenesysApi(client).actions(on_page=lambda d, t: progress.append((d, t)))]
    assert got == ["p1", "p2", "p3"] and progress[0] == (1, 3) and progress[-1][1] == 3
