"""Run-time state of Architect dependency tracking: the build status knob and request counters.

* Build: ``status`` is what ``GET …/dependencytracking/build`` reports while no rebuild runs
  (OPERATIONAL, NOTBUILT, OPERATIONALNEEDSREBUILD, …). ``POST …/build`` starts a rebuild that is
  BUILDINPROGRESS for ``build_seconds`` and then OPERATIONAL (0 s: done at once); setting the
  status cancels a running rebuild, so a test never has to wait for one.
* Counters: dependency-tracking requests per flow id and endpoint (``consumedresources`` also per
  version), the other dependency-tracking endpoints, and ``GET /api/v2/flows`` pages, so tests and
  benches can prove that a refresh refetched only the flows that changed. A request counts when
  the simulator's route handles it (after auth, the rate limit and a "before" fault).
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gctui.sim.config import (
    DEPENDENCY_BUILD_POST_STATUSES,
    DEPENDENCY_BUILD_STATUSES,
    MAX_BUILD_SECONDS,
    SimConfig,
)

FIRST_BUILD = 1_714_550_400.0  # the org's last completed build started 2024-05-01T08:00Z
FIRST_BUILD_TOOK = 95.0
PER_FLOW_ENDPOINTS = ("consumedresources", "consumingresources", "object")


@dataclass(frozen=True)
class BuildView:
    status: str
    started: float | None
    completed: float | None
    build_number: int


class FlowsState:
    def __init__(self, config: SimConfig) -> None:
        self._lock = threading.Lock()
        self.status = config.dependency_build_status
        self.build_seconds = float(config.dependency_build_seconds)
        self.post_status = config.dependency_build_post_status
        self._last_started = FIRST_BUILD
        self._last_completed = FIRST_BUILD + FIRST_BUILD_TOOK
        self._running: float | None = None  # start of a POSTed rebuild still in progress
        self._builds = 0
        self._reset_counters()
        self.republished = 0  # batches picked by count (seeds the next pick)

    # --- build ------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        with self._lock:
            return {"status": self.status, "buildSeconds": self.build_seconds, "postStatus": self.post_status}

    def update(
        self, status: str | None = None, build_seconds: float | None = None, post_status: int | None = None
    ) -> dict[str, Any]:
        if status is not None and status not in DEPENDENCY_BUILD_STATUSES:
            raise ValueError("status must be one of " + ", ".join(DEPENDENCY_BUILD_STATUSES))
        if build_seconds is not None and not 0 <= build_seconds <= MAX_BUILD_SECONDS:
            raise ValueError(f"buildSeconds must be a number from 0 to {MAX_BUILD_SECONDS:g}")
        if post_status is not None and post_status not in DEPENDENCY_BUILD_POST_STATUSES:
            raise ValueError("postStatus must be 202 or 204")
        with self._lock:
            if status is not None:
                self.status = status
                self._running = None
            if build_seconds is not None:
                self.build_seconds = float(build_seconds)
            if post_status is not None:
                self.post_status = post_status
        return self.settings()

    def start_build(self, now: float) -> int:
        """Start a rebuild (``POST …/build``); answers the HTTP status to reply with."""
        with self._lock:
            self._running = now
            self._builds += 1
            self._settle(now)
            return self.post_status

    def _settle(self, now: float) -> None:
        if self._running is not None and now >= self._running + self.build_seconds:
            self._last_started = self._running
            self._last_completed = self._running + self.build_seconds
            self._running = None
            self.status = "OPERATIONAL"

    def build(self, now: float) -> BuildView:
        with self._lock:
            self._settle(now)
            if self._running is not None:
                return BuildView("BUILDINPROGRESS", self._running, None, self._builds)
            if self.status == "NOTBUILT":
                return BuildView(self.status, None, None, self._builds)
            if self.status in ("BUILDINITIALIZING", "BUILDINPROGRESS", "BUILDQUEUED"):
                return BuildView(self.status, self._last_completed, None, self._builds)
            return BuildView(self.status, self._last_started, self._last_completed, self._builds)

    # --- counters ---------------------------------------------------------------------------
    def _reset_counters(self) -> None:
        self._total = 0
        self._listings = 0
        self._by_endpoint: Counter[str] = Counter()
        self._by_flow: dict[str, dict[str, Any]] = {}

    def count(self, endpoint: str, flow_id: str | None = None, version: str | None = None) -> None:
        with self._lock:
            self._total += 1
            self._by_endpoint[endpoint] += 1
            if flow_id is None:
                return
            entry = self._by_flow.get(flow_id)
            if entry is None:
                entry = self._by_flow[flow_id] = {"total": 0, **dict.fromkeys(PER_FLOW_ENDPOINTS, 0)}
                entry["versions"] = {}
            entry["total"] += 1
            entry[endpoint] += 1
            if version is not None:
                entry["versions"][version] = entry["versions"].get(version, 0) + 1

    def count_listing(self) -> None:
        with self._lock:
            self._listings += 1

    def requests(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._total,
                "flowListings": self._listings,
                "byEndpoint": dict(sorted(self._by_endpoint.items())),
                "flows": copy.deepcopy(self._by_flow),
            }

    def clear_requests(self) -> None:
        with self._lock:
            self._reset_counters()
