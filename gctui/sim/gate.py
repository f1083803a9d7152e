"""The ASGI gate in front of the routes: correlation ids, latency, auth, rate limit, faults, stats.

Order for ``/api/v2/*``: latency -> bearer token (401) -> per-token sliding budget (429) -> scripted
or random fault -> route. ``/oauth/token`` gets a correlation id, is counted and takes scripted
faults (a login outage: 503s or dropped connections on the next N token requests) but never random
ones; its credential checks and per-client budget live in the route. ``/sim/*`` is passed straight
through (control and webhook receiver are never faulted or limited).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gctui.sim.control import FaultStatus
from gctui.sim.errors import CORRELATION_HEADER, error_bytes, new_correlation_id
from gctui.sim.runtime import SimRuntime

_HDR = CORRELATION_HEADER.lower().encode()
FAULT_CODES = {
    500: "internal.server.error",
    502: "bad.gateway",
    503: "service.unavailable",
    504: "gateway.timeout",
}


def _bearer(scope: Scope) -> str | None:
    for k, v in scope["headers"]:
        if k == b"authorization":
            text = v.decode("latin-1")
            if text[:7].lower() == "bearer ":
                return text[7:].strip() or None
            return None
    return None


async def _send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _drop(send: Send) -> bool:
    """Close the client connection without a response (uvicorn's h11 cycle exposes its transport)."""
    cycle: Any = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    cycle.disconnected = True
    transport.abort()
    return True


class Gate:
    def __init__(self, app: ASGIApp, runtime: SimRuntime) -> None:
        self.app = app
        self.rt = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/api/") or path == "/oauth/token"):
            await self.app(scope, receive, send)
            return
        rt = self.rt
        control = rt.control
        cid = new_correlation_id()
        state = scope.setdefault("state", {})
        state["correlation_id"] = cid
        cid_header = (_HDR, cid.encode())

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), cid_header]
                control.record(message["status"])
            await send(message)

        if path == "/oauth/token":
            fault = control.take_fault(scope["method"], path, random_faults=False)
            if fault is None:
                await self.app(scope, receive, tagged_send)
            else:
                await self._fault(fault, cid, scope, receive, send, tagged_send)
            return
        delay = control.jitter_latency_s()
        if delay:
            await asyncio.sleep(delay)
        cfg = rt.config
        token = _bearer(scope)
        if token is None:
            body = error_bytes(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
                cid,
            )
            await _send_json(tagged_send, 401, body, [])
            return
        rec, expired = rt.tokens.lookup(token)
        if rec is None or expired:
            code = cfg.expired_bearer_code if expired else cfg.unknown_bearer_code
            msg = "The access token has expired." if expired else "Invalid login credentials."
            await _send_json(tagged_send, 401, error_bytes(401, code, msg, cid), [])
            return
        retry_after = rt.api_budget.admit(token)
        if retry_after:
            limit = {
                "key": "client.credentials.token.rate.per.minute",
                "namespace": "platform.api",
                "value": cfg.rate_limit,
            }
            body = error_bytes(
                429,
                "too.many.requests.retry.after",
                f"Rate limit exceeded the maximum. Retry the request in [{retry_after}] seconds",
                cid,
                extra={"limit": limit},
            )
            await _send_json(tagged_send, 429, body, [(b"retry-after", str(retry_after).encode())])
            return
        state["token"] = rec
        state["bearer"] = token
        fault = control.take_fault(scope["method"], path)
        if fault is None:
            await self.app(scope, receive, tagged_send)
            return
        await self._fault(fault, cid, scope, receive, send, tagged_send)

    async def _fault(
        self,
        fault: tuple[FaultStatus, str],
        cid: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        tagged_send: Send,
    ) -> None:
        """Answer with the fault; with ``when="after"`` the route runs first and its answer is lost."""
        status, when = fault
        if when == "after":

            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
        if status == "drop":
            if _drop(send):
                self.rt.control.record_drop()
                return
            status = 502
        code = FAULT_CODES.get(int(status), "internal.server.error")
        body = json.dumps(
            {
                "message": f"Simulated fault ({code})",
                "code": code,
                "status": status,
                "contextId": cid,
                "details": [],
                "errors": [],
            }
        ).encode()
        await _send_json(tagged_send, int(status), body, [])
