"""A tiny loopback Genesys Cloud for the core benchmarks (not the simulator in ``gctui.sim``).

It speaks just enough of the real API (docs: /work/shared/genesys-api.md §2, §3, §4.1):

* ``POST /oauth/token``: Basic auth + ``grant_type=client_credentials`` -> ``{access_token,
  token_type, expires_in}``; every call is counted.
* ``GET /api/v2/organizations/limits/namespaces/platform.api`` -> ``{"entities": [{key, namespace,
  value}]}`` reporting the configured limit.
* ``GET /api/v2/integrations/actions`` -> the real page-number envelope over N synthetic actions.
* ``GET /api/v2/organizations/me`` -> a small Organization.

Every ``/api/v2`` request is authenticated (unknown, expired or revoked token -> 401), counted
against a per-token sliding window (``limit`` requests per ``window`` seconds, by arrival time)
and answered after the configured latency (429s and 401s too). Over the limit it answers 429 with an integer
``Retry-After`` and the normalized body with its ``limit`` object; rejected requests do not use
up the window. Served by uvicorn on a free 127.0.0.1 port, access log off.

    async with Loopback(LoopbackConfig(latency=0.02, limit=60, window=10)) as srv:
        srv.base_url  # "http://127.0.0.1:PORT"
        srv.stats     # counters
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import secrets
import socket
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gctui.genesys.client import GenesysClient
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret

LIMIT_KEY = "client.credentials.token.rate.per.minute"
LIMIT_NAMESPACE = "platform.api"
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"  # noqa: S105 - a loopback fixture, not a credential
ACTIONS_PATH = "/api/v2/integrations/actions"
LIMITS_PATH = f"/api/v2/organizations/limits/namespaces/{LIMIT_NAMESPACE}"
ORG_PATH = "/api/v2/organizations/me"
MAX_PAGE_SIZE = 500


@dataclass
class LoopbackConfig:
    latency: float = 0.02  # seconds added to every /api/v2 request
    token_latency: float = 0.0  # seconds added to every /oauth/token request
    limit: int = 300  # requests per window per token
    window: float = 60.0  # sliding window, seconds
    expires_in: int = 86400  # token lifetime the server issues and enforces
    n_actions: int = 10_000
    count_limits_read: bool = True  # the limits API call counts against the window
    # What the limits API reports; None = the enforced limit. Higher than `limit` simulates a
    # budget shared with another client (the API's limit is per token, reference §3).
    reported_limit: int | None = None


@dataclass
class Stats:
    token_requests: int = 0
    token_rejected: int = 0
    api_requests: int = 0  # every /api/v2 request that reached a handler (incl. 401/429)
    throttled: int = 0  # 429s sent
    unauthorized: int = 0  # 401s sent
    peak_in_window: int = 0  # most requests one token ever had inside the window
    in_flight: int = 0
    peak_in_flight: int = 0
    by_path: Counter[str] = field(default_factory=Counter)
    first_429_at: float | None = None  # server monotonic time
    first_401_at: float | None = None
    token_at: list[float] = field(default_factory=list)  # arrival times of token requests
    admitted_at: list[float] = field(default_factory=list)  # arrival times of admitted requests

    def as_dict(self) -> dict[str, Any]:
        return {
            "token_requests": self.token_requests,
            "token_rejected": self.token_rejected,
            "api_requests": self.api_requests,
            "throttled_429": self.throttled,
            "unauthorized_401": self.unauthorized,
            "peak_in_window": self.peak_in_window,
            "peak_in_flight": self.peak_in_flight,
            "by_path": dict(self.by_path),
        }


class _Limiter:
    """Per-token sliding window over request arrival times."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def admit(self, token: str, now: float) -> tuple[bool, int, int]:
        """(admitted, requests now in window, Retry-After seconds when refused)."""
        q = self._seen.setdefault(token, deque())
        edge = now - self.window
        while q and q[0] <= edge:
            q.popleft()
        if len(q) >= self.limit:
            wait = max(1, math.ceil(q[0] + self.window - now))
            return False, len(q), wait
        q.append(now)
        return True, len(q), 0


def _action(i: int) -> dict[str, Any]:
    aid = f"{i:08x}-0000-4000-8000-{i:012x}"
    return {
        "id": aid,
        "name": f"Bench action {i:05d}",
        "integrationId": f"{i % 7:08x}-1111-4000-8000-000000000000",
        "category": f"Category {i % 13}",
        "version": 1 + i % 5,
        "secure": i % 11 == 0,
        "config": {
            "timeoutSeconds": 1 + i % 60,
            "request": {
                "requestUrlTemplate": f"https://backend.example.invalid/v1/things/${{input.id}}?n={i}",
                "requestType": "GET",
                "headers": {"Accept": "application/json"},
                "requestTemplate": "${input.rawRequest}",
            },
            "response": {
                "translationMap": {"status": "$.status", "name": "$.name"},
                "translationMapDefaults": {"status": '"unknown"'},
                "successTemplate": '{"status": ${status}, "name": ${name}}',
            },
        },
        "contract": {
            "input": {"inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}}},
            "output": {"successSchema": {"type": "object", "properties": {"status": {"type": "string"}}}},
        },
        "selfUri": f"{ACTIONS_PATH}/{aid}",
    }


def _error(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": secrets.token_hex(8),
        "details": [],
        "errors": [],
        **extra,
    }


def make_client(base_url: str, *, window: float = 60.0, **options: Any) -> GenesysClient:
    """A GenesysClient for the loopback server, built the way the app builds one: region from
    the base URL, client credentials, the limit read from the limits API."""
    opts = ClientOptions(
        region=resolve_region(base_url),
        client_id=CLIENT_ID,
        client_secret=Secret(CLIENT_SECRET),
        rate_limit_window=window,
        **options,
    )
    return GenesysClient(opts)


class Loopback:
    """The app plus its uvicorn server; an async context manager."""

    def __init__(self, config: LoopbackConfig | None = None) -> None:
        self.config = config or LoopbackConfig()
        self.stats = Stats()
        self._limiter = _Limiter(self.config.limit, self.config.window)
        self._tokens: dict[str, float] = {}  # token -> expiry (server monotonic)
        self._pages: dict[tuple[int, int], bytes] = {}
        self._basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        self.app = Starlette(
            routes=[
                Route("/oauth/token", self._token, methods=["POST"]),
                Route(LIMITS_PATH, self._limits, methods=["GET"]),
                Route(ACTIONS_PATH, self._actions, methods=["GET"]),
                Route(ORG_PATH, self._org, methods=["GET"]),
            ]
        )
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None
        self.base_url = ""

    # -- control ---------------------------------------------------------------------------

    def reset_stats(self) -> None:
        self.stats = Stats()

    def reset_limiter(self) -> None:
        self._limiter = _Limiter(self.config.limit, self.config.window)

    def revoke_all(self) -> int:
        """Invalidate every issued token now (the next API call with one gets 401)."""
        n = len(self._tokens)
        self._tokens.clear()
        return n

    def prerender(self, page_size: int) -> None:
        """Render every page of the listing once, so serving a page costs no JSON encoding."""
        pages = max(1, math.ceil(self.config.n_actions / page_size))
        for number in range(1, pages + 1):
            self._page(page_size, number)

    # -- handlers --------------------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        self.stats.token_requests += 1
        self.stats.token_at.append(time.monotonic())
        if self.config.token_latency:
            await asyncio.sleep(self.config.token_latency)
        form = (await request.body()).decode()
        if request.headers.get("authorization") != self._basic or "grant_type=client_credentials" not in form:
            self.stats.token_rejected += 1
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "description": "authentication failed",
                    "error_description": "authentication failed",
                },
                status_code=401,
            )
        token = secrets.token_urlsafe(24)
        self._tokens[token] = time.monotonic() + self.config.expires_in
        return JSONResponse(
            {"access_token": token, "token_type": "bearer", "expires_in": self.config.expires_in}
        )

    async def _gate(self, request: Request) -> Response | None:
        """Auth, the rate limit (decided on arrival, the strictest reading) and the latency;
        None when the request may be answered."""
        st = self.stats
        st.api_requests += 1
        st.by_path[request.url.path] += 1
        now = time.monotonic()
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        expiry = self._tokens.get(token)
        refused: Response | None = None
        if expiry is None or now >= expiry:
            st.unauthorized += 1
            if st.first_401_at is None:
                st.first_401_at = now
            refused = JSONResponse(
                _error(401, "authentication.required", "No valid bearer token."), status_code=401
            )
        elif request.url.path != LIMITS_PATH or self.config.count_limits_read:
            ok, used, wait = self._limiter.admit(token, now)
            st.peak_in_window = max(st.peak_in_window, used)
            if ok:
                if len(st.admitted_at) < 100_000:
                    st.admitted_at.append(now)
            else:
                st.throttled += 1
                if st.first_429_at is None:
                    st.first_429_at = now
                body = _error(
                    429,
                    "too.many.requests.retry.after",
                    f"Rate limit exceeded the maximum. Retry the request in [{wait}] seconds",
                    limit={"key": LIMIT_KEY, "namespace": LIMIT_NAMESPACE, "value": self.config.limit},
                )
                refused = JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})
        st.in_flight += 1
        st.peak_in_flight = max(st.peak_in_flight, st.in_flight)
        try:
            if self.config.latency:
                await asyncio.sleep(self.config.latency)
        finally:
            st.in_flight -= 1
        return refused

    async def _limits(self, request: Request) -> Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        value = self.config.reported_limit or self.config.limit
        ent = {"key": LIMIT_KEY, "namespace": LIMIT_NAMESPACE, "value": value}
        return JSONResponse({"entities": [ent]})

    async def _org(self, request: Request) -> Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        return JSONResponse(
            {"id": "00000000-0000-4000-8000-000000000001", "name": "Bench Org", "state": "active"}
        )

    def _page(self, size: int, number: int) -> bytes:
        key = (size, number)
        cached = self._pages.get(key)
        if cached is not None:
            return cached
        total = self.config.n_actions
        count = max(1, math.ceil(total / size))
        start = (number - 1) * size
        ents = [_action(i) for i in range(start, min(start + size, total))]
        uri = f"{ACTIONS_PATH}?pageSize={size}&pageNumber="
        body: dict[str, Any] = {
            "entities": ents,
            "pageSize": size,
            "pageNumber": number,
            "total": total,
            "pageCount": count,
            "firstUri": f"{uri}1",
            "selfUri": f"{uri}{number}",
            "lastUri": f"{uri}{count}",
        }
        if number > 1:
            body["previousUri"] = f"{uri}{number - 1}"
        if number < count:
            body["nextUri"] = f"{uri}{number + 1}"
        raw = json.dumps(body, separators=(",", ":")).encode()
        self._pages[key] = raw
        return raw

    async def _actions(self, request: Request) -> Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        try:
            size = int(request.query_params.get("pageSize", "25"))
            number = int(request.query_params.get("pageNumber", "1"))
        except ValueError:
            return JSONResponse(_error(400, "bad.request", "pageSize/pageNumber must be integers"), 400)
        size = min(max(1, size), MAX_PAGE_SIZE)
        number = max(1, number)
        return Response(self._page(size, number), media_type="application/json")

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Loopback:
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto is IPPROTO_TCP; with proto 0 every small response stalls ~40 ms (Nagle against
        # the client's delayed ACK), which would swamp the latency being measured.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        self._sock = sock
        port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        cfg = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=60,
            backlog=1024,
        )
        self._server = uvicorn.Server(cfg)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        deadline = time.monotonic() + 10.0
        while not self._server.started:
            if self._task.done() or time.monotonic() > deadline:
                raise RuntimeError("loopback server did not start")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10.0)
            except TimeoutError:
                self._task.cancel()
        if self._sock is not None:
            self._sock.close()
