"""``[scaling]``: the Scaling tab and ``gctui scale`` (thresholds, horizon, scaling webhook).

Genesys Cloud exposes edge CPU/memory and trunk concurrent calls, but no capacity field and no way
to scale media nodes (analytics reference §5): the console forecasts and tells the user's own
scaler through a webhook. The threshold matrix lives here (strict, validated) so the config file,
the tab and the CLI all refuse the same bad values with the same words."""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from gctui.config.webhooks import webhook_headers, webhook_url

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9]*)\}")

# What a payload template may reference: the fields of the default payload (see
# gctui.services.scaling.payload) plus the profile, the source and the reasons.
TEMPLATE_FIELDS = frozenset(
    {
        "nodeGroupId",
        "nodeGroupName",
        "currentNodes",
        "requestedNodes",
        "cpuThresholds",
        "memoryThresholds",
        "forecast",
        "reasons",
        "profile",
        "source",
    }
)


class ThresholdError(ValueError):
    """A threshold matrix the console refuses; the message says which value and why."""


class ThresholdMatrix(BaseModel):
    """Warning/critical utilization per resource kind (fractions 0-1), the node cap, the step and
    the cool-down between applies: ``[scaling.thresholds]``. The seed's defaults."""

    model_config = _STRICT

    cpu_warning: float = Field(default=0.75, ge=0, le=1)
    cpu_critical: float = Field(default=0.90, ge=0, le=1)
    memory_warning: float = Field(default=0.80, ge=0, le=1)
    memory_critical: float = Field(default=0.95, ge=0, le=1)
    trunk_warning: float = Field(default=0.75, ge=0, le=1)
    trunk_critical: float = Field(default=0.90, ge=0, le=1)
    max_nodes: int = Field(default=50, ge=1, le=10_000)
    step: float = Field(default=0.25, gt=0, le=10)  # a scale-up adds max(1, step x nodes)
    sessions_per_node: float = Field(default=1.2, gt=0, le=1_000_000)  # sessions >= this x nodes: scale up
    cooldown_seconds: float = Field(default=600, ge=0, le=86_400)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        for kind in ("cpu", "memory", "trunk"):
            warning, critical = getattr(self, f"{kind}_warning"), getattr(self, f"{kind}_critical")
            if warning > critical:
                raise ValueError(
                    f"{kind}_warning ({warning:g}) is above {kind}_critical ({critical:g}): "
                    "the warning threshold must not exceed the critical one"
                )
        return self

    @classmethod
    def parse(cls, values: dict[str, Any]) -> ThresholdMatrix:
        """Validate ``values`` (the tab's edits); :class:`ThresholdError` names the first bad one."""
        from pydantic import ValidationError

        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"])
            ctx = err.get("ctx") or {}
            if err["type"] == "value_error":
                raise ThresholdError(str(ctx.get("error") or err["msg"])) from None
            if err["type"] in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
                low, high = _bounds(cls, str(err["loc"][0]))
                raise ThresholdError(f"{where} {err.get('input')!r} is out of range ({low}-{high})") from None
            raise ThresholdError(f"{where}: {err['msg'].lower()}") from None

    def check_nodes(self, group: str, current: int) -> None:
        """Refuse a cap below what the group already runs (before any request is made)."""
        if self.max_nodes < current:
            raise ThresholdError(
                f"max_nodes ({self.max_nodes}) is below the {current} nodes node group {group!r} "
                "already has: raise max_nodes to at least the current count"
            )

    def for_kind(self, kind: str) -> tuple[float, float]:
        """(warning, critical) of ``cpu``, ``memory`` or ``trunk``."""
        return getattr(self, f"{kind}_warning"), getattr(self, f"{kind}_critical")


def _bounds(model: type[BaseModel], name: str) -> tuple[str, str]:
    low = high = "?"
    for meta in model.model_fields[name].metadata:
        for attr in ("ge", "gt"):
            if getattr(meta, attr, None) is not None:
                low = f"{getattr(meta, attr):g}"
        if getattr(meta, "le", None) is not None:
            high = f"{meta.le:g}"
    return low, high


class ScalingConfig(BaseModel):
    """The Scaling tab and ``gctui scale``: ``[scaling]``."""

    model_config = _STRICT

    thresholds: ThresholdMatrix = Field(default_factory=ThresholdMatrix)
    horizon_minutes: float = Field(default=60, ge=1, le=7 * 24 * 60)
    sample_interval_seconds: float = Field(default=30, ge=1, le=3600)
    history_window_minutes: float = Field(default=60, ge=1, le=7 * 24 * 60)
    retention_days: int = Field(default=7, ge=1, le=366)
    model: Literal["holt", "linear"] = "holt"
    holt_alpha: float = Field(default=0.5, gt=0, le=1)
    holt_beta: float = Field(default=0.3, gt=0, le=1)
    cli_samples: int = Field(default=3, ge=0, le=60)
    cli_sample_spacing_seconds: float = Field(default=2, ge=0, le=60)
    trunk_channels: int = Field(default=100, ge=1, le=100_000)
    trunk_channels_by_trunk: dict[str, int] = Field(default_factory=dict)
    busiest_queues: int = Field(default=5, ge=0, le=100)
    arrival_interval_minutes: int = Field(default=15, ge=1, le=60)
    arrival_window_minutes: int = Field(default=120, ge=15, le=24 * 60)
    webhook_url: SecretStr = SecretStr("")
    webhook_timeout: float = Field(default=10, gt=0, le=120)
    webhook_retries: int = Field(default=2, ge=0, le=10)
    webhook_headers: dict[str, SecretStr] = Field(default_factory=dict)
    payload_template: str = ""
    verify: bool = True

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook(cls, value: object) -> object:
        return webhook_url(value)

    @field_validator("webhook_headers", mode="before")
    @classmethod
    def _headers(cls, value: object) -> object:
        return webhook_headers(value, reserved=("idempotency-key",))

    @field_validator("trunk_channels_by_trunk")
    @classmethod
    def _channels(cls, value: dict[str, int]) -> dict[str, int]:
        for trunk, channels in value.items():
            if not 1 <= channels <= 100_000:
                raise ValueError(f"{trunk}: {channels} channels is out of range (1-100000)")
        return value

    @field_validator("payload_template")
    @classmethod
    def _template(cls, value: str) -> str:
        if not value.strip():
            return ""
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"payload_template is not valid JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise ValueError("payload_template must be a JSON object")
        unknown = sorted(set(_PLACEHOLDER.findall(value)) - TEMPLATE_FIELDS)
        if unknown:
            raise ValueError(
                f"payload_template: unknown placeholder ${{{unknown[0]}}}; "
                f"allowed: {', '.join(sorted(TEMPLATE_FIELDS))}"
            )
        return value

    def channels_for(self, trunk_id: str, trunk_name: str | None = None) -> int:
        """The configured channel capacity of a trunk (by id, else name, else the default)."""
        by = self.trunk_channels_by_trunk
        if trunk_id in by:
            return by[trunk_id]
        if trunk_name is not None and trunk_name in by:
            return by[trunk_name]
        return self.trunk_channels
