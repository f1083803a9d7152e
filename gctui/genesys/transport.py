"""Transport rules that hold for every request the process makes, whoever makes it."""

from __future__ import annotations

import re

import httpx

from gctui.genesys.errors import ReadOnlyError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_PATH_SUFFIX = "/oauth/token"  # noqa: S105 - a path
# Analytics queries are POSTs that read and change nothing (…/aggregates/query,
# …/observations/query). Read-only mode would be useless during an incident without them, so
# exactly these are let through. Data-action tests and executes are NOT: they run a backend.
READ_ONLY_QUERY_PATH = re.compile(r"^/api/v2/analytics/[a-z]+(?:/[a-z]+)?/(?:aggregates|observations)/query$")


def is_read_request(method: str, path: str) -> bool:
    """True for requests read-only mode lets through."""
    method = method.upper()
    if method in SAFE_METHODS:
        return True
    return method == "POST" and (
        path.endswith(TOKEN_PATH_SUFFIX) or READ_ONLY_QUERY_PATH.match(path) is not None
    )


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """Refuses every non-GET/HEAD request before it leaves the process, except the OAuth token
    request. Wrapping the transport (rather than hiding buttons) makes writes impossible for any
    code path that shares the client."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = request.method.upper()
        if not is_read_request(method, request.url.path):
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
