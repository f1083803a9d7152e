"""Routing queues (analytics reference §4)."""

from __future__ import annotations

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
