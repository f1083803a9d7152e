"""The one HTTP client: auth, pacing, retries and error mapping for every API call."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from gctui.genesys.auth import TOKEN_PATH, TokenManager
from gctui.genesys.decode import api_error, decode_json, parse_model, retry_after_seconds
from gctui.genesys.errors import (
    ApiError,
    AuthError,
    ConfigurationError,
    LimitHit,
    RateLimitedError,
    ReadOnlyError,
    TransportError,
    WithdrawnError,
)
from gctui.genesys.options import ClientOptions
from gctui.genesys.pagination import paginate
from gctui.genesys.ratelimit import RateGovernor
from gctui.genesys.secrets import Secret
from gctui.genesys.transport import (
    ReadOnlyTransport,
    TokenOnlyTransport,
    is_read_only_allowed,
    is_read_request,
    link_reason,
)

M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, Any] | None
LIMITS_NAMESPACE = "platform.api"
# A 401 is resent with a fresh token this many times: a token may die on its way (expired while
# the process stalled, revoked by an admin) and its successor too; a client refused after that
# is refused for real (the breaker counts it).
AUTH_RETRIES = 2
# Connect-phase failures: the request never reached the server, so even a write may be resent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class GenesysClient:
    """Async client for one org. Create one per process and share it (with its token manager,
    governor and connection pool) between every feature."""

    def __init__(
        self,
        options: ClientOptions,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.options = options
        self.read_only = options.read_only
        timeout = httpx.Timeout(options.request_timeout, connect=options.connect_timeout)
        headers = {"User-Agent": options.user_agent, "Accept": "application/json"}
        inner = transport or httpx.AsyncHTTPTransport(
            limits=httpx.Limits(
                max_connections=options.max_connections,
                max_keepalive_connections=options.max_connections,
                keepalive_expiry=30.0,
            ),
            retries=0,
        )
        self.http = httpx.AsyncClient(
            base_url=options.region.api_base,
            transport=ReadOnlyTransport(inner, options.region.api_base) if options.read_only else inner,
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
        )
        self._sleep = sleep
        # The login client sends exactly one thing, the token POST, in every mode. It has its own
        # small connection pool: in a 401 storm it must not queue behind every API request.
        login_inner = transport or httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=2), retries=0)
        self._login_http = httpx.AsyncClient(
            transport=TokenOnlyTransport(
                login_inner, options.region.login_base + TOKEN_PATH, close_inner=transport is None
            ),
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
        )
        self.tokens = TokenManager(options, self._login_http, clock)
        self.governor = RateGovernor(
            options.rate_limit_fallback,
            options.rate_limit_window,
            source="fallback: limits not read yet",
            clock=clock,
            sleep=sleep,
        )
        self._limits: asyncio.Future[None] | None = None
        self.requests_sent = 0
        # Why the last request got no HTTP answer at all (None once anything answers again).
        self.link_error: str | None = None
        self.link_down_since: float | None = None
        self._clock = clock

    async def __aenter__(self) -> GenesysClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.tokens.aclose()
        await self.http.aclose()
        await self._login_http.aclose()

    # -- limits -------------------------------------------------------------------------------

    async def ensure_limits(self) -> None:
        """Read the org's effective limit once (single-flight); fall back when it cannot be read.

        An auth failure while reading is shared with every caller waiting on it (one login
        attempt, not one per caller) and the read is tried again on the next request."""
        fut = self._limits
        if fut is None:
            fut = self._limits = asyncio.get_running_loop().create_future()
            try:
                await self._load_limits()
            except asyncio.CancelledError:
                self._limits = None
                fut.set_result(None)
                raise
            except Exception as exc:
                self._limits = None
                fut.set_exception(exc)
                fut.exception()  # retrieved: the waiters get it, the loop must not log it
                raise
            fut.set_result(None)
        elif not fut.done():
            await asyncio.shield(fut)

    async def _load_limits(self) -> None:
        key = self.options.rate_limit_key
        path = f"/api/v2/organizations/limits/namespaces/{LIMITS_NAMESPACE}"
        try:
            resp = await self._send("GET", path, None, None, None, bulk=False)
            entities = resp.json().get("entities") or []
        except (ApiError, TransportError, ValueError, AttributeError) as exc:
            reason = exc.code or exc.status if isinstance(exc, ApiError) else type(exc).__name__
            self.governor.set_limit(self.options.rate_limit_fallback, f"fallback: {reason}")
            return
        for ent in entities:
            if isinstance(ent, dict) and ent.get("key") == key and isinstance(ent.get("value"), int):
                self.governor.set_limit(ent["value"], "limits API")
                return
        self.governor.set_limit(self.options.rate_limit_fallback, f"fallback: {key} not listed")

    # -- requests -----------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        request_timeout: float | None = None,
        bulk: bool = False,
        retry: bool = True,
        on_sent: Callable[[], None] | None = None,
        should_send: Callable[[], bool] | None = None,
    ) -> httpx.Response:
        """Send one API request with auth, pacing and the retry rules; raise on non-2xx.

        ``retry=False`` (health probes) reports the first 5xx, 429 or dropped link as it is
        instead of retrying it away; a 401 still gets its fresh-token retries. ``on_sent`` is
        called each time the request actually leaves (after any wait for a token or for the rate
        budget), so a caller timing the API does not count our own pacing as latency.
        ``should_send`` is asked right before each send (after those waits): False withdraws the
        request with ``WithdrawnError`` (a cancelled batch sends nothing more, even what was
        already queued for the rate budget)."""
        method = method.upper()
        if not path.startswith("/") or path.startswith("//"):
            # The bearer token goes only to the org's API base: never an absolute URL.
            raise ConfigurationError(f"{method} {path[:80]!r}: expected a path such as /api/v2/…")
        if self.read_only and not is_read_only_allowed(method, path.split("?", 1)[0]):
            raise ReadOnlyError(f"read-only mode: {method} {path} was not sent")
        if self._limits is None or not self._limits.done():
            await self.ensure_limits()
        return await self._send(
            method,
            path,
            params,
            json,
            request_timeout,
            bulk=bulk,
            retry=retry,
            on_sent=on_sent,
            should_send=should_send,
        )

    async def _send(
        self,
        method: str,
        path: str,
        params: Params,
        body: Any,
        req_timeout: float | None,
        *,
        bulk: bool,
        retry: bool = True,
        on_sent: Callable[[], None] | None = None,
        should_send: Callable[[], bool] | None = None,
    ) -> httpx.Response:
        opts = self.options
        max_retries = opts.max_retries if retry else 0
        # Reads (GET/HEAD and the analytics …/query POSTs) may be retried on a 5xx or a dropped
        # link; a write is only resent when it provably never left (connect-phase failures).
        idempotent = is_read_request(method, path.split("?", 1)[0])
        n_401 = 0
        n_429 = n_5xx = n_net = 0
        while True:
            self._check_hold(method, path)
            slot = await self.governor.acquire(bulk=bulk)
            try:
                # The token is taken once the request may leave, not before its wait for the
                # rate budget: a token still valid then could expire while the request queued.
                token = await self.ensure_token(fresh=n_401 > 0)
            except BaseException:
                self.governor.release(slot)  # nothing was sent: the slot is not spent
                raise
            try:
                if should_send is not None and not should_send():
                    self.governor.release(slot)  # nothing was sent: the slot is not spent
                    raise WithdrawnError(f"{method} {path}: withdrawn before it was sent")
                self.requests_sent += 1
                if on_sent is not None:
                    on_sent()
                resp = await self.http.request(
                    method,
                    path,
                    params=params,
                    json=body,
                    headers={"Authorization": "Bearer " + token.reveal()},
                    timeout=req_timeout if req_timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except (ReadOnlyError, WithdrawnError):
                raise
            except httpx.HTTPError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                if (idempotent or not sent) and n_net < max_retries:
                    await self._backoff(n_net, None)
                    n_net += 1
                    continue
                failure = _transport_error(exc, method, path, sent, idempotent)
                self._link_down(failure.message.split(": ", 1)[-1])
                raise failure from None
            finally:
                self.governor.complete(slot)
            self.link_error = self.link_down_since = None
            status = resp.status_code
            if status == 401:
                if n_401 < AUTH_RETRIES and not self.tokens.static:
                    # A 401 is answered before anything is applied, so even a write is resent.
                    n_401 += 1
                    self.tokens.invalidate(token)
                    continue
                err = api_error(resp, method, path)
                # A fresh token was refused too: forget it (the next call logs in again) and
                # count it, so a client the API keeps refusing opens the breaker.
                self.tokens.invalidate(token)
                self.tokens.record_api_auth_failure(str(err))
                raise err
            if status == 429:
                retry_after = retry_after_seconds(resp)
                err = api_error(resp, method, path)
                # Record first: every 429 holds the whole token for its full Retry-After, even
                # the one we give up on, and a lower limit in its body becomes our pace.
                self.governor.on_429(retry_after, err.limit, n_429)
                self._adopt_limit(err.limit)
                if retry_after is not None and retry_after > opts.retry_after_ceiling:
                    raise self._too_long(err, retry_after, method, path)
                if n_429 >= max_retries:
                    raise err
                n_429 += 1
                continue
            if status >= 500 and status != 501 and idempotent and n_5xx < max_retries:
                await self._backoff(n_5xx, retry_after_seconds(resp))
                n_5xx += 1
                continue
            if status >= 400:
                raise api_error(resp, method, path)
            self.tokens.record_api_success()
            return resp

    async def ensure_token(self, *, fresh: bool = False) -> Secret:
        """A valid bearer token; a login host that does not answer marks the link down."""
        try:
            return await self.tokens.get_token(fresh=fresh)
        except AuthError as exc:
            if exc.unreachable:
                self._link_down(exc.message.removeprefix("login failed: "))
            raise

    def _check_hold(self, method: str, path: str) -> None:
        """Do not queue behind a hold longer than the ceiling: say so at once instead."""
        held = self.governor.held_for()
        if held > self.options.retry_after_ceiling:
            raise RateLimitedError(
                f"rate limited: the API asked every request on this token to wait; {held:.0f} s "
                f"remain, beyond the {self.options.retry_after_ceiling:.0f} s ceiling",
                status=429,
                method=method,
                path=path,
                retry_after=held,
                limit=self.governor.last_limit,
            )

    def _too_long(self, err: ApiError, retry_after: float, method: str, path: str) -> RateLimitedError:
        return RateLimitedError(
            f"rate limited: the API asked to wait {retry_after:.0f} s, beyond the "
            f"{self.options.retry_after_ceiling:.0f} s ceiling; giving up",
            status=429,
            code=err.code,
            context_id=err.context_id,
            method=method,
            path=path,
            retry_after=retry_after,
            limit=err.limit,
            body=err.body,
        )

    def _adopt_limit(self, lim: LimitHit | None) -> None:
        if (
            lim is not None
            and lim.key == self.options.rate_limit_key
            and lim.value is not None
            and lim.value < self.governor.limit
        ):
            # The server enforces less than we were told: pace to what it enforces.
            self.governor.set_limit(lim.value, "429 body")

    def _link_down(self, reason: str) -> None:
        if self.link_error is None:
            self.link_down_since = self._clock()
        self.link_error = reason

    async def _backoff(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None and retry_after <= self.options.retry_after_ceiling:
            await self._sleep(retry_after)
            return
        cap = min(self.options.backoff_max, self.options.backoff_base * 2**attempt)
        await self._sleep(random.uniform(cap / 2, cap))  # noqa: S311 - jitter, not crypto

    # -- convenience --------------------------------------------------------------------------

    async def get_json(self, path: str, params: Params = None, *, bulk: bool = False) -> Any:
        resp = await self.request("GET", path, params=params, bulk=bulk)
        return decode_json(resp, "GET", path)

    async def get_model(self, path: str, model: type[M], params: Params = None, *, bulk: bool = False) -> M:
        return parse_model(await self.get_json(path, params, bulk=bulk), model, "GET", path)

    async def post_json(self, path: str, body: Any, params: Params = None) -> Any:
        resp = await self.request("POST", path, json=body, params=params)
        return decode_json(resp, "POST", path) if resp.content else None

    def paginate(
        self,
        path: str,
        model: type[M],
        params: Params = None,
        *,
        page_size: int = 100,
        concurrency: int | None = None,
    ) -> AsyncIterator[M]:
        return paginate(
            self,
            path,
            model,
            params,
            page_size=page_size,
            concurrency=self.options.page_concurrency if concurrency is None else concurrency,
        )


def _transport_error(
    exc: httpx.HTTPError, method: str, path: str, sent: bool, idempotent: bool
) -> TransportError:
    kinds: dict[type[httpx.HTTPError], str] = {
        httpx.ConnectError: "cannot connect",
        httpx.ConnectTimeout: "connect timed out",
        httpx.ReadTimeout: "no answer in time (read timeout)",
        httpx.WriteTimeout: "write timed out",
        httpx.PoolTimeout: "no free connection in time",
        httpx.RemoteProtocolError: "connection dropped by the server",
        httpx.ReadError: "connection reset while reading",
    }
    kind = kinds.get(type(exc), type(exc).__name__)
    try:
        url = exc.request.url
        host = f" to {url.host}:{url.port}" if url.port else f" to {url.host}"
    except RuntimeError:
        host = ""
    if isinstance(exc, httpx.ConnectError):
        kind = f"cannot connect{host} ({link_reason(exc)})"
    tail = "; it may or may not have been applied" if sent and not idempotent else ""
    return TransportError(f"{method} {path}: {kind}{tail}", method=method, path=path, maybe_applied=sent)
