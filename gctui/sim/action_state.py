"""Data-action behaviour a test can tune at run time, and the evidence it can read back.

* :class:`ActionSettings`: how a stale ``version`` is refused (409 or 400, which code), whether
  a PATCH's ``config`` is merged into the current one or replaces it, and eventually consistent
  reads (for ``stale_seconds`` after a PATCH, reads may still show the version before it).
* the history of applied PATCHes per action (before/after version and timeout), so reliability
  tests can prove that each PATCH was applied exactly once, plus refused version conflicts.

Stale reads: after a PATCH of action X the pre-PATCH ``Action`` is kept for ``stale_seconds``.
While that window is open, each ``GET`` of X and each action listing request is one *read* of X.
With ``stale_reads = N`` the first N reads see the old action; with ``stale_probability = p``
each read sees it with probability p, drawn from the seed, the action id, its version and the read's
number (same seed and same request sequence, same answers). The PATCH response and the version
check always use the current action; ``/test`` and ``/execute`` run the current config.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from gctui.sim.config import SimConfig
from gctui.sim.det import iso, str_key, unit

CONFIG_PATCH_MODES = ("merge", "replace")
VERSION_MISMATCH_STATUSES = (409, 400)
DEFAULT_MISMATCH_CODE = {409: "general.conflict", 400: "bad.request"}
MAX_STALE_SECONDS = 3600.0
MAX_STALE_READS = 1_000_000


@dataclass
class ActionSettings:
    version_mismatch_status: int = 409
    version_mismatch_code: str = "general.conflict"
    config_patch: str = "merge"
    stale_seconds: float = 0.0
    stale_reads: int | None = None
    stale_probability: float | None = None

    @classmethod
    def from_config(cls, config: SimConfig) -> ActionSettings:
        s = cls(
            config.version_mismatch_status,
            config.version_mismatch_code,
            config.action_config_patch,
            config.stale_read_seconds,
            config.stale_reads,
            config.stale_read_probability,
        )
        s.check()
        return s

    def check(self) -> None:
        """Raise ValueError naming the first inconsistent setting."""
        if self.version_mismatch_status not in VERSION_MISMATCH_STATUSES:
            raise ValueError("versionMismatchStatus must be 409 or 400")
        if not isinstance(self.version_mismatch_code, str) or not self.version_mismatch_code:
            raise ValueError("versionMismatchCode must be a non-empty string")
        if self.config_patch not in CONFIG_PATCH_MODES:
            raise ValueError("configPatch must be 'merge' or 'replace'")
        if not 0 <= self.stale_seconds <= MAX_STALE_SECONDS:
            raise ValueError(f"staleSeconds must be a number from 0 to {MAX_STALE_SECONDS:g}")
        if self.stale_seconds > 0 and (self.stale_reads is None) == (self.stale_probability is None):
            raise ValueError("with staleSeconds > 0 set exactly one of staleReads and staleProbability")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {
            "versionMismatchStatus": d["version_mismatch_status"],
            "versionMismatchCode": d["version_mismatch_code"],
            "configPatch": d["config_patch"],
            "staleSeconds": d["stale_seconds"],
            "staleReads": d["stale_reads"],
            "staleProbability": d["stale_probability"],
        }


@dataclass
class _Stale:
    old: dict[str, Any]
    until: float
    version: int
    reads: int = 0


@dataclass
class _Ledger:
    changes: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0


def _timeout(action: dict[str, Any]) -> int | None:
    value = action.get("config", {}).get("timeoutSeconds")
    return value if isinstance(value, int) else None


class ActionState:
    def __init__(self, config: SimConfig) -> None:
        self._lock = threading.Lock()
        self._seed = config.seed
        self.settings = ActionSettings.from_config(config)
        self._ledgers: dict[str, _Ledger] = {}
        self._stale: dict[str, _Stale] = {}
        self._seq = 0

    # --- settings ---------------------------------------------------------------------------
    def update_settings(self, **changes: Any) -> ActionSettings:
        """Apply ``changes`` (ActionSettings field names) all or nothing."""
        with self._lock:
            new = ActionSettings(**{**asdict(self.settings), **changes})
            if "version_mismatch_status" in changes and "version_mismatch_code" not in changes:
                new.version_mismatch_code = DEFAULT_MISMATCH_CODE[new.version_mismatch_status]
            new.check()
            self.settings = new
            if new.stale_seconds <= 0:
                self._stale.clear()
            return new

    # --- PATCH bookkeeping (callers hold the org lock) ---------------------------------------
    def applied(
        self, before: dict[str, Any], after: dict[str, Any], fields: list[str], context_id: str
    ) -> None:
        now = time.time()
        with self._lock:
            self._seq += 1
            self._ledgers.setdefault(before["id"], _Ledger()).changes.append(
                {
                    "seq": self._seq,
                    "at": iso(now),
                    "contextId": context_id,
                    "fields": fields,
                    "versionBefore": before["version"],
                    "versionAfter": after["version"],
                    "timeoutSecondsBefore": _timeout(before),
                    "timeoutSecondsAfter": _timeout(after),
                }
            )
            s = self.settings
            if s.stale_seconds > 0:
                self._stale[before["id"]] = _Stale(
                    before, time.monotonic() + s.stale_seconds, after["version"]
                )

    def conflict(self, action_id: str) -> None:
        with self._lock:
            self._ledgers.setdefault(action_id, _Ledger()).conflicts += 1

    # --- evidence ---------------------------------------------------------------------------
    def history(self, action_id: str) -> dict[str, Any]:
        with self._lock:
            ledger = self._ledgers.get(action_id, _Ledger())
            return {
                "actionId": action_id,
                "applied": len(ledger.changes),
                "conflicts": ledger.conflicts,
                "changes": copy.deepcopy(ledger.changes),
            }

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "actions": {
                    k: {"applied": len(v.changes), "conflicts": v.conflicts}
                    for k, v in sorted(self._ledgers.items())
                }
            }

    def clear_history(self) -> None:
        with self._lock:
            self._ledgers.clear()

    # --- eventually consistent reads ----------------------------------------------------------
    def has_stale(self) -> bool:
        return bool(self._stale)

    def read_view(self) -> dict[str, dict[str, Any]]:
        """One listing read: ``{action id: old Action}`` for every action it sees stale."""
        return self._read(None) if self._stale else {}

    def read_one(self, action_id: str) -> dict[str, Any] | None:
        """One read of a single action: its old version if this read sees it stale."""
        if action_id not in self._stale:
            return None
        return self._read(action_id).get(action_id)

    def _read(self, only: str | None) -> dict[str, dict[str, Any]]:
        now = time.monotonic()
        out: dict[str, dict[str, Any]] = {}
        with self._lock:
            s = self.settings
            for action_id, st in list(self._stale.items()):
                if now >= st.until:
                    del self._stale[action_id]
                    continue
                if only is not None and action_id != only:
                    continue
                n = st.reads
                st.reads += 1
                if s.stale_reads is not None:
                    stale = n < s.stale_reads
                else:
                    stale = unit(self._seed, str_key(action_id), st.version, n) < (s.stale_probability or 0.0)
                if stale:
                    out[action_id] = st.old
        return out
