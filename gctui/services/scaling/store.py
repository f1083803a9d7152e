"""Scaling history, the apply journal and the audit trail in one private SQLite file.

``samples``: one row per resource per sampling pass (time, utilization share, raw value).
``applies``: the journal, written BEFORE a webhook POST and updated after: the exact payload
bytes, their SHA-256 and the Idempotency-Key, so a retry after a lost answer re-sends the same
bytes under the same key. ``audit``: one row per apply outcome, also appended as a JSON line to
``scaling-audit.jsonl`` beside the database. Never a webhook URL or header value: those are
secrets. ``scope`` keeps several orgs (profiles) apart, as the health history does."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from gctui.services.audit import AuditedStore
from gctui.services.scaling.models import Kind, Sample

APP_NAME = "gctui"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    scope TEXT NOT NULL, resource TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    group_id TEXT, group_name TEXT, at REAL NOT NULL, value REAL, raw REAL, capacity REAL
);
CREATE INDEX IF NOT EXISTS samples_by_resource ON samples (scope, resource, at);
CREATE INDEX IF NOT EXISTS samples_by_time ON samples (scope, at);
CREATE TABLE IF NOT EXISTS applies (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, group_id TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL, state TEXT NOT NULL, payload BLOB NOT NULL,
    sha256 TEXT NOT NULL, idempotency_key TEXT NOT NULL, current_nodes INTEGER, requested_nodes INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS applies_by_group ON applies (scope, group_id, id);
"""

# Journal states: pending (written, not sent) -> sent -> applied | refused | failed | unknown
# (no answer: the receiver may have acted; the next apply of the group re-sends the same bytes).
OPEN_STATES = ("pending", "sent", "unknown")


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    group_id: str
    created: float
    updated: float
    state: str
    payload: bytes
    sha256: str
    idempotency_key: str
    current_nodes: int | None
    requested_nodes: int | None
    attempts: int


def default_store_path() -> Path:
    """``<platform data dir>/gctui/scaling.sqlite3`` (``~/.local/share/gctui`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME) / "scaling.sqlite3"


class ScalingStore(AuditedStore):
    """Safe to share between the event loop and worker threads (one lock, autocommit)."""

    def __init__(self, path: Path, scope: str = "default") -> None:
        super().__init__(
            path, scope, schema=_SCHEMA, audit_name="scaling-audit.jsonl", schema_version=SCHEMA_VERSION
        )

    # ------------------------------------------------------------------------------ samples
    def record(self, samples: Sequence[Sample]) -> None:
        """Store one pass (missing values too: the tab shows them as unknown)."""
        rows = [
            (
                self.scope,
                s.key,
                str(s.kind),
                s.name,
                s.group_id,
                s.group_name,
                s.at,
                s.value,
                s.raw,
                s.capacity,
            )
            for s in samples
        ]
        with self._lock:
            self._db.executemany("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def history(self, since: float) -> dict[str, list[Sample]]:
        """Every resource's samples at or after ``since``, oldest first (missing values skipped)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT resource, kind, name, group_id, group_name, at, value, raw, capacity FROM samples "
                "WHERE scope = ? AND at >= ? AND value IS NOT NULL ORDER BY at",
                (self.scope, since),
            ).fetchall()
        out: dict[str, list[Sample]] = {}
        for key, kind, name, gid, gname, at, value, raw, cap in rows:
            out.setdefault(key, []).append(Sample(key, Kind(kind), name, gid, gname, at, value, raw, cap))
        return out

    def windows(self, since: float) -> dict[str, tuple[list[float], list[float]]]:
        """Every resource's (times, values) at or after ``since``, oldest first: the fast read
        the service loads its in-memory windows from (no Sample objects)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT resource, at, value FROM samples WHERE scope = ? AND at >= ? AND value IS NOT NULL "
                "ORDER BY resource, at",
                (self.scope, since),
            ).fetchall()
        out: dict[str, tuple[list[float], list[float]]] = {}
        for key, at, value in rows:
            times, values = out.get(key) or out.setdefault(key, ([], []))
            if times and at <= times[-1]:
                continue  # the same measurement read twice (an edge that has not reported since)
            times.append(at)
            values.append(value)
        return out

    def sample_count(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM samples WHERE scope = ?", (self.scope,)).fetchone()
        return int(row[0])

    def prune(self, retention_days: float, now: float | None = None) -> int:
        cutoff = (now if now is not None else time.time()) - retention_days * 86400
        with self._lock:
            return self._db.execute("DELETE FROM samples WHERE at < ?", (cutoff,)).rowcount

    # ------------------------------------------------------------------------------ journal
    def journal(
        self, group_id: str, payload: bytes, sha256: str, key: str, current: int, requested: int, now: float
    ) -> JournalEntry:
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO applies (scope, group_id, created, updated, state, payload, sha256, "
                "idempotency_key, current_nodes, requested_nodes) "
                "VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                (self.scope, group_id, now, now, payload, sha256, key, current, requested),
            )
        assert cur.lastrowid is not None
        return self.entry(cur.lastrowid)

    def update(
        self, entry_id: int, state: str, *, attempts: int | None = None, now: float | None = None
    ) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE applies SET state = ?, attempts = COALESCE(?, attempts), updated = ? WHERE id = ?",
                (state, attempts, now if now is not None else time.time(), entry_id),
            )

    def entry(self, entry_id: int) -> JournalEntry:
        (found,) = self._entries("id = ?", (entry_id,))
        return found

    def open_entry(self, group_id: str) -> JournalEntry | None:
        """The group's last apply whose answer never came (it may have acted), if any."""
        marks = ",".join("?" * len(OPEN_STATES))
        found = self._entries(f"group_id = ? AND state IN ({marks})", (group_id, *OPEN_STATES))
        return found[-1] if found else None

    def settled_count(self, group_id: str) -> int:
        """How many applies of the group got a definitive answer (the key generation)."""
        marks = ",".join("?" * len(OPEN_STATES))
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM applies WHERE scope = ? AND group_id = ? AND state NOT IN ({marks})",  # noqa: S608
                (self.scope, group_id, *OPEN_STATES),
            ).fetchone()
        return int(row[0])

    def last_applied(self, group_id: str) -> JournalEntry | None:
        found = self._entries("group_id = ? AND state = 'applied'", (group_id,))
        return found[-1] if found else None

    def _entries(self, where: str, args: tuple[Any, ...]) -> list[JournalEntry]:
        sql = (
            "SELECT id, group_id, created, updated, state, payload, sha256, idempotency_key, "  # noqa: S608
            f"current_nodes, requested_nodes, attempts FROM applies WHERE scope = ? AND {where} ORDER BY id"
        )
        with self._lock:
            rows = self._db.execute(sql, (self.scope, *args)).fetchall()
        return [JournalEntry(r[0], r[1], r[2], r[3], r[4], bytes(r[5]), *r[6:]) for r in rows]
