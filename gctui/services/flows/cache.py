"""The on-disk cache of the dependency crawl: per flow id and published version.

Fetching is the cost (one ``consumedresources`` call per flow: 10,000 flows are ~33 minutes at
300 requests a minute), so every fetched flow is committed at once: a crawl that is killed
resumes where it stopped, and a refresh refetches only the flows whose published version
changed. The last listing is kept too, so the tab can draw the cached graph before any request.

One SQLite file (0600 in a 0700 dir) under the platform cache dir; ``scope`` keeps several orgs
apart in it. It holds flow names and ids: org data, the user's eyes only.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from gctui.files import private_dir, private_file
from gctui.services.flows.graph import FlowGraph, FlowRecord, Ref

APP_NAME = "gctui"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS flows (
    scope TEXT NOT NULL, flow_id TEXT NOT NULL, version TEXT, record TEXT NOT NULL,
    PRIMARY KEY (scope, flow_id)
);
CREATE TABLE IF NOT EXISTS consumed (
    scope TEXT NOT NULL, flow_id TEXT NOT NULL, version TEXT NOT NULL, fetched_at REAL NOT NULL,
    refs TEXT NOT NULL, PRIMARY KEY (scope, flow_id)
);
CREATE TABLE IF NOT EXISTS meta (
    scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, key)
);
"""


def default_cache_path() -> Path:
    """``<platform cache dir>/gctui/flows.sqlite3`` (``~/.cache/gctui`` on Linux)."""
    return platformdirs.user_cache_path(APP_NAME) / "flows.sqlite3"


def _record_json(r: FlowRecord) -> str:
    return json.dumps(
        [r.id, r.name, r.type, r.published_version, r.saved_version, r.checked_in_version, r.division],
        separators=(",", ":"),
    )


def _record(raw: str) -> FlowRecord:
    i, name, t, pub, saved, checked, division = json.loads(raw)
    return FlowRecord(i, name, t, pub, saved, checked, division)


def _refs_json(refs: Iterable[Ref]) -> str:
    return json.dumps([list(r) for r in refs], separators=(",", ":"))  # Ref's fields, in order


def _refs(raw: str) -> list[Ref] | None:
    """The refs of one row; None for a row that does not decode (it is fetched again)."""
    try:
        refs = list(map(Ref._make, json.loads(raw)))
    except (ValueError, TypeError):
        return None
    return refs if all(isinstance(r.type, str) and isinstance(r.id, str) for r in refs) else None


@dataclass(frozen=True, slots=True)
class CacheStatus:
    flows: int  # in the last listing
    fetched: int  # with their consumed resources cached for their current published version
    listed_at: float | None  # epoch seconds of the last listing
    completed_at: float | None  # … of the last crawl that fetched everything it had to

    @property
    def complete(self) -> bool:
        return self.completed_at is not None and (
            self.listed_at is None or self.completed_at >= self.listed_at
        )


class FlowCache:
    """The crawl's SQLite file. Each call is a few ms, but :meth:`load_graph` of a big org takes
    ~0.2 s: run that one in a thread (``asyncio.to_thread``); calls are serialized by a lock."""

    def __init__(self, path: Path, scope: str = "default") -> None:
        self.path = Path(path)
        self.scope = scope
        self._lock = threading.RLock()
        private_dir(self.path.parent)
        private_file(self.path)
        for side in self._sides():
            if side.exists():
                private_file(side)
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError:
            # Not a database, or a damaged one: it is only a cache, start afresh.
            for stale in (self.path, *self._sides()):
                stale.unlink(missing_ok=True)
            private_file(self.path)
            self._db = self._connect()

    def _sides(self) -> tuple[Path, Path]:
        return self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a commit survives a kill -9
            if db.execute("PRAGMA user_version").fetchone()[0] not in (0, SCHEMA_VERSION):
                db.executescript(
                    "DROP TABLE IF EXISTS flows; DROP TABLE IF EXISTS consumed; DROP TABLE IF EXISTS meta;"
                )
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> FlowCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the listing ------------------------------------------------------------------------

    def save_listing(self, records: Iterable[FlowRecord], *, now: float | None = None) -> None:
        """Replace the cached listing (one transaction)."""
        rows = [(self.scope, r.id, r.published_version, _record_json(r)) for r in records]
        with self._tx():
            self._db.execute("DELETE FROM flows WHERE scope = ?", (self.scope,))
            self._db.executemany(
                "INSERT OR REPLACE INTO flows (scope, flow_id, version, record) VALUES (?, ?, ?, ?)", rows
            )
            self._set_meta("listed_at", now if now is not None else time.time())

    def listing(self) -> list[FlowRecord]:
        """The last listing (what the tree of flows by type needs: ~30 ms at 10,000 flows)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM flows WHERE scope = ? ORDER BY rowid", (self.scope,)
            ).fetchall()
        return [_record(raw) for (raw,) in rows]

    # -- consumed resources -----------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        """flow id → the published version its cached consumed resources belong to."""
        with self._lock:
            rows = self._db.execute(
                "SELECT flow_id, version FROM consumed WHERE scope = ?", (self.scope,)
            ).fetchall()
        return dict(rows)

    def store(self, flow_id: str, version: str, refs: Iterable[Ref], *, now: float | None = None) -> None:
        """Commit one flow's consumed resources (replacing any older version's)."""
        row = (self.scope, flow_id, version, now if now is not None else time.time(), _refs_json(refs))
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO consumed (scope, flow_id, version, fetched_at, refs) "
                "VALUES (?, ?, ?, ?, ?)",
                row,
            )

    def get(self, flow_id: str, version: str) -> list[Ref] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT refs FROM consumed WHERE scope = ? AND flow_id = ? AND version = ?",
                (self.scope, flow_id, version),
            ).fetchone()
        return None if row is None else _refs(row[0])  # None too for a row that does not decode

    def consumed(self) -> Iterator[tuple[str, str, list[Ref]]]:
        """Every cached ``(flow id, version, refs)`` (rows that do not decode are left out)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT flow_id, version, refs FROM consumed WHERE scope = ?", (self.scope,)
            ).fetchall()
        for flow_id, version, raw in rows:
            refs = _refs(raw)
            if refs is not None:
                yield flow_id, version, refs

    def drop(self, flow_ids: Iterable[str]) -> int:
        """Forget flows that are gone (or were unpublished)."""
        ids = [(self.scope, i) for i in flow_ids]
        with self._tx():
            before = self._db.total_changes
            self._db.executemany("DELETE FROM consumed WHERE scope = ? AND flow_id = ?", ids)
            return self._db.total_changes - before

    def clear(self) -> None:
        """A forced full refresh: every flow is fetched again."""
        with self._tx():
            self._db.execute("DELETE FROM consumed WHERE scope = ?", (self.scope,))
            self._db.execute("DELETE FROM meta WHERE scope = ? AND key = 'completed_at'", (self.scope,))

    # -- state ------------------------------------------------------------------------------

    def mark_complete(self, *, now: float | None = None) -> None:
        with self._tx():
            self._set_meta("completed_at", now if now is not None else time.time())

    def status(self) -> CacheStatus:
        with self._lock:
            flows = self._db.execute("SELECT COUNT(*) FROM flows WHERE scope = ?", (self.scope,)).fetchone()[
                0
            ]
            fetched = self._db.execute(
                "SELECT COUNT(*) FROM consumed c JOIN flows f ON f.scope = c.scope AND f.flow_id = c.flow_id "
                "WHERE c.scope = ? AND f.version = c.version",
                (self.scope,),
            ).fetchone()[0]
            return CacheStatus(
                flows, fetched, self._meta_float("listed_at"), self._meta_float("completed_at")
            )

    def listing_graph(self) -> FlowGraph:
        """The flows of the last listing without their edges (~60 ms at 10,000 flows, against
        ~0.25 s for :meth:`load_graph`): enough to draw the flows by type at once."""
        graph = FlowGraph()
        for record in self.listing():
            graph.add_flow(record)
        return graph

    def load_graph(self) -> FlowGraph:
        """The graph as last cached: the listing, and the consumed resources of every flow whose
        cached version is still its published one. No request is made."""
        graph = FlowGraph()
        published: dict[str, str | None] = {}
        for record in self.listing():
            graph.add_flow(record)
            published[record.id] = record.published_version
        for flow_id, version, refs in self.consumed():
            key = graph.flow_key(flow_id)
            if key is not None and published.get(flow_id) == version:
                graph.set_consumed(key, refs)
        return graph

    # -- helpers ----------------------------------------------------------------------------

    def _set_meta(self, key: str, value: float) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO meta (scope, key, value) VALUES (?, ?, ?)", (self.scope, key, repr(value))
        )

    def _meta_float(self, key: str) -> float | None:
        row = self._db.execute(
            "SELECT value FROM meta WHERE scope = ? AND key = ?", (self.scope, key)
        ).fetchone()
        return None if row is None else float(row[0])

    @contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
