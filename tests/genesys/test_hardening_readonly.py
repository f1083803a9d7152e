"""Issue 8, items 1-2: every client object a session owns holds its rules against an attacker.

The login client sends exactly one thing (POST to the exact token URL), in every mode; in
read-only mode the API client sends only GET/HEAD and the analytics query POSTs to the API.
A loopback "witness" server records every TCP connection, so "refused" means nothing reached
any server, not merely that an exception was raised."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from gctui.genesys.errors import ReadOnlyError
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.genesys.session import Session
from gctui.services.health.webhook import WebhookNotifier

TOKEN_BODY = b'{"access_token": "tok", "token_type": "bearer", "expires_in": 3600}'


class Witness:
    """A loopback HTTP server that counts connections and request lines and answers 200."""

    def __init__(self) -> None:
        self.connections = 0
        self.lines: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Witness:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        self.lines.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
        length = next(
            (int(h.split(b":", 1)[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")),
            0,
        )
        if length:
            await reader.readexactly(length)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(TOKEN_BODY)}\r\n\r\n".encode()
            + TOKEN_BODY
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def witness() -> AsyncIterator[Witness]:
    async with Witness() as w:
        yield w


@pytest.fixture
async def other() -> AsyncIterator[Witness]:
    """A second server on another port (a look-alike login host)."""
    async with Witness() as w:
        yield w


def _options(base: str, read_only: bool) -> ClientOptions:
    return ClientOptions(
        region=resolve_region(base),
        client_id="cid",
        client_secret=Secret("s3cr3t"),
        read_only=read_only,
        max_retries=0,
        request_timeout=2.0,
        connect_timeout=2.0,
    )


def _client_objects(session: Session) -> dict[str, httpx.AsyncClient]:
    """Every httpx client the session owns."""
    client = session.client
    owned = {"client.http": client.http, "client._login_http": client._login_http, "tokens._http": client.tokens._http}
    # If a new client object appears on the session, this test must learn about it.
    found = {id(v) for v in vars(client).values() if isinstance(v, httpx.AsyncClient)}
    found |= {id(v) for v in vars(client.tokens).values() if isinstance(v, httpx.AsyncClient)}
    assert found <= {id(c) for c in owned.values()}
    return owned


def _attacks(base: str, other_base: str) -> list[tuple[str, str]]:
    token = f"{base}/oauth/token"
    host_port = base.removeprefix("http://")
    return [
        ("PATCH", f"{base}/api/v2/integrations/actions/a1"),
        ("PUT", f"{base}/api/v2/routing/queues/q1"),
        ("DELETE", f"{base}/api/v2/flows/f1"),
        ("POST", f"{base}/api/v2/integrations/actions/a1/execute"),
        ("OPTIONS", f"{base}/api/v2/organizations/me"),
        ("PATCH", token),
        ("PUT", token),
        ("DELETE", token),
        ("OPTIONS", token),
        ("POST", f"{base}/oauth/token/../x"),
        ("POST", f"{base}/oauth/token/"),
        ("POST", f"{base}/oauth%2Ftoken"),
        ("POST", f"{base}/x%2F..%2Foauth%2Ftoken"),
        ("POST", f"{token}?grant_type=client_credentials"),
        ("POST", f"{token}?"),
        ("POST", f"{other_base}/oauth/token"),
        ("POST", f"https://{host_port}/oauth/token"),
        ("POST", f"http://localhost:{host_port.rsplit(':', 1)[1]}/oauth/token"),
        ("POST", f"{base}/api/v2/analytics/conversations/aggregates/query/../../../../users/u1"),
        ("POST", f"{other_base}/api/v2/analytics/conversations/aggregates/query"),
    ]


ATTACK_IDS = [f"{m} {i}" for i, (m, _) in enumerate(_attacks("http://h:1", "http://h:2"))]


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "read-write"])
@pytest.mark.parametrize("index", range(len(ATTACK_IDS)), ids=ATTACK_IDS)
async def test_the_login_client_sends_nothing_but_the_token_post(
    witness: Witness, other: Witness, read_only: bool, index: int
) -> None:
    method, url = _attacks(witness.base, other.base)[index]
    async with Session.create(_options(witness.base, read_only)) as session:
        for name in ("client._login_http", "tokens._http"):
            with pytest.raises(ReadOnlyError, match="login client only sends POST"):
                await _client_objects(session)[name].request(method, url, data={"grant_type": "x"})
            assert (witness.connections, other.connections) == (0, 0), f"{name}: {method} {url} was sent"


@pytest.mark.parametrize("index", range(len(ATTACK_IDS)), ids=ATTACK_IDS)
async def test_read_only_api_client_refuses_every_write_and_every_other_host(
    witness: Witness, other: Witness, index: int
) -> None:
    method, url = _attacks(witness.base, other.base)[index]
    async with Session.create(_options(witness.base, read_only=True)) as session:
        with pytest.raises(ReadOnlyError, match="read-only mode"):
            await session.client.http.request(method, url, json={})
    assert (witness.connections, other.connections) == (0, 0)


async def test_the_exact_token_post_and_reads_still_reach_the_server(witness: Witness) -> None:
    """The positive control: the witness does see what is allowed (so the tests above can fail)."""
    async with Session.create(_options(witness.base, read_only=True)) as session:
        await session.client.tokens.get_token()
        await session.client.http.get("/api/v2/organizations/me")
        await session.client.http.head("/api/v2/tokens/me")
        await session.client.http.post("/api/v2/analytics/queues/observations/query", json={})
    assert witness.lines == [
        "POST /oauth/token HTTP/1.1",
        "GET /api/v2/organizations/me HTTP/1.1",
        "HEAD /api/v2/tokens/me HTTP/1.1",
        "POST /api/v2/analytics/queues/observations/query HTTP/1.1",
    ]


async def test_options_is_refused_in_read_only_by_request_too(witness: Witness) -> None:
    async with Session.create(_options(witness.base, read_only=True)) as session:
        with pytest.raises(ReadOnlyError):
            await session.client.request("OPTIONS", "/api/v2/organizations/me")
    assert witness.lines == []


async def test_read_only_allows_analytics_reads_below_a_proxy_path(witness: Witness) -> None:
    """A base URL with a path (a proxy): the analytics read is judged on the path below it."""
    async with Session.create(_options(witness.base + "/genesys", read_only=True)) as session:
        await session.client.http.post("/api/v2/analytics/queues/observations/query", json={})
        with pytest.raises(ReadOnlyError):
            await session.client.http.post(f"{witness.base}/api/v2/analytics/queues/observations/query")
    assert witness.lines == ["POST /genesys/api/v2/analytics/queues/observations/query HTTP/1.1"]


async def test_request_never_sends_the_bearer_to_an_absolute_url(witness: Witness, other: Witness) -> None:
    from gctui.genesys.errors import ConfigurationError

    async with Session.create(_options(witness.base, read_only=False)) as session:
        for path in (f"{other.base}/api/v2/users/me", f"//127.0.0.1:{other.port}/api/v2/users/me"):
            with pytest.raises(ConfigurationError):
                await session.client.request("GET", path)
    assert other.connections == 0


async def test_the_users_own_webhook_still_posts_in_read_only(witness: Witness) -> None:
    """Decision: webhooks go to the user's own systems, not the org, so read-only lets them post."""
    async with Session.create(_options(witness.base, read_only=True)):
        await WebhookNotifier(f"{witness.base}/hooks/alerts").send({"probe": "org"})
    assert witness.lines == ["POST /hooks/alerts HTTP/1.1"]

