"""Shared helpers for the flows tests (no tests here): a synthetic org of flows and their
dependencies, served two ways: a respx-mocked API (the real client, pool and governor, with
every request counted) and a pure fake API (for ordering tests and the kill -9 child)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import respx

from gctui.genesys.models import Dependency, Flow
from gctui.services.flows.graph import object_type_of
from tests.genesys.conftest import API, LOGIN, TokenServer, error_body

FLOWS_PATH = "/api/v2/flows"
CONSUMED_PATH = "/api/v2/architect/dependencytracking/consumedresources"
DT = "/api/v2/architect/dependencytracking"


def flow_json(
    flow_id: str, name: str, ftype: str, published: int | None, saved: int | None = None
) -> dict[str, Any]:
    f: dict[str, Any] = {"id": flow_id, "name": name, "type": ftype, "deleted": False}
    if published is not None:
        f["publishedVersion"] = {"id": f"{published}.0", "type": "PUBLISH"}
        f["checkedInVersion"] = {"id": f"{published}.0", "type": "CHECKIN"}
    if saved is not None:
        f["savedVersion"] = {"id": f"{saved}.0", "type": "SAVE"}
    return f


def dep_json(dtype: str, dep_id: str, name: str, **flags: bool) -> dict[str, Any]:
    return {
        "id": dep_id,
        "name": name,
        "type": dtype,
        "deleted": flags.get("deleted", False),
        "updated": flags.get("updated", False),
        "stateUnknown": flags.get("state_unknown", False),
    }


class SyntheticOrg:
    """``n`` flows (ids ``f0000``…): ~5 % draft only, common modules calling later modules, a
    planted 2-cycle between modules 0 and 1, data actions and queues. Deterministic per seed."""

    def __init__(self, n: int, seed: int = 3) -> None:
        rng = random.Random(seed)
        self.flows: list[dict[str, Any]] = []
        self.consumed: dict[str, list[dict[str, Any]]] = {}
        types = ["INBOUNDCALL", "COMMONMODULE", "INQUEUECALL", "WORKFLOW", "BOT"]
        for i in range(n):
            ftype = "COMMONMODULE" if i < 4 else rng.choice(types)
            published = None if (i >= 4 and rng.random() < 0.05) else rng.randint(1, 9)
            self.flows.append(flow_json(f"f{i:04d}", f"Flow {i}", ftype, published))
        modules = [f for f in self.flows if f["type"] == "COMMONMODULE"]
        for f in self.flows:
            deps = [
                dep_json("QUEUE", f"q{rng.randrange(20)}", "Queue"),
                dep_json("DATAACTION", f"a{rng.randrange(50)}", "Action"),
            ]
            later = [m for m in modules if m["id"] > f["id"]] if f["type"] == "COMMONMODULE" else modules
            if later:
                m = rng.choice(later)
                deps.append(dep_json("COMMONMODULEFLOW", m["id"], m["name"]))
            self.consumed[f["id"]] = deps
        self.consumed["f0000"].append(dep_json("COMMONMODULEFLOW", "f0001", "Flow 1"))
        self.consumed["f0001"].append(dep_json("COMMONMODULEFLOW", "f0000", "Flow 0"))
        self.by_id = {f["id"]: f for f in self.flows}

    def published_ids(self) -> list[str]:
        return [f["id"] for f in self.flows if f.get("publishedVersion")]

    def republish(self, flow_id: str) -> None:
        f = self.by_id[flow_id]
        n = int(f["publishedVersion"]["id"].split(".")[0]) + 1
        f["publishedVersion"] = {"id": f"{n}.0", "type": "PUBLISH"}
        self.consumed[flow_id] = [
            *self.consumed[flow_id],
            dep_json("USERPROMPT", f"p-{flow_id}-{n}", "Prompt"),
        ]

    def add(self, flow_id: str, ftype: str = "INBOUNDCALL") -> None:
        f = flow_json(flow_id, f"New {flow_id}", ftype, 1)
        self.flows.append(f)
        self.by_id[flow_id] = f
        self.consumed[flow_id] = [dep_json("QUEUE", "q-new", "New queue")]

    def remove(self, flow_id: str) -> None:
        self.flows.remove(self.by_id.pop(flow_id))


def _page(request: httpx.Request, items: list[dict[str, Any]]) -> httpx.Response:
    size = int(request.url.params.get("pageSize", "25"))
    number = int(request.url.params.get("pageNumber", "1"))
    chunk = items[(number - 1) * size : number * size]
    count = -(-len(items) // size)
    return httpx.Response(
        200,
        json={
            "entities": chunk,
            "pageSize": size,
            "pageNumber": number,
            "total": len(items),
            "pageCount": count,
        },
    )


class MockedOrg:
    """The synthetic org behind respx: GET /flows, consumedresources, and the problem reads.
    ``fail[flow_id] = status`` makes that flow's consumedresources fail."""

    def __init__(self, router: respx.MockRouter, org: SyntheticOrg) -> None:
        self.org = org
        self.calls: Counter[str] = Counter()
        self.consumed_calls: list[str] = []
        self.fail: dict[str, int] = {}
        self.list_status: int | None = None  # GET /flows answers this error when set
        self.list_page_sizes: list[int] = []
        self.deleted: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []
        self.build: dict[str, Any] | int = {"status": "OPERATIONAL", "failedObjects": []}
        self.tokens = TokenServer()
        router.post(f"{LOGIN}/oauth/token").mock(side_effect=self.tokens)
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(
                200,
                json={"entities": [{"key": "client.credentials.token.rate.per.minute", "value": 1_000_000}]},
            )
        )
        router.get(f"{API}{FLOWS_PATH}").mock(side_effect=self._flows)
        router.get(f"{API}{CONSUMED_PATH}").mock(side_effect=self._consumed)
        router.get(f"{API}{DT}/deletedresourceconsumers").mock(side_effect=self._deleted)
        router.get(f"{API}{DT}/updatedresourceconsumers").mock(side_effect=self._updated)
        router.get(f"{API}{DT}/build").mock(side_effect=self._build)

    def _flows(self, request: httpx.Request) -> httpx.Response:
        self.calls["list"] += 1
        if self.list_status is not None:
            return httpx.Response(self.list_status, json=error_body(self.list_status, "x", "listing refused"))
        self.list_page_sizes.append(int(request.url.params["pageSize"]))
        return _page(request, self.org.flows)

    def _consumed(self, request: httpx.Request) -> httpx.Response:
        p = request.url.params
        flow_id, version, object_type = p["id"], p["version"], p["objectType"]
        self.calls["consumed"] += 1
        self.consumed_calls.append(flow_id)
        if flow_id in self.fail:
            status = self.fail[flow_id]
            return httpx.Response(
                status, json=error_body(status, "not.found" if status == 404 else "x", "no")
            )
        f = self.org.by_id.get(flow_id)
        if f is None or (f.get("publishedVersion") or {}).get("id") != version:
            return httpx.Response(404, json=error_body(404, "not.found", f"version {version} not found"))
        assert object_type == object_type_of(f["type"]), (object_type, f["type"])
        return _page(request, self.org.consumed[flow_id])

    def _deleted(self, request: httpx.Request) -> httpx.Response:
        self.calls["deleted"] += 1
        return _page(request, self.deleted)

    def _updated(self, request: httpx.Request) -> httpx.Response:
        self.calls["updated"] += 1
        return _page(request, self.updated)

    def _build(self, request: httpx.Request) -> httpx.Response:
        self.calls["build"] += 1
        if isinstance(self.build, int):
            return httpx.Response(self.build, json=error_body(self.build, "x", "build status unavailable"))
        return httpx.Response(200, json=self.build)


class FakeApi:
    """The crawl's API without HTTP. ``consumed_calls`` records each fetch in order;
    ``on_fetch(flow_id, n)`` may await (block) before the answer, n = 1-based fetch number."""

    def __init__(self, org: SyntheticOrg, on_fetch: Callable[[str, int], Any] | None = None) -> None:
        self.org = org
        self.consumed_calls: list[str] = []
        self.list_calls = 0
        self.on_fetch = on_fetch

    async def flows(
        self, *, page_size: int = 100, on_page: Callable[[int, int], None] | None = None
    ) -> AsyncIterator[Flow]:
        self.list_calls += 1
        pages = max(1, -(-len(self.org.flows) // page_size))
        for p in range(pages):
            if on_page is not None:
                on_page(p + 1, pages)
            for f in self.org.flows[p * page_size : (p + 1) * page_size]:
                yield Flow.model_validate(f)

    async def consumed_resources(
        self, object_id: str, version: str, object_type: str, *, page_size: int = 100
    ) -> AsyncIterator[Dependency]:
        self.consumed_calls.append(object_id)
        if self.on_fetch is not None:
            res = self.on_fetch(object_id, len(self.consumed_calls))
            if asyncio.iscoroutine(res):
                await res
        for d in self.org.consumed[object_id]:
            yield Dependency.model_validate(d)
