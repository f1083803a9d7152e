"""Webhook receiver for outbound webhooks: ``POST /sim/webhooks/{name}`` records, ``GET`` lists.

``fail(name, status, count)`` makes the next ``count`` deliveries (all, if None) answer ``status``.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gctui.sim.det import iso

_HIDDEN_HEADERS = {"authorization", "cookie", "x-api-key"}


class WebhookStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: dict[str, list[dict[str, Any]]] = {}
        self._fail: dict[str, tuple[int, int | None]] = {}

    def fail(self, name: str, status: int | None, count: int | None = None) -> None:
        with self._lock:
            if status is None:
                self._fail.pop(name, None)
            else:
                self._fail[name] = (status, count)

    def record(self, name: str, entry: dict[str, Any]) -> int:
        """Store a delivery; return the status to answer with."""
        with self._lock:
            status = 200
            rule = self._fail.get(name)
            if rule is not None:
                status, left = rule
                if left is not None:
                    if left <= 1:
                        self._fail.pop(name)
                    else:
                        self._fail[name] = (status, left - 1)
            entry["status"] = status
            self._received.setdefault(name, []).append(entry)
            return status

    def received(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._received.get(name, []))


async def receive_webhook(request: Request) -> Response:
    store: WebhookStore = request.app.state.sim.webhooks
    name = request.path_params["name"]
    raw = await request.body()
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HIDDEN_HEADERS}
    status = store.record(name, {"receivedAt": iso(time.time()), "headers": headers, "body": body})
    return JSONResponse({"received": status < 400}, status_code=status)


async def list_webhook(request: Request) -> Response:
    store: WebhookStore = request.app.state.sim.webhooks
    items = store.received(request.path_params["name"])
    return JSONResponse({"entities": items, "total": len(items)})
