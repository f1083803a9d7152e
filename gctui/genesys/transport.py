"""Transport rules that hold for every request the process makes, whoever makes it.

Two guards wrap the transports of the clients a session owns, so a rule holds for any code path
that reaches the client object (``client.http``, ``client._login_http``, ``tokens._http``):

* :class:`TokenOnlyTransport` (the login client, in every mode): exactly one request may leave,
  ``POST`` to the exact token URL, without a query string.
* :class:`ReadOnlyTransport` (the API client, read-only mode): GET/HEAD and the analytics
  ``…/aggregates|observations/query`` POSTs to the org's API base, and the conversation aggregate
  jobs' submit/delete; nothing else.
"""

from __future__ import annotations

import abc
import re

import httpx

from gctui.genesys.errors import ReadOnlyError

SAFE_METHODS = frozenset({"GET", "HEAD"})
# Analytics queries are POSTs that read and change nothing (…/aggregates/query,
# …/observations/query). Read-only mode would be useless during an incident without them, so
# exactly these are let through. Data-action tests and executes are NOT: they run a backend.
READ_ONLY_QUERY_PATH = re.compile(r"/api/v2/analytics/[a-z]+(?:/[a-z]+)?/(?:aggregates|observations)/query")
# The async conversation aggregate jobs (analytics reference §2.1) read the same data as the sync
# query: submitting one (POST …/jobs) and deleting one (DELETE …/jobs/{jobId}: cancel, or free its
# results) change nothing in the org, so read-only mode lets exactly these two through as well.
AGGREGATE_JOBS_PATH = "/api/v2/analytics/conversations/aggregates/jobs"
AGGREGATE_JOB_PATH = re.compile(r"/api/v2/analytics/conversations/aggregates/jobs/[A-Za-z0-9._~%-]+")


class LoginOnlyError(ReadOnlyError):
    """The login client was asked to send something other than the token request; nothing left."""


def is_read_request(method: str, path: str) -> bool:
    """True for requests that read only: GET/HEAD, and the analytics query POSTs."""
    method = method.upper()
    if method in SAFE_METHODS:
        return True
    return method == "POST" and READ_ONLY_QUERY_PATH.fullmatch(path) is not None


def is_read_only_allowed(method: str, path: str) -> bool:
    """What read-only mode lets through: the reads, plus submitting and deleting an analytics
    aggregate job (they read; see :data:`AGGREGATE_JOB_PATH`). Not used for retries: a job POST is
    not idempotent."""
    if is_read_request(method, path):
        return True
    method = method.upper()
    if method == "POST":
        return path == AGGREGATE_JOBS_PATH
    return method == "DELETE" and AGGREGATE_JOB_PATH.fullmatch(path) is not None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port made explicit."""
    port = url.port if url.port is not None else {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, port


def _raw_path(url: httpx.URL) -> str:
    """The path as sent (still percent-encoded: "/x%2Foauth%2Ftoken" is not "/x/oauth/token")."""
    return url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


class _Guard(httpx.AsyncBaseTransport, abc.ABC):
    """Lets a request through to ``inner`` only when :meth:`allows` says so."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, close_inner: bool = True) -> None:
        self._inner = inner
        self._close_inner = close_inner

    @abc.abstractmethod
    def allows(self, request: httpx.Request) -> bool:
        """True when ``request`` may leave the process."""

    @abc.abstractmethod
    def refusal(self, request: httpx.Request) -> ReadOnlyError:
        """The error raised for a request that may not leave (says nothing was sent)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.allows(request):
            raise self.refusal(request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._close_inner:
            await self._inner.aclose()


class TokenOnlyTransport(_Guard):
    """The login client's transport: ``POST`` to exactly ``token_url`` (same scheme, host, port
    and raw path, no query string) is the one request it sends, in every mode."""

    def __init__(self, inner: httpx.AsyncBaseTransport, token_url: str, *, close_inner: bool = True) -> None:
        super().__init__(inner, close_inner=close_inner)
        self.token_url = httpx.URL(token_url)

    def allows(self, request: httpx.Request) -> bool:
        url, want = request.url, self.token_url
        return (
            request.method.upper() == "POST"
            and _origin(url) == _origin(want)
            and url.raw_path == want.raw_path  # raw_path carries the query: none is allowed
        )

    def refusal(self, request: httpx.Request) -> ReadOnlyError:
        return LoginOnlyError(
            f"the login client only sends POST {self.token_url}; {request.method} "
            f"{request.url.host}{_raw_path(request.url)} was refused before sending"
        )


class ReadOnlyTransport(_Guard):
    """Refuses every request that is not a read of the org's API before it leaves the process.
    Wrapping the transport (rather than hiding buttons) makes writes impossible for any code
    path that shares the client. The token request never goes through here: the login client
    (:class:`TokenOnlyTransport`) sends it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, api_base: str, *, close_inner: bool = True) -> None:
        super().__init__(inner, close_inner=close_inner)
        base = httpx.URL(api_base)
        self._origin = _origin(base)
        self._prefix = _raw_path(base).rstrip("/")

    def _api_path(self, url: httpx.URL) -> str | None:
        """The path below the API base ("/api/v2/…"), or None for anything outside it."""
        if _origin(url) != self._origin:
            return None
        path = _raw_path(url)
        if not path.startswith(self._prefix + "/"):
            return None
        return path[len(self._prefix) :]

    def allows(self, request: httpx.Request) -> bool:
        path = self._api_path(request.url)
        return path is not None and is_read_only_allowed(request.method, path)

    def refusal(self, request: httpx.Request) -> ReadOnlyError:
        return ReadOnlyError(
            f"read-only mode: {request.method} {request.url.host}{_raw_path(request.url)} was refused "
            "before sending (start without --read-only / read_only = false to allow writes)"
        )


def link_reason(exc: httpx.HTTPError) -> str:
    """'connection refused', 'timed out', … from an httpx error, without request details."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc).strip()
    if "] " in text:  # "[Errno 111] Connection refused"
        text = text.split("] ", 1)[1]
    text = text.split("\n", 1)[0][:80]
    return text.lower() or type(exc).__name__
