"""ErrorBody and the rate-limit objects (reference §3)."""

from __future__ import annotations

from pydantic import Field

from gctui.genesys.models.base import ApiModel


class Limit(ApiModel):
    key: str | None = None
    namespace: str | None = None
    value: int | None = None


class Detail(ApiModel):
    error_code: str | None = None
    field_name: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None


class ErrorBody(ApiModel):
    message: str | None = None
    code: str | None = None
    status: int | None = None
    context_id: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None
    message_with_params: str | None = None
    message_params: dict[str, str] | None = None
    details: list[Detail] = Field(default_factory=list)
    errors: list[ErrorBody] = Field(default_factory=list)
    limit: Limit | None = None


class LimitsListing(ApiModel):
    entities: list[Limit] = Field(default_factory=list)
