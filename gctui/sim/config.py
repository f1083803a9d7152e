"""Every knob of the simulated org, in one dataclass.

Values marked *unverified* in the shared API reference are fields here so they can be corrected
without touching the simulator's code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

DEMO_CLIENT_ID = "gctui-demo"
DEMO_CLIENT_SECRET = "gctui-demo-secret"  # noqa: S105 - public demo credential of the simulator
RESTRICTED_CLIENT_ID = "gctui-restricted"
RESTRICTED_CLIENT_SECRET = "gctui-restricted-secret"  # noqa: S105 - public demo credential

# Upper bounds of the knobs (generating 100,000 entities of one collection takes ~5 s here).
MAX_ENTITIES = 100_000  # per collection: actions, flows, queues, edges
MAX_LATENCY_MS = 60_000
MAX_PORT = 65_535

# Dependency tracking build (``DependencyStatus.status``) and how ``POST …/build`` answers.
DEPENDENCY_BUILD_STATUSES = (
    "BUILDINCOMPLETE",
    "BUILDINITIALIZING",
    "BUILDINPROGRESS",
    "BUILDQUEUED",
    "NOTBUILT",
    "OPERATIONAL",
    "OPERATIONALNEEDSREBUILD",
)
DEPENDENCY_BUILD_POST_STATUSES = (202, 204)
MAX_BUILD_SECONDS = 3600.0

# Edge/trunk load scenarios (gctui.sim.load_telephony documents each).
SCALING_SCENARIOS = ("default", "steady", "cpu-ramp", "memory-ramp", "trunk-surge")

# Async aggregate jobs: the bounds of their knobs and the statuses of "results before FULFILLED".
MAX_JOB_SECONDS = 86_400.0
MAX_JOB_PAGE_SIZE = 100_000
JOB_NOT_READY_STATUSES = (400, 404)

# Permissions a restricted client's token lacks (its 403s say which ones were needed).
RESTRICTED_MISSING = (
    "integrations:action:edit",
    "integrations:action:execute",
    "analytics:conversationAggregate:view",
)


class SimConfigError(ValueError):
    """A knob of :class:`SimConfig` holds a value the simulator refuses.

    ``field`` is the dataclass field, ``rule`` says what is allowed; ``describe(name)`` words the
    same error for another spelling of the knob (the CLI uses its flag)."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(self.describe(field))

    def describe(self, name: str) -> str:
        return f"{name} {_shown(self.value)} {self.rule}"


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class SimConfig:
    """Size, behaviour and credentials of one simulated org."""

    seed: int = 7
    actions: int = 120
    flows: int = 80
    queues: int = 30
    # --- conversation aggregates and their async jobs (routing analytics) ---
    # the longest interval the sync query answers, in days (unverified: "keep <= 1 month per
    # call"); async jobs answer up to analytics_job_max_days, and up to analytics_job_max_cells
    # groups x buckets (the sync query: max_analytics_cells)
    analytics_sync_max_days: float = 31.0
    analytics_job_max_days: float = 366.0
    analytics_job_max_cells: int = 2_000_000
    analytics_max_views: int = 10  # views per query (verified)
    analytics_granularity_must_divide: bool = False  # unverified rule: 400 unless buckets tile the interval
    # a job is QUEUED for the first third of analytics_job_seconds (simulator clock), PENDING for
    # the rest, then FULFILLED (or FAILED: analytics_job_failure_rate of the jobs, drawn from the
    # seed, with analytics_job_error_message); its results expire analytics_job_expiration_seconds
    # after completion (EXPIRED). Results come analytics_job_page_size groups per page unless the
    # body says pageSize. Results before FULFILLED: analytics_job_not_ready_status (400 or 404,
    # unverified). A DELETE cancels (CANCELLED); with analytics_job_cancel_forgets later GETs 404.
    # Run time: /sim/control/analytics/jobs/settings and .../advance
    analytics_job_seconds: float = 0.3
    analytics_job_page_size: int = 100
    analytics_job_failure_rate: float = 0.0
    analytics_job_error_message: str = "The analytics query failed to complete; submit it again"
    analytics_job_expiration_seconds: float = 86_400.0
    analytics_job_not_ready_status: int = 400
    analytics_job_cancel_forgets: bool = False
    edges: int = 4
    # --- edges, edge groups, trunks and their load (scaling; see gctui.sim.load_telephony) ---
    # edges come in edge groups of edge_group_min..edge_group_max (from the seed), one site per
    # group; trunks: None = 2-3 per edge, else exactly this many spread over the edges.
    # scaling_scenario: "default" (base + trend + daily shape + noise), "steady" (base only,
    # constant), "cpu-ramp", "memory-ramp", "trunk-surge" (the target ramps so it crosses its
    # critical level scaling_ramp_seconds after the clock starts); scaling_target: an edge group
    # id, edge id or edge name (None: the group of the first edge). Run time:
    # /sim/control/telephony/scenario. The clock: clock_start (epoch s, None = real time),
    # clock_frozen; run time /sim/control/clock. trunk_metrics_max_ids: unverified (edges: 100)
    trunks: int | None = None
    edge_group_min: int = 2
    edge_group_max: int = 5
    scaling_scenario: str = "default"
    scaling_target: str | None = None
    scaling_ramp_seconds: float = 1200.0
    trunk_metrics_max_ids: int = 100
    clock_start: float | None = None
    clock_frozen: bool = False
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
    # a stale PATCH version: 409 or 400 (whose message says it "does not match the current version");
    # both are seen in the wild. The code is unverified too. Run time: /sim/control/actions/settings
    version_mismatch_status: int = 409
    version_mismatch_code: str = "general.conflict"
    # PATCH .../actions/{id} with a ``config``: "merge" it into the current config (request/response
    # one level deep; a null timeoutSeconds removes it) or "replace" the config with it
    action_config_patch: str = "merge"
    # eventually consistent reads after a PATCH (see gctui.sim.action_state); 0 s = always fresh
    stale_read_seconds: float = 0.0
    stale_reads: int | None = None
    stale_read_probability: float | None = None
    # /test and /execute with input that breaks the action's input schema (400; code unverified)
    action_input_invalid_code: str = "bad.request"
    # GET /integrations/actions has no ``expand``: its entities carry no ``contract`` (unverified)
    list_includes_contract: bool = False
    # dependency tracking: the status GET …/dependencytracking/build reports while no rebuild runs
    # (one of DEPENDENCY_BUILD_STATUSES), how long a POSTed rebuild stays BUILDINPROGRESS (then
    # OPERATIONAL), and the POST's status (202 expected, unverified; 204 allowed). Run time:
    # /sim/control/flows/build
    dependency_build_status: str = "OPERATIONAL"
    dependency_build_seconds: float = 2.0
    dependency_build_post_status: int = 202
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
        """Raise :class:`SimConfigError` naming the first bad knob and what it allows."""
        for name in ("actions", "flows", "queues", "edges"):
            self._int_in(name, 0, MAX_ENTITIES, f"is out of range (0-{MAX_ENTITIES} per collection)")
        self._int_in("latency_ms", 0, MAX_LATENCY_MS, f"is out of range (0-{MAX_LATENCY_MS} ms)")
        self._int_in("port", 0, MAX_PORT, f"is out of range (0-{MAX_PORT}; 0 picks a free port)")
        self._int_in("seed", None, None, "must be an integer")
        for name in ("rate_limit", "token_rate_limit"):
            self._int_in(name, 1, None, "must be at least 1")
        self._int_in("token_ttl", 1, None, "must be at least 1 second")
        f = self.fault_rate
        if not _is_number(f) or not 0.0 <= f <= 1.0:  # a NaN fails the comparison too
            raise SimConfigError("fault_rate", f, "is out of range (a number from 0 to 1)")
        w = self.rate_window
        if not _is_number(w) or not math.isfinite(w) or w <= 0:
            raise SimConfigError("rate_window", w, "must be a finite number of seconds > 0")
        for name in ("client_id", "client_secret", "restricted_client_id", "restricted_client_secret"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise SimConfigError(name, value, "must be a non-empty string")
            if name.endswith("client_id") and ":" in value:
                raise SimConfigError(name, value, "must not contain ':' (Basic auth splits on it)")

        self._check_action_knobs()
        self._check_flow_knobs()
        self._check_analytics_knobs()
        self._check_telephony_knobs()

    def _check_telephony_knobs(self) -> None:
        if self.trunks is not None:
            self._int_in("trunks", 0, MAX_ENTITIES, f"is out of range (0-{MAX_ENTITIES}, or None)")
        self._int_in("edge_group_min", 1, 1000, "is out of range (1-1000)")
        self._int_in("edge_group_max", self.edge_group_min, 1000, "is out of range (edge_group_min-1000)")
        self._int_in("trunk_metrics_max_ids", 1, 10_000, "is out of range (1-10000)")
        if self.scaling_scenario not in SCALING_SCENARIOS:
            raise SimConfigError(
                "scaling_scenario", self.scaling_scenario, "must be one of " + ", ".join(SCALING_SCENARIOS)
            )
        r = self.scaling_ramp_seconds
        if not _is_number(r) or not 1 <= r <= 30 * 86400:
            raise SimConfigError("scaling_ramp_seconds", r, "is out of range (a number from 1 to 2592000)")
        t = self.scaling_target
        if t is not None and (not isinstance(t, str) or not t):
            raise SimConfigError("scaling_target", t, "must be a non-empty string or None")
        c = self.clock_start
        if c is not None and (not _is_number(c) or not 0 <= c <= 32_503_680_000):
            raise SimConfigError("clock_start", c, "must be epoch seconds (1970-3000) or None")

    def _check_flow_knobs(self) -> None:
        if self.dependency_build_status not in DEPENDENCY_BUILD_STATUSES:
            raise SimConfigError(
                "dependency_build_status",
                self.dependency_build_status,
                "must be one of " + ", ".join(DEPENDENCY_BUILD_STATUSES),
            )
        s = self.dependency_build_seconds
        if not _is_number(s) or not 0 <= s <= MAX_BUILD_SECONDS:
            raise SimConfigError(
                "dependency_build_seconds", s, f"is out of range (a number from 0 to {MAX_BUILD_SECONDS:g})"
            )
        p = self.dependency_build_post_status
        if p not in DEPENDENCY_BUILD_POST_STATUSES or isinstance(p, bool):
            raise SimConfigError("dependency_build_post_status", p, "must be 202 or 204")

    def _check_analytics_knobs(self) -> None:
        for name, lo, hi in (
            ("analytics_sync_max_days", 0.001, 3660.0),
            ("analytics_job_max_days", 0.001, 3660.0),
            ("analytics_job_seconds", 0.0, MAX_JOB_SECONDS),
            ("analytics_job_failure_rate", 0.0, 1.0),
            ("analytics_job_expiration_seconds", 0.0, 10 * 365 * 86400.0),
        ):
            v = getattr(self, name)
            if not _is_number(v) or not lo <= v <= hi:  # a NaN fails the comparison too
                raise SimConfigError(name, v, f"is out of range (a number from {lo:g} to {hi:g})")
        for name, lo, hi in (
            ("analytics_job_max_cells", 1, 100_000_000),
            ("analytics_max_views", 0, 1000),
            ("analytics_job_page_size", 1, MAX_JOB_PAGE_SIZE),
        ):
            self._int_in(name, lo, hi, f"is out of range ({lo}-{hi})")
        if self.analytics_job_not_ready_status not in JOB_NOT_READY_STATUSES or isinstance(
            self.analytics_job_not_ready_status, bool
        ):
            raise SimConfigError(
                "analytics_job_not_ready_status", self.analytics_job_not_ready_status, "must be 400 or 404"
            )
        if not isinstance(self.analytics_job_error_message, str) or not self.analytics_job_error_message:
            raise SimConfigError(
                "analytics_job_error_message", self.analytics_job_error_message, "must be a non-empty string"
            )

    def _check_action_knobs(self) -> None:
        if self.version_mismatch_status not in (409, 400):
            raise SimConfigError(
                "version_mismatch_status", self.version_mismatch_status, "must be 409 or 400"
            )
        if self.action_config_patch not in ("merge", "replace"):
            raise SimConfigError(
                "action_config_patch", self.action_config_patch, "must be 'merge' or 'replace'"
            )
        s = self.stale_read_seconds
        if not _is_number(s) or not 0 <= s <= 3600:
            raise SimConfigError("stale_read_seconds", s, "is out of range (a number from 0 to 3600)")
        reads, p = self.stale_reads, self.stale_read_probability
        if reads is not None and (not _is_int(reads) or reads < 0):
            raise SimConfigError("stale_reads", reads, "must be an integer >= 0 or None")
        if p is not None and (not _is_number(p) or not 0 <= p <= 1):
            raise SimConfigError("stale_read_probability", p, "is out of range (a number from 0 to 1)")
        if s > 0 and (reads is None) == (p is None):
            raise SimConfigError("stale_reads", reads, "or stale_read_probability must be set (exactly one)")

    def _int_in(self, name: str, lo: int | None, hi: int | None, rule: str) -> None:
        value = getattr(self, name)
        if not _is_int(value):
            raise SimConfigError(name, value, "must be an integer")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise SimConfigError(name, value, rule)
