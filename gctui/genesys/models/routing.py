"""Routing queues (analytics reference §4)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gctui.genesys.models.analytics import AggregateResult
from gctui.genesys.models.base import ApiModel, EntityRef


class ServiceLevel(ApiModel):
    percentage: float | None = None
    duration_ms: int | None = None


class MediaSetting(ApiModel):
    alerting_timeout_seconds: int | None = None
    service_level: ServiceLevel | None = None


class Queue(ApiModel):
    id: str
    name: str
    division: EntityRef | None = None
    description: str | None = None
    member_count: int | None = None
    user_member_count: int | None = None
    joined_member_count: int | None = None
    media_settings: dict[str, MediaSetting] | None = None
    skill_evaluation_method: str | None = None
    scoring_method: str | None = None
    queue_flow: EntityRef | None = None
    # routing configuration (analytics reference §4.2, §4.4): what decides the routing method
    last_agent_routing_mode: str | None = None
    routing_rules: list[RoutingRule] | None = None
    bullseye: Bullseye | None = None
    conditional_group_routing: ConditionalGroupRouting | None = None
    direct_routing: dict[str, Any] | None = None
    member_groups: list[EntityRef] | None = None


class RoutingRule(ApiModel):
    """A preferred-agent rule."""

    operator: str | None = None
    threshold: int | None = None
    wait_seconds: float | None = None


class Ring(ApiModel):
    expansion_criteria: list[dict[str, Any]] | None = None
    member_groups: list[dict[str, Any]] | None = None


class Bullseye(ApiModel):
    rings: list[Ring] = Field(default_factory=list)


class ConditionalGroupRouting(ApiModel):
    rules: list[dict[str, Any]] = Field(default_factory=list)


class Predictor(ApiModel):
    """A predictive-routing predictor (``GET /api/v2/routing/predictors``): the queues it covers."""

    id: str
    queues: list[EntityRef] = Field(default_factory=list)
    kpi: str | None = None
    state: str | None = None
    routing_timeout_seconds: int | None = None


class AsyncQueryResponse(ApiModel):
    """``POST …/aggregates/jobs`` → ``{jobId}`` (§2.1)."""

    job_id: str


class AsyncQueryStatus(ApiModel):
    """``GET …/aggregates/jobs/{jobId}`` (§2.3). ``state``: QUEUED, PENDING, FAILED, CANCELLED,
    FULFILLED, EXPIRED."""

    state: str
    error_message: str | None = None
    expiration_date: str | None = None
    submission_date: str | None = None
    completion_date: str | None = None


class AsyncAggregateResults(ApiModel):
    """One page of ``GET …/jobs/{jobId}/results``; the last page has no ``cursor``."""

    results: list[AggregateResult] = Field(default_factory=list)
    cursor: str | None = None


Queue.model_rebuild()
