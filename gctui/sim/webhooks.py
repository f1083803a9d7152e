"""Webhook receiver for outbound webhooks: ``POST /sim/webhooks/{name}`` acts, ``GET`` lists.

Each receiver name has a mode (``set_mode``; ``PUT /sim/control/webhooks/{name}/mode``):

- ``ok`` (the default): record the delivery as acted, answer ``status`` (200) and ``body``
  (``{"received": true}`` unless set).
- ``refuse``: answer ``status`` (503) and ``body`` before acting: the delivery is listed with
  ``acted: false`` and never counts as acted.
- ``late``: act, then answer (``status``/``body`` as ``ok``) after ``delaySeconds`` (5 s): longer
  than a client timeout, so the client sees a timeout although the action happened.
- ``drop``: act, then close the connection without any response.

``count`` limits a mode to the next N deliveries (then the receiver is ``ok`` again). With
``dedupe`` (on by default) a delivery whose ``Idempotency-Key`` header repeats one of an acted
delivery is not acted again: it is answered at once with the first one's status and body, and
listed with ``acted: false, duplicateOf: <seq of the first>``.

``fail(name, status, count)`` (the older control, used by the Health alerts) still makes the next
``count`` deliveries (all, if None) answer ``status``; those are recorded and count as acted.

``GET /sim/webhooks/{name}`` -> ``{name, entities: [delivery], total, acted, duplicates,
refused}``, a delivery being ``{seq, receivedAt, headers (no Authorization, Cookie, X-Api-Key),
body (parsed JSON, else text), bodyBase64 (the exact bytes), bodySha256, size, idempotencyKey,
mode, status, acted, duplicateOf, answered ("sent", "late", "dropped", "refused", "replayed")}``.
With a ``--state`` file the deliveries survive a restart (:mod:`gctui.sim.persist`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gctui.sim.det import iso
from gctui.sim.persist import load_webhooks, save_webhooks

_HIDDEN_HEADERS = {"authorization", "cookie", "x-api-key"}
WEBHOOK_MODES = ("ok", "refuse", "late", "drop")
DEFAULT_STATUS = {"ok": 200, "refuse": 503, "late": 200, "drop": 200}
DEFAULT_DELAY_S = 5.0
MAX_DELAY_S = 3600.0
MAX_COUNT = 1_000_000


def _default_body(mode: str) -> Any:
    if mode == "refuse":
        return {"received": False, "message": "The receiver refused the delivery"}
    return {"received": True}


@dataclass
class Mode:
    mode: str = "ok"
    status: int = 200
    body: Any = None
    delay_s: float = DEFAULT_DELAY_S
    count: int | None = None
    dedupe: bool = True

    def to_json(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "mode": self.mode,
            "status": self.status,
            "body": self.body,
            "delaySeconds": self.delay_s,
            "count": self.count,
            "dedupe": self.dedupe,
        }


@dataclass
class Outcome:
    """How to answer one delivery."""

    status: int
    body: Any
    answer: str  # sent, late, dropped, refused, replayed
    delay_s: float = 0.0


def _status_ok(status: object, lo: int, hi: int) -> bool:
    return isinstance(status, int) and not isinstance(status, bool) and lo <= status <= hi


class WebhookStore:
    def __init__(self, state_path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._received: dict[str, list[dict[str, Any]]] = {}
        self._fail: dict[str, tuple[int, int | None]] = {}
        self._modes: dict[str, Mode] = {}
        self._state_path: Path | None = None
        self._closed: asyncio.Event | None = None
        if state_path is not None:
            self.attach(state_path)

    # --- persistence -----------------------------------------------------------------------
    def attach(self, path: Path | None) -> None:
        """Keep deliveries in ``path`` (the ``--state`` file); loads what it holds, once."""
        if path is None or self._state_path is not None:
            return
        with self._lock:
            if self._state_path is None:
                saved = load_webhooks(path)
                for name, items in saved.items():
                    self._received[name] = [*items, *self._received.get(name, [])]
                self._state_path = path

    def _save(self) -> None:
        path = self._state_path
        if path is not None:
            with self._lock:
                snapshot = {k: list(v) for k, v in self._received.items()}
            save_webhooks(path, snapshot)

    def closed(self) -> asyncio.Event:
        """Set when the simulator stops (late answers then go at once); event-loop side only."""
        if self._closed is None:
            self._closed = asyncio.Event()
        return self._closed

    def close(self) -> None:
        """Release the late answers still waiting (call on the simulator's loop)."""
        self.closed().set()

    # --- controls --------------------------------------------------------------------------
    def fail(self, name: str, status: int | None, count: int | None = None) -> None:
        with self._lock:
            if status is None:
                self._fail.pop(name, None)
            else:
                self._fail[name] = (status, count)

    def set_mode(
        self,
        name: str,
        mode: str,
        *,
        status: int | None = None,
        body: Any = None,
        delay_s: float | None = None,
        count: int | None = None,
        dedupe: bool = True,
        has_body: bool | None = None,
    ) -> dict[str, Any]:
        """Set how ``name`` answers (see the module doc); ``body`` None keeps the mode's default
        unless ``has_body`` says a JSON null was meant."""
        if mode not in WEBHOOK_MODES:
            raise ValueError("mode must be one of " + ", ".join(WEBHOOK_MODES))
        lo = 400 if mode == "refuse" else 200
        if status is not None and not _status_ok(status, lo, 599):
            raise ValueError(f"status must be an integer from {lo} to 599 for mode {mode}")
        if delay_s is not None and (
            isinstance(delay_s, bool)
            or not isinstance(delay_s, int | float)
            or not 0 <= delay_s <= MAX_DELAY_S
        ):
            raise ValueError(f"delaySeconds must be a number from 0 to {MAX_DELAY_S:g}")
        if count is not None and not _status_ok(count, 1, MAX_COUNT):
            raise ValueError(f"count must be an integer from 1 to {MAX_COUNT} or null")
        if not isinstance(dedupe, bool):
            raise ValueError("dedupe must be true or false")
        given = has_body if has_body is not None else body is not None
        m = Mode(
            mode,
            DEFAULT_STATUS[mode] if status is None else status,
            body if given else _default_body(mode),
            DEFAULT_DELAY_S if delay_s is None else float(delay_s),
            count,
            dedupe,
        )
        with self._lock:
            self._modes[name] = m
        return m.to_json(name)

    def mode(self, name: str) -> dict[str, Any]:
        with self._lock:
            m = self._modes.get(name) or Mode(body=_default_body("ok"))
        return m.to_json(name)

    def forget(self, name: str) -> None:
        with self._lock:
            self._received.pop(name, None)
        self._save()

    # --- deliveries ------------------------------------------------------------------------
    def _take_mode(self, name: str) -> Mode:
        m = self._modes.get(name)
        if m is None:
            return Mode(body=_default_body("ok"))
        if m.count is not None:
            if m.count <= 1:
                self._modes.pop(name)
            else:
                m.count -= 1
        return m

    def deliver(self, name: str, entry: dict[str, Any]) -> Outcome:
        """Decide, record and return how to answer one delivery."""
        with self._lock:
            items = self._received.setdefault(name, [])
            entry["seq"] = len(items) + 1
            key = entry.get("idempotencyKey")
            m = self._take_mode(name)
            first = None
            if key and m.dedupe and m.mode != "refuse":
                first = next((e for e in items if e["acted"] and e.get("idempotencyKey") == key), None)
            rule = self._fail.get(name)
            if m.mode == "refuse":
                out = Outcome(m.status, m.body, "refused")
            elif first is not None:
                out = Outcome(first["status"], first.get("responseBody"), "replayed")
            elif rule is not None:
                status, left = rule
                if left is not None:
                    if left <= 1:
                        self._fail.pop(name)
                    else:
                        self._fail[name] = (status, left - 1)
                out = Outcome(status, {"received": False}, "sent")
            else:
                answer = {"ok": "sent", "late": "late", "drop": "dropped"}[m.mode]
                out = Outcome(m.status, m.body, answer, m.delay_s if m.mode == "late" else 0.0)
            entry.update(
                {
                    "mode": "fail" if rule is not None and out.answer == "sent" and first is None else m.mode,
                    "status": out.status,
                    "responseBody": out.body,
                    "acted": out.answer in ("sent", "late", "dropped"),
                    "duplicateOf": first["seq"] if first is not None else None,
                    "answered": out.answer,
                }
            )
            items.append(entry)
        self._save()
        return out

    def record(self, name: str, entry: dict[str, Any]) -> int:
        """Store a delivery (as :meth:`deliver`); return the status to answer with."""
        return self.deliver(name, entry).status

    def received(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._received.get(name, []))

    def listing(self, name: str) -> dict[str, Any]:
        items = self.received(name)
        return {
            "name": name,
            "entities": items,
            "total": len(items),
            "acted": sum(1 for e in items if e["acted"]),
            "duplicates": sum(1 for e in items if e.get("duplicateOf") is not None),
            "refused": sum(1 for e in items if e.get("answered") == "refused"),
        }


def _abort(request: Request) -> bool:
    """Close the client connection without a response (uvicorn's cycle owns ``receive``)."""
    cycle: Any = getattr(request.receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    cycle.disconnected = True
    transport.abort()
    return True


async def receive_webhook(request: Request) -> Response:
    rt = request.app.state.sim
    store: WebhookStore = rt.webhooks
    store.attach(rt.config.state_path)
    name = request.path_params["name"]
    raw = await request.body()
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HIDDEN_HEADERS}
    entry = {
        "receivedAt": iso(time.time()),
        "headers": headers,
        "body": body,
        "bodyBase64": base64.b64encode(raw).decode(),
        "bodySha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
        "idempotencyKey": request.headers.get("idempotency-key"),
    }
    out = store.deliver(name, entry)
    if out.answer == "dropped" and _abort(request):
        return Response(status_code=204)  # goes nowhere: the connection is closed
    if out.delay_s > 0:
        with contextlib.suppress(TimeoutError):  # the delay ran out (or the simulator stops)
            await asyncio.wait_for(store.closed().wait(), out.delay_s)
    if out.body is None:
        return Response(status_code=out.status)
    return JSONResponse(out.body, status_code=out.status)


async def list_webhook(request: Request) -> Response:
    rt = request.app.state.sim
    store: WebhookStore = rt.webhooks
    store.attach(rt.config.state_path)
    return JSONResponse(store.listing(request.path_params["name"]))
