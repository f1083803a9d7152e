"""A private SQLite file with an audit trail: what the routing BI push and the scaling apply
share (each adds its own tables: a journal, a history).

The file is 0600 in a 0700 directory (its WAL side files too), in WAL mode with ``synchronous
=FULL`` (a journal entry written before a POST must survive a kill -9), autocommit, one lock so
the event loop and worker threads can share it. ``audit`` keeps one JSON record per outcome per
scope (profile), also appended as a JSON line (0600) beside the database for tools that tail it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any, Self

from gctui.files import open_private_db, private_file


def canonical_json(document: Any) -> bytes:
    """The exact bytes a webhook gets (and the audit hashes): sorted keys, compact, UTF-8, NaN
    refused, so the same document is always the same bytes."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


AUDIT_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, record TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_scope ON audit (scope, id);
"""


class AuditedStore:
    def __init__(
        self, path: Path, scope: str, *, schema: str, audit_name: str, schema_version: int | None = None
    ) -> None:
        self.path = Path(path)
        self.scope = scope
        self.audit_path = self.path.with_name(audit_name)
        self._lock = threading.Lock()
        self._db = open_private_db(self.path)
        with self._lock:
            self._db.executescript(schema + AUDIT_SCHEMA)
            if schema_version is not None:
                self._db.execute(f"PRAGMA user_version={int(schema_version)}")

    def audit(self, record: dict[str, Any], now: float) -> None:
        """Store the record and append it as one JSON line (0600) beside the database."""
        line = json.dumps(record, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (scope, record, at) VALUES (?, ?, ?)", (self.scope, line, now)
            )
            private_file(self.audit_path)
            with self.audit_path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")

    def audit_records(self, limit: int = 100) -> list[dict[str, Any]]:
        """This scope's audit records, oldest first (the last ``limit``)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM audit WHERE scope = ? ORDER BY id DESC LIMIT ?", (self.scope, limit)
            ).fetchall()
        return [json.loads(r[0]) for r in reversed(rows)]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
