"""Alert delivery: webhook posts in the background, counted, failures reported as events."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from gctui.services.health.webhook import WebhookError, WebhookNotifier

Report = Callable[[Literal["info", "warning", "error"], str], None]


class AlertSender:
    """Posts payloads to the webhook without holding up the run; ``flush()`` waits for them."""

    def __init__(self, url: str | None, *, timeout: float, report: Report) -> None:
        self._webhook = WebhookNotifier(url, timeout=timeout) if url else None
        self._report = report
        self._tasks: set[asyncio.Task[None]] = set()
        self.sent = 0
        self.failures = 0

    @property
    def enabled(self) -> bool:
        return self._webhook is not None

    def post(self, payload: dict[str, Any], what: str) -> None:
        """Send ``payload`` in the background; ``what`` names it in the events."""
        if self._webhook is None:
            return
        task = asyncio.get_running_loop().create_task(self._send(self._webhook, payload, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, webhook: WebhookNotifier, payload: dict[str, Any], what: str) -> None:
        try:
            await webhook.send(payload)
        except WebhookError as exc:
            self.failures += 1
            self._report("warning", f"{exc} ({what})")
        except Exception as exc:
            self.failures += 1
            self._report("error", f"alert webhook failed: unexpected {type(exc).__name__}")
        else:
            self.sent += 1
            self._report("info", f"alert webhook sent: {what}")

    async def flush(self) -> None:
        """Wait for posts still in flight (each is bounded by the webhook timeout)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks))
