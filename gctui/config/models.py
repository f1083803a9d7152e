"""The config file's schema: nested pydantic models, strict types, unknown keys rejected.

Every key documented here is also documented (with its default) in ``config.example.toml``; a test
loads that file so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator, model_validator

from gctui.config.routing import RoutingConfig
from gctui.config.scaling import ScalingConfig
from gctui.genesys.regions import BadUrlError, UnknownRegionError, check_url, redact_url, resolve_region
from gctui.genesys.regions import check_base_url as _check_base_url
from gctui.genesys.transport import is_read_request
from gctui.text import clean

# Keys whose values must never be echoed in an error message.
# Config keys whose values are never repeated in an error message (a URL may carry a token, a
# header a shared secret).
SECRET_KEYS = frozenset({"client_secret", "access_token", "alert_webhook", "webhook_url", "webhook_headers"})

PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


def check_base_url(value: str) -> str:
    """An http(s) base URL such as ``https://api.mypurecloud.ie`` (a proxy, the simulator); the
    ValueError says what is wrong and what is allowed (never the URL's credentials)."""
    if "://" not in value:
        shown = clean(redact_url(value.strip()))
        raise ValueError(f"expected a base URL such as https://api.mypurecloud.ie (got {shown!r})")
    _check_base_url(value)
    return value.strip()


def check_webhook_url(url: str) -> str:
    """The alert webhook: an http(s) URL to the user's own system. Its value is a secret (it
    usually embeds a token), so the ValueError never repeats any of it."""
    try:
        check_url(url, quiet=True)
    except BadUrlError as exc:
        raise ValueError(f'the URL {exc}; expected an http(s) URL, or "" for no alerts') from None
    return url


class ProfileConfig(BaseModel):
    """One org: ``[profiles.NAME]``. Tuning keys left out keep the ClientOptions defaults."""

    model_config = _STRICT

    region: str | None = None
    api_url: str | None = None
    client_id: str | None = Field(default=None, min_length=1)
    client_secret: SecretStr | None = None
    read_only: bool = False
    production: bool = False
    # Tuning (None = the default in gctui.genesys.options.ClientOptions).
    request_timeout: float | None = Field(default=None, gt=0, le=600)
    connect_timeout: float | None = Field(default=None, gt=0, le=120)
    max_connections: int | None = Field(default=None, ge=1, le=200)
    concurrency: int | None = Field(default=None, ge=1, le=64)
    page_concurrency: int | None = Field(default=None, ge=1, le=64)
    rate_limit_fallback: int | None = Field(default=None, ge=1, le=100_000)
    retry_after_ceiling: float | None = Field(default=None, ge=1, le=3600)
    max_retries: int | None = Field(default=None, ge=0, le=20)
    breaker_threshold: int | None = Field(default=None, ge=1, le=100)
    breaker_cooldown: float | None = Field(default=None, gt=0, le=3600)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            resolve_region(value)
        except UnknownRegionError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return None if value is None else check_base_url(value)


StatusCode = Annotated[int, Field(ge=100, le=599)]


class ProbeConfig(BaseModel):
    """An extra health probe: ``[[health.probes]]``."""

    model_config = _STRICT

    name: str = Field(min_length=1, max_length=40)
    method: Literal["GET", "HEAD", "POST"] = "GET"
    path: str
    expect_status: list[StatusCode] = Field(default_factory=lambda: [200], min_length=1)
    degraded_ms: int | None = Field(default=None, ge=1, le=600_000)
    critical_ms: int | None = Field(default=None, ge=1, le=600_000)
    body: dict[str, Any] | None = None  # POST only: an analytics query body (JSON object)

    @model_validator(mode="after")
    def _post_is_an_analytics_query(self) -> Self:
        if self.method != "POST":
            if self.body is not None:
                raise ValueError(f"{self.name}: body is only sent with method = \"POST\"")
            return self
        if self.body is None:
            raise ValueError(
                f"{self.name}: method 'GET' or 'HEAD', or 'POST' with a body (an analytics query)"
            )
        if not is_read_request("POST", self.path.split("?", 1)[0]):
            raise ValueError(
                f"{self.name}: method 'GET' or 'HEAD'; 'POST' only to an analytics query "
                "(/api/v2/analytics/.../aggregates/query or .../observations/query)"
            )
        return self

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/") or "://" in value or any(c.isspace() for c in value):
            raise ValueError("expected a path relative to the org's API base, e.g. /api/v2/users/me")
        return value


class HealthConfig(BaseModel):
    """The health board: ``[health]``."""

    model_config = _STRICT

    interval_seconds: float = Field(default=30, ge=5, le=3600)
    retention_days: int = Field(default=7, ge=1, le=366)
    degraded_ms: int = Field(default=1000, ge=1, le=600_000)
    critical_ms: int = Field(default=3000, ge=1, le=600_000)
    failures_critical: int = Field(default=3, ge=1, le=100)
    alert_webhook: SecretStr = SecretStr("")
    probes: list[ProbeConfig] = Field(default_factory=list)
    rate_budget_alert: float = Field(default=0.8, gt=0, le=1)
    error_rate_degraded: float = Field(default=0.2, ge=0, le=1)

    @field_validator("alert_webhook")
    @classmethod
    def _webhook(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value().strip()
        return SecretStr(check_webhook_url(url) if url else "")

    @model_validator(mode="after")
    def _thresholds(self) -> Self:
        if self.degraded_ms >= self.critical_ms:
            raise ValueError(
                f"degraded_ms ({self.degraded_ms}) must be less than critical_ms ({self.critical_ms})"
            )
        seen: set[str] = set()
        for index, probe in enumerate(self.probes):
            if probe.name in seen:
                raise ValueError(f"probes[{index}].name: duplicate probe name {probe.name!r}")
            seen.add(probe.name)
            degraded = probe.degraded_ms if probe.degraded_ms is not None else self.degraded_ms
            critical = probe.critical_ms if probe.critical_ms is not None else self.critical_ms
            if degraded >= critical:
                raise ValueError(
                    f"probes[{index}] ({probe.name}): degraded_ms ({degraded}) must be less than "
                    f"critical_ms ({critical})"
                )
        return self

    def probe_thresholds(self, probe: ProbeConfig) -> tuple[int, int]:
        """(degraded_ms, critical_ms) for ``probe``, falling back to the board-wide values."""
        return (
            probe.degraded_ms if probe.degraded_ms is not None else self.degraded_ms,
            probe.critical_ms if probe.critical_ms is not None else self.critical_ms,
        )


class ActionsConfig(BaseModel):
    """The Data actions tab and ``gctui actions``: ``[actions]``."""

    model_config = _STRICT

    # The timeout the platform applies to an action without config.timeoutSeconds. The real value
    # is unverified (not in the SDK or the API reference; blogs claim 3 s): it is shown as
    # "default" wherever it is used, and an org that knows better sets it here.
    platform_default_timeout: int = Field(default=10, ge=1, le=60)
    suggestion_factor: float = Field(default=1.5, ge=1.0, le=10.0)
    min_executions: int = Field(default=20, ge=1, le=1_000_000)
    risk_share: float = Field(default=0.8, gt=0.0, le=1.0)
    analytics_window_days: int = Field(default=7, ge=1, le=31)
    verify_retry_seconds: float = Field(default=10.0, ge=0.0, le=600.0)
    # "Used by" counts the flows of dependency tracking's ``flowFilter`` ("published": what a
    # change breaks now; "checkedIn"; "" for every flow). The value's casing is unverified.
    used_by_flow_filter: Literal["published", "checkedIn", ""] = "published"


class Settings(BaseModel):
    """The whole validated config file. ``source_path`` is the file it came from (None: no file)."""

    model_config = _STRICT

    default_profile: str | None = Field(default=None, min_length=1)
    profiles: dict[str, ProfileConfig] = Field(default_factory=dict)
    health: HealthConfig = Field(default_factory=HealthConfig)
    keys: dict[str, str] = Field(default_factory=dict)
    actions: ActionsConfig = Field(default_factory=ActionsConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    scaling: ScalingConfig = Field(default_factory=ScalingConfig)

    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        return self._source_path

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        for action, keys in value.items():
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", action):
                raise ValueError(f"{action!r} is not an action id (e.g. health.pause)")
            if not keys or any(not part or part != part.strip() for part in keys.split(",")):
                raise ValueError(f'{action}: expected key names separated by commas, e.g. "p" or "ctrl+r,f5"')
        return value
