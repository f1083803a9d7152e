"""Typed endpoints the console reads and writes, on top of the shared client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from gctui.genesys.client import GenesysClient
from gctui.genesys.decode import decode_json, parse_model
from gctui.genesys.models import (
    Action,
    AggregateQueryResponse,
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

ACTIONS = "/api/v2/integrations/actions"
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

    # data actions
    def actions(self, *, include_config: bool = True, page_size: int = 100) -> AsyncIterator[Action]:
        params = {"includeConfig": "true" if include_config else "false"}
        return self.client.paginate(ACTIONS, Action, params, page_size=page_size)

    async def action(self, action_id: str, *, include_config: bool = True) -> Action:
        return await self.client.get_model(
            f"{ACTIONS}/{action_id}", Action, {"includeConfig": str(include_config).lower()}
        )

    async def patch_action(self, action_id: str, body: dict[str, Any]) -> Action:
        resp = await self.client.request("PATCH", f"{ACTIONS}/{action_id}", json=body)
        return parse_model(decode_json(resp, "PATCH", ACTIONS), Action, "PATCH", ACTIONS)

    async def test_action(self, action_id: str, inputs: dict[str, Any]) -> TestExecutionResult:
        path = f"{ACTIONS}/{action_id}/test"
        return parse_model(await self.client.post_json(path, inputs), TestExecutionResult, "POST", path)

    # architect
    def flows(self, *, flow_types: list[str] | None = None, page_size: int = 100) -> AsyncIterator[Flow]:
        params = {"type": [t.lower() for t in flow_types]} if flow_types else None
        return self.client.paginate("/api/v2/flows", Flow, params, page_size=page_size)

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
        self, object_id: str, object_type: str, *, page_size: int = 100
    ) -> AsyncIterator[Dependency]:
        return self.client.paginate(
            "/api/v2/architect/dependencytracking/consumingresources",
            Dependency,
            {"id": object_id, "objectType": object_type},
            page_size=page_size,
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

    # analytics (queries are reads even though they are POSTs; see client read-only rule)
    async def _query(self, path: str, query: dict[str, Any], model: type[M]) -> M:
        return parse_model(await self.client.post_json(path, query) or {}, model, "POST", path)

    async def conversation_aggregates(self, query: dict[str, Any]) -> AggregateQueryResponse:
        return await self._query(
            "/api/v2/analytics/conversations/aggregates/query", query, AggregateQueryResponse
        )

    async def queue_observations(self, query: dict[str, Any]) -> ObservationQueryResponse:
        return await self._query(
            "/api/v2/analytics/queues/observations/query", query, ObservationQueryResponse
        )

    async def action_aggregates(self, query: dict[str, Any]) -> AggregateQueryResponse:
        return await self._query("/api/v2/analytics/actions/aggregates/query", query, AggregateQueryResponse)
