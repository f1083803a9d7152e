"""Edges, trunks and their metrics (analytics reference §5, API reference §5a)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from gctui.genesys.models.base import ApiModel, EntityRef


class Edge(ApiModel):
    id: str
    name: str
    state: str | None = None
    status_code: str | None = None
    online_status: str | None = None
    site: EntityRef | None = None
    edge_group: EntityRef | None = None


class TrunkConnectedStatus(ApiModel):
    connected: bool | None = None
    connected_state_time: datetime | None = None


class Trunk(ApiModel):
    id: str
    name: str
    state: str | None = None
    trunk_type: str | None = None
    in_service: bool | None = None
    enabled: bool | None = None
    connected_status: TrunkConnectedStatus | None = None
    edge: EntityRef | None = None
    trunk_base: EntityRef | None = None


class EdgeProcessor(ApiModel):
    cpu_id: str
    active_time_pct: float | None = None
    idle_time_pct: float | None = None


class EdgeMemory(ApiModel):
    type: str | None = None
    available_bytes: float | None = None
    total_bytes: float | None = None


class EdgeMetrics(ApiModel):
    edge: EntityRef | None = None
    event_time: datetime | None = None
    up_time_msec: int | None = None
    processors: list[EdgeProcessor] = Field(default_factory=list)
    memory: list[EdgeMemory] = Field(default_factory=list)

    @property
    def cpu_pct(self) -> float | None:
        for p in self.processors:
            if p.cpu_id == "total":
                return p.active_time_pct
        return None


class TrunkCalls(ApiModel):
    inbound_call_count: int = 0
    outbound_call_count: int = 0


class TrunkMetrics(ApiModel):
    event_time: datetime | None = None
    trunk: EntityRef | None = None
    calls: TrunkCalls | None = None
