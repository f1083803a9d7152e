"""Shared helpers for the health tests (no tests here): a respx-mocked org whose probe
endpoints can be told to fail, slow down or hang."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import respx

from tests.genesys.conftest import API, CLIENT_SECRET, LOGIN, TokenServer, error_body

WEBHOOK = "https://hooks.example.com/services/T000/B000/XXXXWEBHOOKTOKEN"
SECRET_MARKERS = (CLIENT_SECRET, "SECRETBEARER", "XXXXWEBHOOKTOKEN")

Handler = Callable[[httpx.Request], Any]


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def service_unavailable(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        503,
        json=error_body(503, "service.unavailable", "The service is unavailable"),
        headers={"ININ-Correlation-Id": "corr-503"},
    )


class FakeOrg:
    """Every built-in probe answers 200 unless ``handlers[path]`` says otherwise."""

    def __init__(self, router: respx.MockRouter, *, queues: list[dict[str, Any]] | None = None) -> None:
        self.router = router
        self.tokens = TokenServer()
        self.queues = [{"id": "queue-1", "name": "Support"}] if queues is None else queues
        self.handlers: dict[str, Handler] = {}
        self.requests: list[httpx.Request] = []
        router.post(f"{LOGIN}/oauth/token").mock(side_effect=self.tokens)
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(
                200,
                json={"entities": [{"key": "client.credentials.token.rate.per.minute", "value": 300}]},
            )
        )
        router.route(host="api.mypurecloud.ie").mock(side_effect=self._dispatch)

    def calls(self, path: str, method: str | None = None) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path and (method is None or r.method == method)]

    async def _dispatch(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.handlers.get(request.url.path)
        if handler is not None:
            result = handler(request)
            if asyncio.iscoroutine(result):
                result = await result
            assert isinstance(result, httpx.Response)
            return result
        path = request.url.path
        if path == "/api/v2/organizations/me":
            return httpx.Response(200, json={"id": "org-1", "name": "Acme Support"})
        if path == "/api/v2/tokens/me":
            return httpx.Response(200)
        if path == "/api/v2/routing/queues":
            return httpx.Response(
                200, json={"entities": self.queues[:1], "pageSize": 1, "total": len(self.queues)}
            )
        if path == "/api/v2/analytics/queues/observations/query":
            return httpx.Response(200, json={"results": []})
        return httpx.Response(200, json={"entities": [], "pageSize": 1})


def assert_no_secret(text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    for marker in SECRET_MARKERS:
        assert marker.encode() not in data, f"secret {marker!r} leaked"
