"""Data actions (reference §5b)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field, model_validator

from gctui.genesys.models.base import ApiModel
from gctui.genesys.models.errors import ErrorBody


class RequestConfig(ApiModel):
    request_url_template: str | None = None
    request_template: str | None = None
    request_type: str | None = None
    headers: dict[str, str] | None = None


class ResponseConfig(ApiModel):
    translation_map: dict[str, str] | None = None
    translation_map_defaults: dict[str, str] | None = None
    success_template: str | None = None


class ActionConfig(ApiModel):
    # Seconds, 1-60; None means the platform default applies.
    timeout_seconds: int | None = None
    request: RequestConfig | None = None
    response: ResponseConfig | None = None


class ActionContract(ApiModel):
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None


class Action(ApiModel):
    id: str
    name: str
    integration_id: str | None = None
    category: str | None = None
    version: int
    secure: bool | None = None
    config: ActionConfig | None = None
    contract: ActionContract | None = None


class ActionWithConfig(Action):
    """An action plus its ``config`` exactly as the API sent it: a PATCH must send the whole
    config back, including the fields :class:`ActionConfig` does not model."""

    raw_config: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _keep_raw_config(cls, data: Any) -> Any:
        if isinstance(data, dict):
            raw = data.get("config")
            return {**data, "rawConfig": copy.deepcopy(raw) if isinstance(raw, dict) else {}}
        return data


class TestOperation(ApiModel):
    step: int | None = None
    name: str | None = None
    success: bool | None = None
    result: Any = None
    error: ErrorBody | None = None


class TestExecutionResult(ApiModel):
    __test__ = False  # not a pytest test class

    operations: list[TestOperation] = Field(default_factory=list)
    error: ErrorBody | None = None
    final_result: Any = None
    success: bool | None = None
