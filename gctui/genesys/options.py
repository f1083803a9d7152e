"""Everything the API core needs to know to talk to one org. Built by gctui.config from the
TOML file, env vars and CLI flags; the core itself never reads files or the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from gctui.genesys.regions import Region
from gctui.genesys.secrets import Secret


@dataclass(frozen=True, slots=True)
class ClientOptions:
    region: Region
    client_id: str | None = None
    client_secret: Secret | None = None
    # A ready bearer token (GENESYSCLOUD_ACCESS_TOKEN); used instead of client credentials.
    access_token: Secret | None = None
    read_only: bool = False
    # Timeouts, seconds. Explicit everywhere: no request waits forever.
    connect_timeout: float = 10.0
    request_timeout: float = 30.0
    max_connections: int = 20
    # Shared worker pool: how many jobs run at once.
    concurrency: int = 8
    # Concurrent page fetches of one listing once the page count is known.
    page_concurrency: int = 8
    # Rate-limit governor: used when the limits API cannot be read.
    rate_limit_fallback: int = 300
    # Length of the sliding window the limit applies to (the real API: one minute).
    rate_limit_window: float = 60.0
    # Limits key read from the limits API (namespace platform.api).
    rate_limit_key: str = "client.credentials.token.rate.per.minute"
    # 429 handling: give up when Retry-After exceeds this; retry at most this many times.
    retry_after_ceiling: float = 180.0
    max_retries: int = 5
    # Transient-failure backoff for idempotent requests (exponential with full jitter).
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    # Auth circuit breaker: opens after this many consecutive auth failures for `cooldown` s.
    breaker_threshold: int = 3
    breaker_cooldown: float = 60.0
    user_agent: str = field(default="gctui")
