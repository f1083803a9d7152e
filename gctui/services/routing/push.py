"""The BI push: the scored table in an envelope, posted as canonical JSON to the configured
webhook, journaled before it is sent and audited after.

Envelope: ``{timestamp, evaluationType ("queue"|"method"|"used"), interval, weights, settings,
recordCount, data}``. Canonical JSON: sorted keys, no spaces, UTF-8, no NaN; the audit keeps
the SHA-256 of exactly those bytes. The store (``routing.sqlite3`` in the platform data dir,
0600) has ``pushes`` (the journal: written ``pending`` BEFORE the POST, then ``sent`` and
``done``/``failed``/``unknown``) and ``audit`` (one record per push, also a JSON line in
``routing-audit.jsonl``): time, interval, weights, row count, SHA-256, status, latency. Never
the webhook URL or a header value (secrets): only the URL's host."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import platformdirs

from gctui.services.audit import AuditedStore, canonical_json
from gctui.services.audit import sha256_hex as sha256

APP_NAME = "gctui"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pushes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, created REAL NOT NULL,
    updated REAL NOT NULL, state TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    rows INTEGER NOT NULL, host TEXT NOT NULL
);
"""


def envelope(
    records: list[dict[str, Any]],
    *,
    interval: str,
    weights: Mapping[str, float],
    evaluation_type: str,
    settings: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "evaluationType": evaluation_type,
        "interval": interval,
        "weights": dict(weights),
        "settings": dict(settings or {}),
        "recordCount": len(records),
        "data": records,
    }


def default_store_path() -> Path:
    """``<platform data dir>/gctui/routing.sqlite3``."""
    return platformdirs.user_data_path(APP_NAME) / "routing.sqlite3"


class PushStore(AuditedStore):
    def __init__(self, path: Path, scope: str = "default") -> None:
        super().__init__(path, scope, schema=_SCHEMA, audit_name="routing-audit.jsonl")

    def journal(self, digest: str, size: int, rows: int, host: str, now: float) -> int:
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO pushes (scope, created, updated, state, sha256, size, rows, host) "
                "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                (self.scope, now, now, digest, size, rows, host),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def update(self, push_id: int, state: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE pushes SET state = ?, updated = ? WHERE id = ?", (state, time.time(), push_id)
            )

    def states(self) -> list[tuple[int, str]]:
        with self._lock:
            rows = self._db.execute("SELECT id, state FROM pushes WHERE scope = ? ORDER BY id", (self.scope,))
            return [(int(r[0]), str(r[1])) for r in rows.fetchall()]


@dataclass(frozen=True, slots=True)
class PushOutcome:
    ok: bool
    status: int | None  # the webhook's HTTP status; None: no answer
    latency_ms: float
    sha256: str
    size: int
    error: str | None
    record: dict[str, Any]


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except (httpx.InvalidURL, TypeError):
        return "?"


async def push(
    store: PushStore,
    url: str,
    document: dict[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10,  # noqa: ASYNC109 - the webhook client's own timeout, reported as such
    transport: httpx.AsyncBaseTransport | None = None,
) -> PushOutcome:
    """Journal, POST the canonical bytes with the webhook's own client (never the Genesys
    client: no bearer token can reach a third party), audit. Errors never name the URL."""
    body = canonical_json(document)
    digest = sha256(body)
    host = _host(url)
    rows = int(document.get("recordCount", 0))
    push_id = store.journal(digest, len(body), rows, host, time.time())
    status: int | None = None
    error: str | None = None
    started = time.monotonic()
    sent_headers = {**(headers or {}), "Content-Type": "application/json", "User-Agent": "gctui"}
    try:
        store.update(push_id, "sent")
        async with httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False) as http:
            resp = await http.post(url, content=body, headers=sent_headers)
        status = resp.status_code
        if status >= 300:
            error = f"the webhook answered HTTP {status}"
    except httpx.TimeoutException:
        error = f"no answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        error = f"could not reach the webhook ({type(exc).__name__})"
    latency = (time.monotonic() - started) * 1000
    state = "done" if error is None else ("failed" if status is not None else "unknown")
    store.update(push_id, state)
    record = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "pushId": push_id,
        "interval": document.get("interval"),
        "evaluationType": document.get("evaluationType"),
        "weights": document.get("weights"),
        "rows": rows,
        "sha256": digest,
        "bytes": len(body),
        "host": host,
        "status": status,
        "latencyMs": round(latency, 1),
        "state": state,
        "error": error,
    }
    store.audit(record, time.time())
    return PushOutcome(error is None, status, latency, digest, len(body), error, record)
