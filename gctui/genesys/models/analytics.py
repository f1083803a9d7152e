"""Aggregate and observation query responses (analytics reference §1.2, §3, API reference §8)."""

from __future__ import annotations

from pydantic import Field

from gctui.genesys.models.base import ApiModel


class StatisticalSummary(ApiModel):
    max: float | None = None
    min: float | None = None
    count: int | None = None
    sum: float | None = None
    current: float | None = None
    ratio: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    p95: int | None = None
    p99: int | None = None
    calculated_metric_value: int | None = None


class MetricData(ApiModel):
    metric: str
    qualifier: str | None = None
    stats: StatisticalSummary = Field(default_factory=StatisticalSummary)


class IntervalData(ApiModel):
    interval: str | None = None
    metrics: list[MetricData] = Field(default_factory=list)


class AggregateResult(ApiModel):
    group: dict[str, str] = Field(default_factory=dict)
    data: list[IntervalData] = Field(default_factory=list)


class AggregateQueryResponse(ApiModel):
    """Conversation and action aggregate responses share this shape; ``{}`` parses as empty."""

    results: list[AggregateResult] = Field(default_factory=list)


class ObservationResult(ApiModel):
    group: dict[str, str] = Field(default_factory=dict)
    data: list[MetricData] = Field(default_factory=list)


class ObservationQueryResponse(ApiModel):
    results: list[ObservationResult] = Field(default_factory=list)
    system_to_organization_mappings: dict[str, list[str]] | None = None
