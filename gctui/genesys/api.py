"""Typed endpoints the console reads and writes, on top of the shared client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from gctui.genesys.client import GenesysClient
from gctui.genesys.decode import decode_big_json, decode_json, parse_model, parse_model_in_chunks
from gctui.genesys.models import (
    Action,
    ActionWithConfig,
    AggregateQueryResponse,
    AggregateResult,
    Dependency,
    DependencyObject,
    DependencyStatus,
    Edge,
    EdgeMetrics,
    Flow,
    LimitsListing,
    ObservationQueryResponse,
    Organization,
    Queue,
    TestExecutionResult,
    TokenInfo,
    Trunk,
    TrunkMetrics,
)
from gctui.genesys.models.routing import (
    AsyncAggregateResults,
    AsyncQueryResponse,
    AsyncQueryStatus,
    Predictor,
)
from gctui.genesys.models.scaling import EdgeGroup
from gctui.genesys.pagination import paginate
from gctui.heap import built_in_bulk

ACTIONS = "/api/v2/integrations/actions"
AGGREGATE_JOBS = "/api/v2/analytics/conversations/aggregates/jobs"
LARGE_BODY = 256 * 1024  # bytes: a response this big is decoded and validated off the event loop
ACTION_IDS_PER_GET = 50  # the ``ids`` filter of GET /integrations/actions takes at most 50
M = TypeVar("M", bound=BaseModel)


def _chunks(ids: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class GenesysApi:
    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    # organization, tokens, limits
    async def organization(self) -> Organization:
        return await self.client.get_model("/api/v2/organizations/me", Organization)

    async def token_info(self) -> TokenInfo:
        return await self.client.get_model("/api/v2/tokens/me", TokenInfo)

    async def limits(self, namespace: str = "platform.api") -> LimitsListing:
        return await self.client.get_model(
            f"/api/v2/organizations/limits/namespaces/{namespace}", LimitsListing
        )

    # routing / telephony
    def queues(self, *, page_size: int = 100, name: str | None = None) -> AsyncIterator[Queue]:
        params = {"name": name} if name else None
        return self.client.paginate("/api/v2/routing/queues", Queue, params, page_size=page_size)

    def edges(self, *, page_size: int = 100) -> AsyncIterator[Edge]:
        return self.client.paginate("/api/v2/telephony/providers/edges", Edge, page_size=page_size)

    def trunks(self, *, page_size: int = 100) -> AsyncIterator[Trunk]:
        return self.client.paginate("/api/v2/telephony/providers/edges/trunks", Trunk, page_size=page_size)

    async def edge_metrics(self, edge_ids: list[str]) -> list[EdgeMetrics]:
        out: list[EdgeMetrics] = []
        for chunk in _chunks(edge_ids, 100):  # the API takes at most 100 ids
            data = await self.client.get_json(
                "/api/v2/telephony/providers/edges/metrics", {"edgeIds": ",".join(chunk)}
            )
            out.extend(parse_model(d, EdgeMetrics, "GET", "edges/metrics") for d in data or [])
        return out

    async def trunk_metrics(self, trunk_ids: list[str]) -> list[TrunkMetrics]:
        out: list[TrunkMetrics] = []
        for chunk in _chunks(trunk_ids, 100):
            data = await self.client.get_json(
                "/api/v2/telephony/providers/edges/trunks/metrics", {"trunkIds": ",".join(chunk)}
            )
            out.extend(parse_model(d, TrunkMetrics, "GET", "trunks/metrics") for d in data or [])
        return out

    # scaling: node groups are edge groups (their edges name them in ``edgeGroup``)
    def edge_groups(self, *, page_size: int = 100) -> AsyncIterator[EdgeGroup]:
        return self.client.paginate(
            "/api/v2/telephony/providers/edges/edgegroups", EdgeGroup, page_size=page_size
        )

    def edges_where(
        self, *, edge_group_id: str | None = None, site_id: str | None = None, page_size: int = 100
    ) -> AsyncIterator[Edge]:
        """Edges of one edge group and/or site (the SDK's wire names are dotted: ``edgeGroup.id``,
        ``site.id``, as the trunk listing's ``edge.id``)."""
        params = {k: v for k, v in (("edgeGroup.id", edge_group_id), ("site.id", site_id)) if v}
        return self.client.paginate(
            "/api/v2/telephony/providers/edges", Edge, params or None, page_size=page_size
        )

    # data actions
    def actions(
        self,
        *,
        include_config: bool = True,
        page_size: int = 100,
        on_page: Callable[[int, int], None] | None = None,
    ) -> AsyncIterator[Action]:
        """Every action; ``on_page(done_pages, page_count)`` reports progress."""
        params = {"includeConfig": "true" if include_config else "false"}
        if on_page is None:
            return self.client.paginate(ACTIONS, Action, params, page_size=page_size)
        return paginate(
            self.client,
            ACTIONS,
            Action,
            params,
            page_size=page_size,
            concurrency=self.client.options.page_concurrency,
            on_page=on_page,
        )

    async def actions_by_ids(self, action_ids: list[str], *, bulk: bool = True) -> list[ActionWithConfig]:
        """The current state (config included, verbatim) of these actions: one GET per 50 ids.
        Ids the org no longer has are simply absent from the result."""
        out: list[ActionWithConfig] = []
        for chunk in _chunks(list(dict.fromkeys(action_ids)), ACTION_IDS_PER_GET):
            params = {"ids": ",".join(chunk), "includeConfig": "true", "pageSize": ACTION_IDS_PER_GET}
            data = await self.client.get_json(ACTIONS, params, bulk=bulk)
            entities = data.get("entities") if isinstance(data, dict) else None
            out.extend(parse_model(e, ActionWithConfig, "GET", ACTIONS) for e in entities or [])
        return out

    async def action(self, action_id: str, *, include_config: bool = True) -> Action:
        return await self.client.get_model(
            f"{ACTIONS}/{action_id}", Action, {"includeConfig": str(include_config).lower()}
        )

    async def action_with_contract(self, action_id: str, *, include_config: bool = True) -> Action:
        """One action with its ``contract`` (input and output JSON schemas) and, by default, its
        ``config``: ``GET …/actions/{id}?expand=contract&includeConfig=true``. The id is sent as
        one path segment (percent-encoded), so an id typed by a user cannot reach another path."""
        return await self.client.get_model(
            f"{ACTIONS}/{quote(action_id, safe='')}",
            Action,
            {"expand": "contract", "includeConfig": str(include_config).lower()},
        )

    async def patch_action(
        self,
        action_id: str,
        body: dict[str, Any],
        *,
        bulk: bool = False,
        on_sent: Callable[[], None] | None = None,
        should_send: Callable[[], bool] | None = None,
    ) -> Action:
        """PATCH an action (``body`` carries its current ``version``). ``on_sent`` is called when the
        request actually leaves, so a journal can tell "sent" from "never sent"; ``should_send``
        False withdraws it before it leaves (``WithdrawnError``)."""
        resp = await self.client.request(
            "PATCH", f"{ACTIONS}/{action_id}", json=body, bulk=bulk, on_sent=on_sent, should_send=should_send
        )
        return parse_model(decode_json(resp, "PATCH", ACTIONS), Action, "PATCH", ACTIONS)

    async def test_action(
        self,
        action_id: str,
        inputs: dict[str, Any],
        *,
        request_timeout: float | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> TestExecutionResult:
        """``POST …/actions/{id}/test`` (the id as one path segment). ``request_timeout``: an
        action may run up to 60 s, longer than the client's default read timeout; ``on_sent``
        is called when the request leaves (after any wait for a token or the rate budget)."""
        path = f"{ACTIONS}/{quote(action_id, safe='')}/test"
        resp = await self.client.request(
            "POST", path, json=inputs, request_timeout=request_timeout, on_sent=on_sent
        )
        data = decode_json(resp, "POST", path) if resp.content else {}
        return parse_model(data, TestExecutionResult, "POST", path)

    # architect
    def flows(
        self,
        *,
        flow_types: list[str] | None = None,
        page_size: int = 100,
        on_page: Callable[[int, int], None] | None = None,
    ) -> AsyncIterator[Flow]:
        """Every flow; ``on_page(done_pages, page_count)`` reports progress."""
        params = {"type": [t.lower() for t in flow_types]} if flow_types else None
        if on_page is None:
            return self.client.paginate("/api/v2/flows", Flow, params, page_size=page_size)
        return paginate(
            self.client,
            "/api/v2/flows",
            Flow,
            params,
            page_size=page_size,
            concurrency=self.client.options.page_concurrency,
            on_page=on_page,
        )

    def consumed_resources(
        self, object_id: str, version: str, object_type: str, *, page_size: int = 100
    ) -> AsyncIterator[Dependency]:
        return self.client.paginate(
            "/api/v2/architect/dependencytracking/consumedresources",
            Dependency,
            {"id": object_id, "version": version, "objectType": object_type},
            page_size=page_size,
        )

    def consuming_resources(
        self,
        object_id: str,
        object_type: str,
        *,
        page_size: int = 100,
        version: str | None = None,
        flow_filter: str | None = None,
    ) -> AsyncIterator[Dependency]:
        params = {"id": object_id, "objectType": object_type}
        if version is not None:
            params["version"] = version
        if flow_filter:
            params["flowFilter"] = flow_filter
        return self.client.paginate(
            "/api/v2/architect/dependencytracking/consumingresources", Dependency, params, page_size=page_size
        )

    async def dependency_object(self, object_id: str, object_type: str | None = None) -> DependencyObject:
        params: dict[str, Any] = {"id": object_id, "consumedResources": "true", "consumingResources": "true"}
        if object_type:
            params["objectType"] = object_type
        return await self.client.get_model(
            "/api/v2/architect/dependencytracking/object", DependencyObject, params
        )

    async def dependency_build_status(self) -> DependencyStatus:
        return await self.client.get_model("/api/v2/architect/dependencytracking/build", DependencyStatus)

    def deleted_resource_consumers(
        self,
        *,
        object_types: list[str] | None = None,
        flow_filter: str | None = None,
        consumed_resources: bool = True,
        page_size: int = 100,
    ) -> AsyncIterator[DependencyObject]:
        """Objects that consume a resource that was deleted (``…/deletedresourceconsumers``); with
        ``consumed_resources`` each lists what it consumes (the deleted ones flagged)."""
        params: dict[str, Any] = {"consumedResources": "true" if consumed_resources else "false"}
        if object_types:
            params["objectType"] = object_types
        if flow_filter:
            params["flowFilter"] = flow_filter
        return self.client.paginate(
            "/api/v2/architect/dependencytracking/deletedresourceconsumers",
            DependencyObject,
            params,
            page_size=page_size,
        )

    def updated_resource_consumers(
        self,
        *,
        object_types: list[str] | None = None,
        consumed_resources: bool = True,
        page_size: int = 100,
    ) -> AsyncIterator[DependencyObject]:
        """Objects that consume a resource updated since they were published, so they need a
        republish (``…/updatedresourceconsumers``)."""
        params: dict[str, Any] = {"consumedResources": "true" if consumed_resources else "false"}
        if object_types:
            params["objectType"] = object_types
        return self.client.paginate(
            "/api/v2/architect/dependencytracking/updatedresourceconsumers",
            DependencyObject,
            params,
            page_size=page_size,
        )

    # analytics (queries are reads even though they are POSTs; see client read-only rule)
    async def _query(self, path: str, query: dict[str, Any], model: type[M]) -> M:
        resp = await self.client.request("POST", path, json=query)

        if len(resp.content) < LARGE_BODY:
            data = decode_json(resp, "POST", path) if resp.content else None
            return parse_model(data or {}, model, "POST", path)

        # An aggregate answer for 10,000 actions is megabytes: decoding and validating it takes
        # tens of milliseconds. In a thread, the event loop keeps drawing and answering keys
        # meanwhile, as long as the thread lets go of the GIL: the results are validated a
        # chunk at a time, and no collection (which holds the GIL throughout) runs in between.
        def parse() -> M:
            with built_in_bulk():
                return parse_model_in_chunks(decode_big_json(resp, "POST", path) or {}, model, "POST", path)

        return await asyncio.to_thread(parse)

    async def conversation_aggregates(self, query: dict[str, Any]) -> AggregateQueryResponse:
        return await self._query(
            "/api/v2/analytics/conversations/aggregates/query", query, AggregateQueryResponse
        )

    # routing: async aggregate jobs (§2.1, §2.3; reads, allowed in read-only mode) and predictors
    async def submit_aggregate_job(self, query: dict[str, Any]) -> str:
        """``POST …/aggregates/jobs``: the job id."""
        path = AGGREGATE_JOBS
        data = await self.client.post_json(path, query)
        return parse_model(data or {}, AsyncQueryResponse, "POST", path).job_id

    async def aggregate_job_status(self, job_id: str) -> AsyncQueryStatus:
        return await self.client.get_model(f"{AGGREGATE_JOBS}/{quote(job_id, safe='')}", AsyncQueryStatus)

    async def aggregate_job_page(self, job_id: str, cursor: str | None = None) -> AsyncAggregateResults:
        """One page of a FULFILLED job's results; follow ``cursor`` until it is None."""
        params = {"cursor": cursor} if cursor else None
        return await self.client.get_model(
            f"{AGGREGATE_JOBS}/{quote(job_id, safe='')}/results", AsyncAggregateResults, params
        )

    async def aggregate_job_results(self, job_id: str) -> AsyncIterator[AggregateResult]:
        """Every result of a FULFILLED job, page by page (cursor paging)."""
        cursor: str | None = None
        while True:
            page = await self.aggregate_job_page(job_id, cursor)
            for result in page.results:
                yield result
            if not page.cursor or page.cursor == cursor:
                return
            cursor = page.cursor

    async def delete_aggregate_job(self, job_id: str) -> None:
        """``DELETE …/jobs/{jobId}``: cancels a running job, frees a finished one."""
        await self.client.request("DELETE", f"{AGGREGATE_JOBS}/{quote(job_id, safe='')}")

    async def predictors(self) -> list[Predictor]:
        """``GET /api/v2/routing/predictors`` (PredictorListing: ``entities``, cursor/page links)."""
        out: list[Predictor] = []
        async for p in self.client.paginate("/api/v2/routing/predictors", Predictor):
            out.append(p)
        return out

    async def queue_observations(self, query: dict[str, Any]) -> ObservationQueryResponse:
        return await self._query(
            "/api/v2/analytics/queues/observations/query", query, ObservationQueryResponse
        )

    async def action_aggregates(self, query: dict[str, Any]) -> AggregateQueryResponse:
        return await self._query("/api/v2/analytics/actions/aggregates/query", query, AggregateQueryResponse)
