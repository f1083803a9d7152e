"""Thread-safe runtime controls and counters of a running simulator (faults, latency, stats).

Scripted faults match ``method`` (``*`` for any) and ``path_pattern`` (a glob such as
``/api/v2/integrations/actions/*``) and fire ``count`` times. ``when="before"`` fails the request
without running it; ``when="after"`` runs it (the change is applied) and then replaces the response.
``status`` is an HTTP status (500, 502, 503, 504, ...) or ``"drop"`` (the connection is closed).
Scripted faults apply to ``/oauth/token`` too (``*`` matches it); the random ``fault_rate`` applies
to ``/api/v2`` only.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gctui.sim.config import MAX_LATENCY_MS

if TYPE_CHECKING:
    from gctui.sim.auth import TokenStore
    from gctui.sim.webhooks import WebhookStore

FaultStatus = int | Literal["drop"]
RANDOM_FAULTS: tuple[FaultStatus, ...] = (500, 502, 503, 504, "drop")
FAULT_METHODS = ("*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
FAULT_WHEN = ("before", "after")
MAX_FAULT_COUNT = 1_000_000  # per scripted fault (and per webhook failure rule)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_fault_status(status: object) -> bool:
    """An HTTP error status (400-599) or ``"drop"``."""
    return status == "drop" or (_is_int(status) and 400 <= status <= 599)  # type: ignore[operator]


def _check_count(count: object, name: str = "count") -> None:
    if not _is_int(count) or not 1 <= count <= MAX_FAULT_COUNT:  # type: ignore[operator]
        raise ValueError(f"{name} must be an integer from 1 to {MAX_FAULT_COUNT}")


@dataclass
class ScriptedFault:
    method: str
    path_pattern: str
    status: FaultStatus
    remaining: int
    when: Literal["before", "after"]

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.path_pattern)


class SimControl:
    def __init__(
        self, fault_rate: float, latency_ms: int, seed: int, tokens: TokenStore, webhooks: WebhookStore
    ) -> None:
        self._lock = threading.Lock()
        self.fault_rate = fault_rate
        self.latency_ms = latency_ms
        self._rng = random.Random(seed ^ 0x5EED)
        self._faults: list[ScriptedFault] = []
        self._tokens = tokens
        self._webhooks = webhooks
        self.requests = 0
        self.by_status: Counter[int] = Counter()
        self.rate_limited = 0
        self.token_rate_limited = 0
        self.faults_injected = 0
        self.dropped = 0

    # --- controls ---------------------------------------------------------------------------
    def script_fault(
        self,
        method: str,
        path_pattern: str,
        status: FaultStatus = 503,
        count: int = 1,
        when: Literal["before", "after"] = "before",
    ) -> None:
        if not isinstance(method, str) or method.upper() not in FAULT_METHODS:
            raise ValueError(f"method must be one of {', '.join(FAULT_METHODS)}")
        if not isinstance(path_pattern, str) or not path_pattern:
            raise ValueError("path pattern must be a non-empty glob such as /api/v2/flows/*")
        if when not in FAULT_WHEN:
            raise ValueError("when must be 'before' or 'after'")
        if not is_fault_status(status):
            raise ValueError("status must be an HTTP error status (400-599) or 'drop'")
        _check_count(count)
        with self._lock:
            self._faults.append(ScriptedFault(method.upper(), path_pattern, status, count, when))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_fault_rate(self, f: float) -> None:
        if isinstance(f, bool) or not isinstance(f, int | float) or not 0.0 <= f <= 1.0:  # NaN fails too
            raise ValueError("fault rate must be a number from 0 to 1")
        self.fault_rate = float(f)

    def set_latency_ms(self, m: int) -> None:
        if not _is_int(m) or not 0 <= m <= MAX_LATENCY_MS:
            raise ValueError(f"latency must be an integer from 0 to {MAX_LATENCY_MS} ms")
        self.latency_ms = m

    def expire_tokens(self) -> int:
        return self._tokens.expire_all()

    def webhook_fail(self, name: str, status: int | None, count: int | None = None) -> None:
        """Answer ``status`` to the next ``count`` deliveries to ``name`` (all if None); None clears."""
        if status is not None and not (_is_int(status) and 400 <= status <= 599):
            raise ValueError("webhook status must be an HTTP error status (400-599) or None")
        if count is not None:
            _check_count(count)
        self._webhooks.fail(name, status, count)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "byStatus": {str(k): v for k, v in sorted(self.by_status.items())},
                "rateLimited": self.rate_limited,
                "tokenRateLimited": self.token_rate_limited,
                "tokensIssued": self._tokens.issued,
                "faultsInjected": self.faults_injected,
                "dropped": self.dropped,
                "scriptedFaultsPending": sum(f.remaining for f in self._faults),
            }

    # --- used by the gate -------------------------------------------------------------------
    def take_fault(
        self, method: str, path: str, *, random_faults: bool = True
    ) -> tuple[FaultStatus, str] | None:
        """The fault to apply to this request, with its timing, or None.

        Scripted faults come first; ``random_faults=False`` (the token endpoint) skips the
        ``fault_rate`` draw."""
        with self._lock:
            for f in self._faults:
                if f.remaining > 0 and f.matches(method, path):
                    f.remaining -= 1
                    if f.remaining == 0:
                        self._faults.remove(f)
                    self.faults_injected += 1
                    return f.status, f.when
            if random_faults and self.fault_rate > 0 and self._rng.random() < self.fault_rate:
                self.faults_injected += 1
                return self._rng.choice(RANDOM_FAULTS), "before"
        return None

    def jitter_latency_s(self) -> float:
        if self.latency_ms <= 0:
            return 0.0
        with self._lock:
            return self.latency_ms * self._rng.uniform(0.5, 1.5) / 1000.0

    def record(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.by_status[status] += 1
            if status == 429:
                self.rate_limited += 1

    def record_drop(self) -> None:
        with self._lock:
            self.requests += 1
            self.dropped += 1
