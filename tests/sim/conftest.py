"""Fixtures: a simulator over loopback (shared read-mostly one, or a fresh one per test)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim.server import SimServer, SimThread

DEMO = ("gctui-demo", "gctui-demo-secret")
RESTRICTED = ("gctui-restricted", "gctui-restricted-secret")


def get_token(base_url: str, creds: tuple[str, str] = DEMO) -> str:
    r = httpx.post(f"{base_url}/oauth/token", data={"grant_type": "client_credentials"}, auth=creds)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture(scope="session")
def shared_sim() -> Iterator[SimThread]:
    """One simulator for tests that do not change the org (default sizes, huge rate limit)."""
    with SimThread(SimConfig(rate_limit=1_000_000, token_rate_limit=10_000)) as sim:
        yield sim


@pytest.fixture(scope="session")
def api(shared_sim: SimThread) -> Iterator[httpx.Client]:
    token = get_token(shared_sim.base_url)
    with httpx.Client(base_url=shared_sim.base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    """A fresh simulator in this test's event loop (tests may change it freely)."""
    async with SimServer(SimConfig(token_rate_limit=1000)) as s:
        yield s


async def async_token(client: httpx.AsyncClient, creds: tuple[str, str] = DEMO) -> str:
    r = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=creds)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture
async def client(sim: SimServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        token = await async_token(c)
        c.headers["Authorization"] = f"Bearer {token}"
        yield c
