"""Token manager: client-credentials grant, single-flight refresh, auth circuit breaker.

The grant is sent exactly as the official SDK sends it (reference §2): ``POST {login}/oauth/token``,
``Authorization: Basic base64(id:secret)``, form body ``grant_type=client_credentials``.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from gctui.genesys.errors import AuthError, CircuitOpenError, ConfigurationError
from gctui.genesys.models.org import TokenResponse
from gctui.genesys.options import ClientOptions
from gctui.genesys.secrets import Secret
from gctui.genesys.transport import link_reason

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a password


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True, slots=True)
class TokenStatus:
    """What the UI shows about the token; contains no secret."""

    has_token: bool
    static: bool
    expires_in: float | None
    age: float | None
    lifetime: float | None
    refreshes: int
    failures: int
    consecutive_failures: int
    last_outcome: str
    last_error: str | None
    breaker: BreakerState
    breaker_retry_in: float


@dataclass(slots=True)
class _Token:
    value: Secret
    obtained_at: float
    expires_at: float | None
    lifetime: float | None


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; half-opens after ``cooldown`` seconds
    to let exactly one attempt through; closes on success."""

    def __init__(self, threshold: int, cooldown: float, clock: Callable[[], float]) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._clock = clock
        self.consecutive = 0
        self._opened_at: float | None = None

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def retry_in(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.cooldown - (self._clock() - self._opened_at))

    def record_failure(self) -> None:
        self.consecutive += 1
        if self.consecutive >= self.threshold or self.state is BreakerState.HALF_OPEN:
            self._opened_at = self._clock()

    def record_success(self) -> None:
        self.consecutive = 0
        self._opened_at = None


class TokenManager:
    """Hands out a valid bearer token; N concurrent callers during a refresh share one request."""

    def __init__(
        self,
        options: ClientOptions,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._options = options
        self._http = http
        self._clock = clock
        self._token: _Token | None = None
        self._inflight: asyncio.Future[_Token] | None = None
        self._task: asyncio.Task[_Token] | None = None
        self.breaker = CircuitBreaker(options.breaker_threshold, options.breaker_cooldown, clock)
        self.refreshes = 0
        self.failures = 0
        self.last_outcome = "none yet"
        self.last_error: str | None = None
        self.token_url = options.region.login_base + TOKEN_PATH
        if options.access_token is not None:
            self._token = _Token(options.access_token, clock(), None, None)
        elif not (options.client_id and options.client_secret):
            raise ConfigurationError(
                "no credentials: set client_id and client_secret (or GENESYSCLOUD_OAUTHCLIENT_ID / "
                "GENESYSCLOUD_OAUTHCLIENT_SECRET), or GENESYSCLOUD_ACCESS_TOKEN"
            )

    async def aclose(self) -> None:
        """Cancel a refresh still in flight (at shutdown)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    @property
    def static(self) -> bool:
        return self._options.access_token is not None

    def _margin(self, lifetime: float) -> float:
        # The Go SDK refreshes 60 s early; short-lived tokens refresh at 90 % of their life.
        return min(60.0, lifetime * 0.1)

    def _valid(self, token: _Token | None, *, fresh: bool = False) -> bool:
        if token is None:
            return False
        if token.expires_at is None or token.lifetime is None:
            return True
        margin = token.lifetime / 2 if fresh else self._margin(token.lifetime)
        return self._clock() < token.expires_at - margin

    async def get_token(self, *, fresh: bool = False) -> Secret:
        """The current token, logging in when it is missing or near its end. ``fresh`` (the
        retry after a 401) also renews a token past half its life: the API refused one token
        as expired, so the retry must not go out with another that could expire on its way."""
        token = self._token
        if self._valid(token, fresh=fresh and not self.static):
            assert token is not None
            return token.value
        if self.static:
            raise AuthError(
                "the configured access token was rejected or has expired; set a new "
                "GENESYSCLOUD_ACCESS_TOKEN or configure client credentials"
            )
        if self._inflight is None:
            self._check_breaker()
            loop = asyncio.get_running_loop()
            self._inflight = loop.create_future()
            task = loop.create_task(self._refresh())
            task.add_done_callback(self._settle)
            self._task = task
        return (await asyncio.shield(self._inflight)).value

    def _settle(self, task: asyncio.Task[_Token]) -> None:
        fut, self._inflight = self._inflight, None
        if fut is None or fut.done():
            return
        if task.cancelled():
            fut.set_exception(AuthError("token request was cancelled"))
            fut.exception()  # retrieved: nobody may be waiting any more
        elif (exc := task.exception()) is not None:
            fut.set_exception(exc)
            # Waiters may all have gone; do not let "exception never retrieved" leak a message.
            fut.exception()
        else:
            fut.set_result(task.result())

    def _check_breaker(self) -> None:
        if self.breaker.state is BreakerState.OPEN:
            raise CircuitOpenError(
                f"authentication failed {self.breaker.consecutive} times in a row "
                f"({self.last_error or 'unknown error'}); not retrying for "
                f"{self.breaker.retry_in():.0f} s. Check the client id and secret.",
                retry_in=self.breaker.retry_in(),
            )

    def invalidate(self, used: Secret | None = None) -> None:
        """Forget the token (after a 401). With ``used``, only if it is still the current one,
        so a burst of 401s on an old token causes one refresh, not one per request."""
        if self.static:
            if used is None or (self._token is not None and self._token.value == used):
                self._token = _Token(self._token.value, 0.0, 0.0, 1.0) if self._token else None
            return
        if used is None or (self._token is not None and self._token.value == used):
            self._token = None

    def record_api_auth_failure(self, message: str) -> None:
        """A 401 that survived a fresh token counts towards the breaker."""
        self.failures += 1
        self.last_outcome = "rejected by API"
        self.last_error = message
        self.breaker.record_failure()

    def record_api_success(self) -> None:
        if self.breaker.consecutive:
            self.breaker.record_success()

    async def _refresh(self) -> _Token:
        secret = self._options.client_secret
        assert self._options.client_id is not None and secret is not None
        basic = base64.b64encode(f"{self._options.client_id}:{secret.reveal()}".encode()).decode()
        # The token's life is counted from when its request left: the login host started the
        # clock somewhere between then and its answer, which may wait in the socket while the
        # event loop is busy. Counting from the answer would hand the token out past its margin.
        sent = self._clock()
        try:
            resp = await self._http.post(
                self.token_url,
                headers={"Authorization": f"Basic {basic}"},
                data={"grant_type": "client_credentials"},
            )
        except httpx.HTTPError as exc:
            raise self._fail(
                f"cannot reach {self.token_url} ({link_reason(exc)})", unreachable=True
            ) from None
        if resp.status_code != 200:
            raise self._fail(_login_error_text(resp), status=resp.status_code, body=resp)
        try:
            parsed = TokenResponse.model_validate(resp.json())
        except (ValueError, ValidationError):
            raise self._fail("the login host answered 200 without a usable token") from None
        lifetime = float(max(1, parsed.expires_in))
        token = _Token(Secret(parsed.access_token), sent, sent + lifetime, lifetime)
        self._token = token
        self.refreshes += 1
        self.last_outcome = "ok"
        self.last_error = None
        # The breaker is not reset here but by the next API success: a token the API then
        # refuses must still count towards opening it.
        return token

    def _fail(
        self,
        message: str,
        *,
        status: int | None = None,
        body: httpx.Response | None = None,
        unreachable: bool = False,
    ) -> AuthError:
        code = None
        if body is not None:
            try:
                data = body.json()
                code = data.get("error") or data.get("code") if isinstance(data, dict) else None
            except ValueError:
                code = None
        if code == "invalid_client" or status == 401:
            message += "; check the client id and secret"
        self.failures += 1
        self.last_outcome = "unreachable" if unreachable else "failed"
        self.last_error = message
        if not unreachable:  # a network outage says nothing about the credentials
            self.breaker.record_failure()
        return AuthError(f"login failed: {message}", status=status, error_code=code, unreachable=unreachable)

    def status(self) -> TokenStatus:
        now = self._clock()
        tok = self._token
        expires_in = None
        age = None
        lifetime = None
        if tok is not None:
            age = now - tok.obtained_at
            lifetime = tok.lifetime
            if tok.expires_at is not None:
                expires_in = max(0.0, tok.expires_at - now)
        return TokenStatus(
            has_token=tok is not None,
            static=self.static,
            expires_in=expires_in,
            age=age,
            lifetime=lifetime,
            refreshes=self.refreshes,
            failures=self.failures,
            consecutive_failures=self.breaker.consecutive,
            last_outcome=self.last_outcome,
            last_error=self.last_error,
            breaker=self.breaker.state,
            breaker_retry_in=self.breaker.retry_in(),
        )


def _login_error_text(resp: httpx.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error") or data.get("code")
        desc = data.get("error_description") or data.get("description") or data.get("message")
        if err == "invalid_client" or resp.status_code == 401:
            return f"{resp.status_code} {err or 'unauthorized'}: {desc or 'bad client id or secret'}"
        if err or desc:
            return f"{resp.status_code} {err or ''}: {desc or ''}".strip()
    if resp.status_code == 429:
        wait = resp.headers.get("Retry-After", "?")
        return f"429 the token endpoint is rate limited (retry after {wait} s)"
    return f"HTTP {resp.status_code} from the token endpoint"
