"""Apply one recommendation: journal -> POST -> verify -> audit, never twice.

* Refused before anything is written or sent: read-only mode, no webhook URL, nothing to
  change, the group's cool-down still running (with the time left).
* The journal entry holds the exact payload bytes, their SHA-256 and the Idempotency-Key
  before the POST leaves. The POST goes through its own httpx client (like the health alert
  webhook: no bearer token can reach a third party; the URL and the configured headers are
  secrets, never in a message, a log line, the journal or the audit).
* No answer (timeout, dropped connection): the receiver may have acted, so the same bytes go
  again under the same key, up to ``retries`` times. Still no answer: the entry stays
  ``unknown`` and the next apply of that group re-sends it (same bytes, same key) before
  anything new, so a receiver that de-duplicates by key scales once.
* An error answer: refused (the receiver says it did not act); a 5xx is retried (same key) in
  case it was transient, a 3xx/4xx is not.
* After a 2xx: a quick run of the health probes, then the audit record (time, profile, payload
  SHA-256, webhook status and answer (sanitized, truncated), verification, latency)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from gctui.genesys.regions import is_genesys_host
from gctui.services.scaling.payload import idempotency_key
from gctui.services.scaling.store import JournalEntry, ScalingStore
from gctui.text import clean

RESPONSE_LIMIT = 500  # characters of the receiver's answer kept in the audit


class ApplyRefused(Exception):
    """Nothing was sent; ``message`` says why and what to do. ``usage``: a usage/config error
    (exit 2) rather than a check that failed (exit 1)."""

    def __init__(self, message: str, *, usage: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True, slots=True)
class Verification:
    status: str  # "healthy", "degraded", "critical", "skipped", "failed"
    summary: str


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    outcome: str  # "applied", "refused" (an error answer: not acted), "unknown" (no answer)
    group_id: str
    status_code: int | None
    response: str
    sha256: str
    idempotency_key: str
    attempts: int
    latency_ms: float
    verification: Verification | None
    resumed: bool  # re-sent an earlier unanswered apply (its bytes, its key)
    record: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.outcome == "applied"


Verifier = Callable[[], Awaitable[Verification]]


@dataclass
class WebhookTarget:
    """Where to POST; ``headers`` are secrets (a shared secret, a token)."""

    url: str
    timeout: float = 10.0
    headers: Mapping[str, str] | None = None
    retries: int = 2
    transport: httpx.AsyncBaseTransport | None = None

    def __repr__(self) -> str:
        return f"WebhookTarget(url='**********', timeout={self.timeout:g}, retries={self.retries})"


def cooldown_left(store: ScalingStore, group_id: str, cooldown_s: float, now: float) -> float:
    last = store.last_applied(group_id)
    if last is None or cooldown_s <= 0:
        return 0.0
    return max(0.0, last.updated + cooldown_s - now)


async def apply(
    store: ScalingStore,
    *,
    group_id: str,
    current: int,
    requested: int,
    payload: bytes,
    sha256: str,
    key: str | None = None,
    target: WebhookTarget | None,
    read_only: bool,
    cooldown_s: float,
    profile: str,
    verify: Verifier | None = None,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
) -> ApplyOutcome:
    """Apply (or resume) one group's recommendation; raise :class:`ApplyRefused` before sending.
    ``key``: the Idempotency-Key of a new apply (default: derived, see ``idempotency_key``)."""
    if read_only:
        raise ApplyRefused("read-only mode: scaling apply refused; nothing sent")
    if target is None or not target.url:
        raise ApplyRefused(
            "no scaling webhook: set [scaling] webhook_url or pass --webhook URL; nothing sent"
        )
    if is_genesys_host(urlsplit(target.url).hostname or ""):
        raise ApplyRefused(
            "the scaling webhook points at Genesys Cloud: it goes to your own scaler, never to the org; "
            "nothing sent"
        )
    now = clock()
    entry = store.open_entry(group_id)
    resumed = entry is not None
    if entry is None:
        if requested <= current:
            raise ApplyRefused(f"node group {group_id}: nothing to apply ({current} -> {requested} nodes)")
        left = cooldown_left(store, group_id, cooldown_s, now)
        if left > 0:
            raise ApplyRefused(
                f"node group {group_id}: cool-down, the last apply was less than {cooldown_s:g} s ago; "
                f"{left:.0f} s left; nothing sent",
                usage=False,
            )
        if key is None:
            key = idempotency_key(store.scope, group_id, sha256, store.settled_count(group_id))
        entry = store.journal(group_id, payload, sha256, key, current, requested, now)
    return await _send(store, entry, target, profile, verify, resumed, clock, monotonic)


async def _send(
    store: ScalingStore,
    entry: JournalEntry,
    target: WebhookTarget,
    profile: str,
    verify: Verifier | None,
    resumed: bool,
    clock: Callable[[], float],
    monotonic: Callable[[], float],
) -> ApplyOutcome:
    headers = {
        **dict(target.headers or {}),
        "Content-Type": "application/json",
        "Idempotency-Key": entry.idempotency_key,
        "User-Agent": "gctui",
    }
    attempts = entry.attempts
    status: int | None = None
    answer = ""
    outcome = "unknown"
    started = monotonic()
    async with httpx.AsyncClient(
        timeout=target.timeout, transport=target.transport, follow_redirects=False
    ) as http:
        for _ in range(target.retries + 1):
            attempts += 1
            store.update(entry.id, "sent", attempts=attempts, now=clock())
            try:
                resp = await http.post(target.url, content=entry.payload, headers=headers)
            except httpx.TimeoutException:
                status, answer, outcome = None, f"no answer within {target.timeout:g} s", "unknown"
                continue
            except httpx.HTTPError as exc:
                status, answer, outcome = None, f"no answer: {type(exc).__name__}", "unknown"
                continue
            status, answer = resp.status_code, _answer(resp)
            if 200 <= status < 300:
                outcome = "applied"
                break
            outcome = "refused"  # the receiver answered an error: it did not act
            if status >= 500:
                continue  # a transient error may pass: the same bytes under the same key again
            break
    latency_ms = (monotonic() - started) * 1000.0
    store.update(entry.id, outcome, attempts=attempts, now=clock())
    verification: Verification | None = None
    if outcome == "applied":
        verification = await _verify(verify)
    record = {
        "time": _iso(clock()),
        "profile": profile,
        "nodeGroupId": entry.group_id,
        "currentNodes": entry.current_nodes,
        "requestedNodes": entry.requested_nodes,
        "payloadSha256": entry.sha256,
        "idempotencyKey": entry.idempotency_key,
        "outcome": outcome,
        "webhookStatus": status,
        "webhookResponse": answer,
        "attempts": attempts,
        "resumed": resumed,
        "latencyMs": round(latency_ms, 1),
        "verification": None
        if verification is None
        else {"status": verification.status, "summary": verification.summary},
        "journalId": entry.id,
    }
    store.audit(record, clock())
    return ApplyOutcome(
        outcome, entry.group_id, status, answer, entry.sha256, entry.idempotency_key, attempts,
        latency_ms, verification, resumed, record,
    )  # fmt: skip


async def _verify(verify: Verifier | None) -> Verification:
    if verify is None:
        return Verification("skipped", "verification off")
    try:
        return await verify()
    except Exception as exc:
        return Verification("failed", clean(f"{type(exc).__name__}: {exc}")[:200])


def _answer(resp: httpx.Response) -> str:
    """The receiver's answer, sanitized (server text is untrusted) and truncated."""
    text = resp.text if resp.content else ""
    shown = clean(text)
    return shown if len(shown) <= RESPONSE_LIMIT else shown[: RESPONSE_LIMIT - 1] + "…"


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
