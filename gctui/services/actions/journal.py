"""The change journal: every intended timeout change is written BEFORE it is sent, and its
outcome after, so a crash, a kill -9 or a dropped link never leaves a change unaccounted for.

Batches: ``id, scope (profile/org), created, kind (set-timeout | undo), origin_batch (undo: the
batch it undoes)``. Entries: ``batch, action id, name, version sent, before, after (seconds; NULL
= the platform default), state, error, correlation id, created, updated``. States move
``pending → sent → done | failed | conflict | unknown``; ``cancelled`` marks an entry never sent
because the user cancelled. The file is private (0600) in the platform data dir."""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from gctui.files import open_private_db

APP_NAME = "gctui"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, created REAL NOT NULL,
    kind TEXT NOT NULL, origin_batch INTEGER REFERENCES batches (id)
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, batch_id INTEGER NOT NULL REFERENCES batches (id),
    action_id TEXT NOT NULL, name TEXT NOT NULL, version_sent INTEGER, before INTEGER, after INTEGER,
    state TEXT NOT NULL, error TEXT, correlation_id TEXT, created REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_batch ON entries (batch_id);
CREATE INDEX IF NOT EXISTS entries_by_state ON entries (state);
"""
_COLUMNS = (
    "id batch_id action_id name version_sent before after state error correlation_id created updated"
).split()


class State(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


OPEN_STATES = (State.PENDING, State.SENT, State.UNKNOWN)  # outcome not known: reconcile these


class Kind(enum.StrEnum):
    SET_TIMEOUT = "set-timeout"
    UNDO = "undo"


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    scope: str
    created: float
    kind: Kind
    origin_batch: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    batch_id: int
    action_id: str
    name: str
    version_sent: int | None
    before: int | None
    after: int | None
    state: State
    error: str | None
    correlation_id: str | None
    created: float
    updated: float


def default_journal_path() -> Path:
    """``<platform data dir>/gctui/actions-journal.sqlite3``."""
    return platformdirs.user_data_path(APP_NAME) / "actions-journal.sqlite3"


class Journal:
    """One SQLite file; every write commits at once (autocommit), so it survives a kill -9."""

    def __init__(self, path: Path, scope: str) -> None:
        self.path = Path(path)
        self.scope = scope
        self._lock = threading.Lock()
        self._db = open_private_db(self.path)
        with self._lock:
            self._db.executescript(_SCHEMA)

    def start_batch(self, kind: Kind, origin_batch: int | None = None) -> Batch:
        now = time.time()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO batches (scope, created, kind, origin_batch) VALUES (?, ?, ?, ?)",
                (self.scope, now, str(kind), origin_batch),
            )
        assert cur.lastrowid is not None
        return Batch(cur.lastrowid, self.scope, now, kind, origin_batch)

    def add_entry(
        self, batch_id: int, action_id: str, name: str, before: int | None, after: int | None
    ) -> int:
        now = time.time()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO entries (batch_id, action_id, name, before, after, state, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (batch_id, action_id, name, before, after, str(State.PENDING), now, now),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def update(
        self,
        entry_id: int,
        state: State,
        *,
        version_sent: int | None = None,
        error: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        """Move an entry to ``state``; ``version_sent`` is kept unless a new one is given."""
        with self._lock:
            self._db.execute(
                "UPDATE entries SET state = ?, version_sent = COALESCE(?, version_sent), error = ?, "
                "correlation_id = COALESCE(?, correlation_id), updated = ? WHERE id = ?",
                (str(state), version_sent, error, correlation_id, time.time(), entry_id),
            )

    def batch(self, batch_id: int) -> Batch | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, scope, created, kind, origin_batch FROM batches WHERE id = ? AND scope = ?",
                (batch_id, self.scope),
            ).fetchone()
        return None if row is None else Batch(row[0], row[1], row[2], Kind(row[3]), row[4])

    def batches(self, limit: int = 50) -> list[Batch]:
        """This scope's batches, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, scope, created, kind, origin_batch FROM batches WHERE scope = ? "
                "ORDER BY id DESC LIMIT ?",
                (self.scope, limit),
            ).fetchall()
        return [Batch(r[0], r[1], r[2], Kind(r[3]), r[4]) for r in rows]

    def entries(self, batch_id: int) -> list[Entry]:
        return self._select("batch_id = ?", (batch_id,))

    def entry(self, entry_id: int) -> Entry:
        (found,) = self._select("entries.id = ?", (entry_id,))
        return found

    def open_entries(self) -> list[Entry]:
        """Entries of this scope whose outcome is not known (pending, sent, unknown)."""
        marks = ",".join("?" * len(OPEN_STATES))
        return self._select(f"state IN ({marks})", tuple(str(s) for s in OPEN_STATES))

    def _select(self, where: str, args: tuple[object, ...]) -> list[Entry]:
        cols = ", ".join(f"entries.{c}" for c in _COLUMNS)
        sql = (
            f"SELECT {cols} FROM entries JOIN batches ON batches.id = entries.batch_id "  # noqa: S608
            f"WHERE batches.scope = ? AND {where} ORDER BY entries.id"
        )
        with self._lock:
            rows = self._db.execute(sql, (self.scope, *args)).fetchall()
        return [
            Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], State(r[7]), r[8], r[9], r[10], r[11])
            for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
