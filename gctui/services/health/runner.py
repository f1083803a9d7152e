"""Running one probe: send it through the shared client (no retries, so a 5xx is measured,
not retried away), time it, and turn whatever happened into a :class:`ProbeResult`."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import httpx

from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import (
    ApiError,
    AuthError,
    ReadOnlyError,
    TransportError,
    describe_unexpected,
)
from gctui.services.health.models import QUEUE_ID_PLACEHOLDER, ProbeResult, ProbeSpec
from gctui.services.health.probes import QUEUE_LOOKUP_PATH
from gctui.text import clean, clean_optional

ORG_PATH = "/api/v2/organizations/me"


class ProbeRunner:
    """Sends probes for one client. ``clock`` is monotonic seconds (latency is measured with it);
    ``timeout`` caps each probe (seconds) below the client's own request timeout."""

    def __init__(self, client: GenesysClient, *, clock: Callable[[], float], timeout: float) -> None:
        self.client = client
        self.clock = clock
        self.timeout = timeout
        self.queue_id: str | None = None
        self.org_name: str | None = None

    async def prepare(self) -> ProbeResult | None:
        """Get a token and the org's limit before timing anything, so the first probes do not
        carry the login. Returns a failure shared by every probe when that is impossible."""
        try:
            await self.client.ensure_token()
            await self.client.ensure_limits()
        except Exception as exc:
            return failure_from(exc, None)  # nothing was sent: no latency to show
        return None

    async def resolve_queue_id(self) -> ProbeResult | None:
        """Find (once) a queue id for the analytics probe; a result when there is none."""
        if self.queue_id is not None:
            return None
        try:
            resp = await self.client.request(
                "GET", QUEUE_LOOKUP_PATH, params={"pageSize": 1}, retry=False, request_timeout=self.timeout
            )
            entities = resp.json().get("entities") or []
            first = entities[0] if entities else None
            queue_id = first.get("id") if isinstance(first, dict) else None
        except Exception as exc:
            failed = failure_from(exc, 0.0)
            return ProbeResult(
                ok=None,
                error=f"no queue id ({failed.error})",
                error_code=failed.error_code,
                detail=f"looking up a queue to observe failed: {failed.detail}",
                correlation_id=failed.correlation_id,
            )
        if not isinstance(queue_id, str) or not queue_id:
            return ProbeResult(
                ok=None,
                error="no queue to observe",
                detail="the org has no routing queue; the analytics probe needs one",
            )
        self.queue_id = queue_id
        return None

    async def run(self, spec: ProbeSpec) -> ProbeResult:
        """Send ``spec`` once. Never raises (except cancellation)."""
        body = _substitute(spec.body, self.queue_id) if spec.body is not None else None
        # Latency is timed from when the request leaves, not from when it was queued: a wait
        # for the rate budget is our own pacing, not the API being slow (it is ``queued_s``).
        queued = self.clock()
        sent = [queued]

        def mark_sent() -> None:
            sent[0] = self.clock()

        result = await self._send(spec, body, sent, mark_sent)
        return dataclasses.replace(result, queued_s=max(0.0, sent[0] - queued))

    async def _send(
        self, spec: ProbeSpec, body: Any, sent: list[float], mark_sent: Callable[[], None]
    ) -> ProbeResult:
        try:
            resp = await self.client.request(
                spec.method,
                spec.path,
                json=body,
                retry=False,
                request_timeout=self.timeout,
                on_sent=mark_sent,
            )
        except ApiError as exc:
            ms = (self.clock() - sent[0]) * 1000
            if exc.status in spec.expect_status:
                return ProbeResult(ok=True, status_code=exc.status, latency_ms=ms)
            if spec.needs_queue_id and exc.status in (400, 404):
                self.queue_id = None  # the queue may be gone: look another one up next time
            return failure_from(exc, ms)
        except Exception as exc:
            return failure_from(exc, (self.clock() - sent[0]) * 1000)
        ms = (self.clock() - sent[0]) * 1000
        if resp.status_code not in spec.expect_status:
            return ProbeResult(
                ok=False,
                status_code=resp.status_code,
                latency_ms=ms,
                kind="status",
                error=f"unexpected {resp.status_code}",
                error_code=None,
                detail=f"{spec.method} {spec.path} answered {resp.status_code}; expected "
                + " or ".join(str(s) for s in spec.expect_status),
                correlation_id=clean_optional(resp.headers.get("ININ-Correlation-Id")),
            )
        if self.org_name is None and spec.method == "GET" and spec.path.split("?", 1)[0] == ORG_PATH:
            self.org_name = _org_name(resp)
        return ProbeResult(ok=True, status_code=resp.status_code, latency_ms=ms)


def failure_from(exc: BaseException, latency_ms: float | None) -> ProbeResult:
    """A failed :class:`ProbeResult` for an exception of the client (texts carry no secret)."""
    if isinstance(exc, ApiError):
        short = f"{exc.status} {exc.code}" if exc.code else f"{exc.status} {_clip(exc.message)}"
        return ProbeResult(
            ok=False,
            status_code=exc.status,
            latency_ms=latency_ms,
            kind="rate_limited" if exc.status == 429 else "auth" if exc.status in (401, 403) else "status",
            error=short,
            error_code=exc.code,
            detail=str(exc),
            correlation_id=exc.context_id,
        )
    if isinstance(exc, TransportError):
        # No HTTP answer came back: there is no latency to show (a refused connect is not "fast").
        text = exc.message.lower()
        code = "timeout" if ("timed out" in text or "timeout" in text) else "network"
        if "cannot connect" in text:
            code = "connect"
        what = exc.message.split(": ", 1)[-1]  # "GET /path: connection dropped by the server"
        return ProbeResult(
            ok=False,
            kind="transport",
            error=_clip(what.split(";", 1)[0]),
            error_code=code,
            detail=str(exc),
        )
    if isinstance(exc, AuthError) and exc.unreachable:
        # The login host did not answer: the link is down, the credentials may be fine.
        return ProbeResult(
            ok=False,
            kind="transport",
            error=_clip(exc.message.removeprefix("login failed: ")),
            error_code="connect",
            detail=str(exc),
        )
    if isinstance(exc, AuthError):
        code = exc.error_code or "auth"
        return ProbeResult(
            ok=False,
            status_code=exc.status,
            latency_ms=latency_ms,
            kind="auth",
            error=f"login failed ({code})",
            error_code=code,
            detail=str(exc),
        )
    if isinstance(exc, ReadOnlyError):
        return ProbeResult(ok=False, kind="not_sent", error="not sent (read-only)", detail=str(exc))
    return ProbeResult(
        ok=False,
        latency_ms=latency_ms,
        kind="internal",
        error=type(exc).__name__,
        detail=_clip(describe_unexpected(exc), 200),
    )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _substitute(value: Any, queue_id: str | None) -> Any:
    if isinstance(value, str):
        return queue_id if value == QUEUE_ID_PLACEHOLDER and queue_id is not None else value
    if isinstance(value, dict):
        return {k: _substitute(v, queue_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, queue_id) for v in value]
    return copy.copy(value)


def _org_name(resp: httpx.Response) -> str | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return clean(name) if isinstance(name, str) and name else None
