"""Base model: camelCase on the wire, snake_case in Python, unknown fields ignored."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Lenient to fields we do not read; strict (required, typed) on those we rely on."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=False)


class EntityRef(ApiModel):
    """DomainEntityRef / NamedEntity."""

    id: str
    name: str | None = None
    self_uri: str | None = None


T = TypeVar("T")


class EntityListing(ApiModel, Generic[T]):
    """The page-number listing envelope (reference §4.1)."""

    entities: list[T] = Field(default_factory=list)
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    page_count: int | None = None
    first_uri: str | None = None
    self_uri: str | None = None
    next_uri: str | None = None
    previous_uri: str | None = None
    last_uri: str | None = None
