"""One exception family for everything the API core can fail with.

Messages are written for the person at the terminal: they say what happened and, where it helps,
what to do. They never contain a secret: no client secret, no bearer token, no Authorization
header (the transport never puts one into an exception).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gctui.text import clean


@dataclass(frozen=True, slots=True)
class LimitHit:
    """The ``limit`` object of a 429 body: which limit was hit."""

    key: str | None
    namespace: str | None
    value: int | None

    def describe(self) -> str:
        parts = [p for p in (self.namespace, self.key) if p]
        name = "/".join(parts) or "unknown limit"
        return f"{name} ({self.value})" if self.value is not None else name


class GenesysError(Exception):
    """Base of every error raised by gctui.genesys."""

    def __init__(self, message: str) -> None:
        # Messages quote servers (error bodies, transport errors, login answers): no control
        # character of theirs may reach a terminal, a log line or a toast.
        message = clean(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(GenesysError):
    """The client was built with options that cannot work (no credentials, bad URL)."""


class ReadOnlyError(GenesysError):
    """A write was attempted on a read-only client; nothing left the process."""


class WithdrawnError(GenesysError):
    """The caller withdrew the request (``should_send`` said no) after its turn in the rate
    budget came and before it left: nothing was sent."""


class TransportError(GenesysError):
    """The request did not get an HTTP answer (connect refused, reset, timeout).

    ``maybe_applied`` is True when the request had been sent before the link failed: a write
    may or may not have been applied, and the caller must check before sending it again.
    """

    def __init__(self, message: str, *, method: str, path: str, maybe_applied: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.maybe_applied = maybe_applied


class AuthError(GenesysError):
    """Getting a token failed (bad credentials, login host down, token endpoint throttled)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = None if error_code is None else clean(error_code)
        # The login host did not answer at all (the link is down), as opposed to saying no.
        self.unreachable = unreachable


class CircuitOpenError(AuthError):
    """Too many consecutive auth failures: calls fail fast until the cool-down ends."""

    def __init__(self, message: str, *, retry_in: float) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class ApiError(GenesysError):
    """A non-2xx answer from the API, carrying the ErrorBody fields the user needs."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        context_id: str | None = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
        limit: LimitHit | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = None if code is None else clean(code)
        self.context_id = None if context_id is None else clean(context_id)
        self.method = method
        self.path = path
        self.retry_after = retry_after
        self.limit = limit
        self.body = body or {}

    @property
    def details(self) -> list[dict[str, Any]]:
        raw = self.body.get("details")
        return [d for d in raw if isinstance(d, dict)] if isinstance(raw, list) else []

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        corr = f" (correlation id {self.context_id})" if self.context_id else ""
        return f"{self.status}{code}: {self.message}{corr}"


class BadRequestError(ApiError):
    """400: the request was invalid; the message names the field where the API did."""


class AuthenticationError(ApiError):
    """401 even after a fresh token."""


class ForbiddenError(ApiError):
    """403, typically ``missing.any.permissions``: the OAuth client lacks a permission."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409, or 400 'does not match the current version': someone else changed the entity."""


class RateLimitedError(ApiError):
    """429 that we gave up on: retries exhausted or Retry-After beyond the configured ceiling."""


class ServerError(ApiError):
    """5xx that persisted through the retries (or a write, which is never retried blindly)."""


class DecodeError(ApiError):
    """A 2xx whose body was not the JSON we expected."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_class_for(status: int, message: str = "") -> type[ApiError]:
    if status == 400 and "does not match the current version" in message:
        return ConflictError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


def describe_unexpected(exc: BaseException) -> str:
    """One line for an error nobody planned for, without its (possibly secret-laden) locals."""
    if isinstance(exc, GenesysError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {clean(exc)}"
