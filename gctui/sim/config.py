"""Every knob of the simulated org, in one dataclass.

Values marked *unverified* in the shared API reference are fields here so they can be corrected
without touching the simulator's code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEMO_CLIENT_ID = "gctui-demo"
DEMO_CLIENT_SECRET = "gctui-demo-secret"  # noqa: S105 - public demo credential of the simulator
RESTRICTED_CLIENT_ID = "gctui-restricted"
RESTRICTED_CLIENT_SECRET = "gctui-restricted-secret"  # noqa: S105 - public demo credential

# Permissions a restricted client's token lacks (its 403s say which ones were needed).
RESTRICTED_MISSING = (
    "integrations:action:edit",
    "integrations:action:execute",
    "analytics:conversationAggregate:view",
)


@dataclass
class SimConfig:
    """Size, behaviour and credentials of one simulated org."""

    seed: int = 7
    actions: int = 120
    flows: int = 80
    queues: int = 30
    edges: int = 4
    rate_limit: int = 300
    rate_window: float = 60.0
    token_ttl: int = 86400
    token_rate_limit: int = 60
    fault_rate: float = 0.0
    latency_ms: int = 0
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    restricted_client_id: str = RESTRICTED_CLIENT_ID
    restricted_client_secret: str = RESTRICTED_CLIENT_SECRET
    state_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0
    log_requests: bool = False

    # --- unverified platform behaviour, configurable ---
    login_error_status: int = 401  # bad client credentials on /oauth/token (400 or 401 in the wild)
    unknown_bearer_code: str = "bad.credentials"
    expired_bearer_code: str = "credentials.expired"
    default_action_timeout_s: int = 10  # applies when an action has no config.timeoutSeconds
    action_timeout_status: int = 408  # status/code inside a timed-out test's ErrorBody
    action_timeout_code: str = "request.timeout"
    max_page_size: int = 500
    default_page_size: int = 25
    login_limit_key: str = "token.creation.rate.per.minute"
    login_limit_namespace: str = "auth.api"
    # a test/execute "takes" latency * time_scale seconds of real time, at most max_sleep_s
    time_scale: float = 0.001
    max_sleep_s: float = 0.05
    # analytics: refuse queries that would return more groups x buckets than this
    max_analytics_cells: int = 200_000
    org_name: str = "Simulated Contact Center"
    extra: dict[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise ValueError naming the first bad knob."""
        for name in ("actions", "flows", "queues", "edges", "latency_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 0")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("--fault-rate must be between 0 and 1")
        if self.rate_limit < 1 or self.token_rate_limit < 1:
            raise ValueError("rate limits must be >= 1")
        if self.rate_window <= 0:
            raise ValueError("--rate-window must be > 0")
        if self.token_ttl < 1:
            raise ValueError("--token-ttl must be >= 1")
        if not 0 <= self.port <= 65535:
            raise ValueError("--port must be between 0 and 65535")
        if not self.client_id or not self.client_secret:
            raise ValueError("--client-id and --client-secret must not be empty")
