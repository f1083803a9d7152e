"""Transport rules that hold for every request the process makes, whoever makes it."""

from __future__ import annotations

import re

import httpx

from gctui.genesys.errors import ReadOnlyError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Analytics queries are POSTs that read and change nothing (…/aggregates/query,
# …/observations/query). Read-only mode would be useless during an incident without them, so
# exactly these are let through. Data-action tests and executes are NOT: they run a backend.
READ_ONLY_QUERY_PATH = re.compile(r"^/api/v2/analytics/[a-z]+(?:/[a-z]+)?/(?:aggregates|observations)/query$")


def is_read_request(method: str, path: str) -> bool:
    """True for requests that read only: GET/HEAD, and the analytics query POSTs."""
    method = method.upper()
    if method in SAFE_METHODS:
        return True
    return method == "POST" and READ_ONLY_QUERY_PATH.match(path) is not None


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """Refuses every request that is not a read before it leaves the process, except the OAuth
    token request to exactly the login URL. Wrapping the transport (rather than hiding buttons)
    makes writes impossible for any code path that shares the client."""

    def __init__(self, inner: httpx.AsyncBaseTransport, token_url: str | None = None) -> None:
        self._inner = inner
        self._token_url = httpx.URL(token_url) if token_url else None

    def _is_token_request(self, request: httpx.Request) -> bool:
        url, want = request.url, self._token_url
        return (
            want is not None
            and request.method.upper() == "POST"
            and (url.scheme, url.host, url.port) == (want.scheme, want.host, want.port)
            and url.raw_path.split(b"?", 1)[0] == want.raw_path
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = request.method.upper()
        # The raw (still percent-encoded) path: "/x%2Foauth%2Ftoken" is not "/x/oauth/token".
        raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
        if not (is_read_request(method, raw_path) or self._is_token_request(request)):
            raise ReadOnlyError(
                f"read-only mode: {method} {request.url.path} was refused before sending "
                "(start without --read-only / read_only = false to allow writes)"
            )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def link_reason(exc: httpx.HTTPError) -> str:
    """'connection refused', 'timed out', … from an httpx error, without request details."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc).strip()
    if "] " in text:  # "[Errno 111] Connection refused"
        text = text.split("] ", 1)[1]
    text = text.split("\n", 1)[0][:80]
    return text.lower() or type(exc).__name__
