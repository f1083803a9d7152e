"""The optional alert webhook: one small JSON POST per alert or recovery.

Sent with its own short-timeout httpx client, never through the Genesys client (no bearer
token can leak to a third party, and a slow webhook cannot eat the org's rate budget). The URL
usually embeds a token, so it is never part of a message, a log line or an exception text."""

from __future__ import annotations

from typing import Any

import httpx

from gctui.services.health.models import Transition

DEFAULT_TIMEOUT = 5.0


class WebhookError(Exception):
    """The webhook could not be delivered; the message never contains the URL."""


def webhook_payload(transition: Transition, org: str | None) -> dict[str, Any]:
    row = transition.row
    return {
        "source": "gctui",
        "probe": transition.probe,
        "old": str(transition.old),
        "new": str(transition.new),
        "latencyMs": None if row.latency_ms is None else round(row.latency_ms, 1),
        "statusCode": row.status_code,
        "error": None if row.ok else row.last_error,
        "errorCode": row.error_code,
        "correlationId": None if row.ok else row.correlation_id,
        "org": org,
        "checkedAt": row.checked_at.isoformat() if row.checked_at else None,
    }


def budget_payload(
    used: int, limit: int, share: float, alert_share: float, org: str | None
) -> dict[str, Any]:
    """The rate budget used crossed ``alert_share`` (up: ``alert`` true; back under: false)."""
    return {
        "source": "gctui",
        "alert": "rate_budget",
        "firing": share > alert_share,
        "used": used,
        "limit": limit,
        "share": round(share, 3),
        "alertShare": alert_share,
        "org": org,
    }


class WebhookNotifier:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self._transport = transport

    def __repr__(self) -> str:
        return "WebhookNotifier(url='**********')"

    async def send(self, payload: dict[str, Any]) -> None:
        """POST ``payload``; raise :class:`WebhookError` (without the URL) on any failure."""
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport, follow_redirects=False
            ) as http:
                resp = await http.post(self._url, json=payload, headers={"User-Agent": "gctui"})
        except httpx.TimeoutException:
            raise WebhookError(f"alert webhook: no answer within {self._timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise WebhookError(f"alert webhook: {type(exc).__name__}") from None
        if resp.status_code >= 300:
            raise WebhookError(f"alert webhook answered HTTP {resp.status_code}")
