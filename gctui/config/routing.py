"""``[routing]``: the Routing tab and ``gctui routing`` (KPI weights, cohort, BI webhook).

The KPI vocabulary (names, default directions) is defined here, below the services, so the
config file is validated against the same names the scorer uses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from gctui.config.webhooks import webhook_headers, webhook_url

# Weight name -> True when a higher value is better. The scored KPIs of a queue (§1.5).
KPI_HIGHER_IS_BETTER: dict[str, bool] = {
    "offered": True,
    "answered": True,
    "handled": True,
    "abandoned": False,
    "abandonRate": False,
    "asa": False,
    "aht": False,
    "serviceLevel": True,
    "transferRate": False,
}
# The seed's weights, with ASA and abandons inverted (lower is better), as the issue asks.
DEFAULT_WEIGHTS: dict[str, float] = {"handled": 0.3, "asa": 0.4, "abandoned": 0.3}
INTERVAL_PRESETS = ("1h", "today", "7d", "30d")



def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """Known KPI names, finite non-negative numbers, not all zero; the ValueError says which."""
    unknown = sorted(set(weights) - set(KPI_HIGHER_IS_BETTER))
    if unknown:
        raise ValueError(
            f"unknown KPI {', '.join(map(repr, unknown))} (known: {', '.join(KPI_HIGHER_IS_BETTER)})"
        )
    for name, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ValueError(f"{name}: expected a number")
        if value < 0 or value == float("inf"):
            raise ValueError(f"{name}: a weight must be a finite number >= 0 (got {value:g})")
    if not any(v > 0 for v in weights.values()):
        raise ValueError("at least one weight must be above 0")
    return {k: float(v) for k, v in weights.items()}


class RoutingConfig(BaseModel):
    """The Routing tab and ``gctui routing``: ``[routing]``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    directions: dict[str, Literal["higher", "lower"]] = Field(default_factory=dict)
    normalization: Literal["minmax", "percentile"] = "minmax"
    min_offered: int = Field(default=10, ge=0, le=1_000_000)
    default_interval: str = "today"
    time_zone: str = ""
    job_threshold_days: float = Field(default=7, gt=0, le=366)
    poll_max_seconds: float = Field(default=600, gt=0, le=86_400)
    webhook_url: SecretStr = SecretStr("")
    webhook_timeout: float = Field(default=10, gt=0, le=120)
    webhook_headers: dict[str, SecretStr] = Field(default_factory=dict)

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError("expected a table of KPI names to weights, e.g. { asa = 0.4 }")
        return check_weights({str(k): v for k, v in value.items()})

    @field_validator("directions")
    @classmethod
    def _directions(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(KPI_HIGHER_IS_BETTER))
        if unknown:
            raise ValueError(
                f"unknown KPI {', '.join(map(repr, unknown))} (known: {', '.join(KPI_HIGHER_IS_BETTER)})"
            )
        return value

    @field_validator("default_interval")
    @classmethod
    def _interval(cls, value: str) -> str:
        if value not in INTERVAL_PRESETS and "/" not in value:
            raise ValueError(f"expected one of {', '.join(INTERVAL_PRESETS)} or an ISO start/end interval")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value[:64]!r} is not an IANA time zone (e.g. Europe/Paris)") from None
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook(cls, value: object) -> object:
        return webhook_url(value)

    @field_validator("webhook_headers", mode="before")
    @classmethod
    def _headers(cls, value: object) -> object:
        return webhook_headers(value, reserved=())

    def direction_map(self) -> dict[str, bool]:
        """KPI -> higher is better, with the configured overrides."""
        out = dict(KPI_HIGHER_IS_BETTER)
        out.update({k: v == "higher" for k, v in self.directions.items()})
        return out
