"""Sliding-window request budgets (per token on the API, per client on /oauth/token)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class SlidingWindow:
    """At most ``limit`` admitted requests per key in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, now: float | None = None) -> int:
        """Record a request; return 0 if admitted, else the integer Retry-After (>= 1)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            edge = now - self.window
            while hits and hits[0] <= edge:
                hits.popleft()
            if len(hits) < self.limit:
                hits.append(now)
                return 0
            return max(1, math.ceil(hits[0] + self.window - now))

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
