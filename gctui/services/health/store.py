"""Probe history in SQLite, so sparklines and percentiles survive a restart.

One row per probe per run: when, status, HTTP status, latency, outcome and the short error
("503 service.unavailable") with its correlation id. Never a token, a secret or a URL with
credentials: only what :class:`ProbeRow` shows. ``scope`` keeps the history of several orgs
(profiles) apart in one file."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

from gctui.files import open_private_db
from gctui.services.health.models import HistoryPoint, ProbeRow, ProbeStatus

APP_NAME = "gctui"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS probe_runs (
    scope TEXT NOT NULL,
    probe TEXT NOT NULL,
    run_at REAL NOT NULL,
    status TEXT NOT NULL,
    status_code INTEGER,
    latency_ms REAL,
    ok INTEGER,
    error TEXT,
    correlation_id TEXT
);
CREATE INDEX IF NOT EXISTS probe_runs_by_probe ON probe_runs (scope, probe, run_at);
CREATE INDEX IF NOT EXISTS probe_runs_by_time ON probe_runs (run_at);
"""


def history_scope(profile_name: str, api_base: str, client_id: str | None = None) -> str:
    """The scope the CLI and the TUI both use for one org and OAuth client, so they share its
    history (and a run with other credentials does not inherit its errors). The demo org listens
    on a new port each run, so it has one scope of its own."""
    if profile_name == "demo":
        return "demo"
    return f"{profile_name}@{api_base}#{client_id or 'token'}"


def default_history_path() -> Path:
    """``<platform data dir>/gctui/health.sqlite3`` (``~/.local/share/gctui`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME) / "health.sqlite3"


class HistoryStore:
    """A small SQLite file. Safe to share between the event loop and a metrics thread."""

    def __init__(self, path: Path, scope: str = "default") -> None:
        self.path = Path(path)
        self.scope = scope
        self._lock = threading.Lock()
        # Probe errors name the org's queues, flows and hosts: the user's eyes only (0700/0600).
        self._db = open_private_db(self.path)
        with self._lock:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def record(self, rows: Sequence[ProbeRow], run_at: datetime) -> None:
        """Store each row's last run as a run at ``run_at`` (rows never run are skipped)."""
        stamp = _epoch(run_at)
        data = [
            (
                self.scope,
                row.name,
                stamp,
                str(row.status),
                row.status_code,
                row.latency_ms,
                None if row.ok is None else int(row.ok),
                None if row.ok else row.last_error,
                None if row.ok else row.correlation_id,
            )
            for row in rows
            if row.checked_at is not None
        ]
        with self._lock:
            self._db.executemany("INSERT INTO probe_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", data)

    def load(self, probe: str, limit: int = 60) -> list[HistoryPoint]:
        """The last ``limit`` runs of ``probe``, oldest first."""
        with self._lock:
            cur = self._db.execute(
                "SELECT run_at, status, status_code, latency_ms, ok, error, correlation_id "
                "FROM probe_runs WHERE scope = ? AND probe = ? ORDER BY run_at DESC LIMIT ?",
                (self.scope, probe, max(0, limit)),
            )
            raw = cur.fetchall()
        points = []
        for run_at, status, code, latency, ok, error, corr in reversed(raw):
            try:
                parsed = ProbeStatus(status)
            except ValueError:
                parsed = ProbeStatus.UNKNOWN
            points.append(
                HistoryPoint(
                    run_at=datetime.fromtimestamp(run_at, UTC),
                    status=parsed,
                    status_code=code,
                    latency_ms=latency,
                    ok=None if ok is None else bool(ok),
                    error=error,
                    correlation_id=corr,
                )
            )
        return points

    def prune(self, retention_days: float, now: datetime | None = None) -> int:
        """Delete runs older than ``retention_days`` (every scope); returns how many went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        with self._lock:
            cur = self._db.execute("DELETE FROM probe_runs WHERE run_at < ?", (_epoch(cutoff),))
            return cur.rowcount

    def count(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM probe_runs WHERE scope = ?", (self.scope,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _epoch(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("history timestamps must be timezone-aware (UTC)")
    return when.timestamp()
