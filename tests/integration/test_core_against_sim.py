"""The API core against the simulated org over loopback: what a real session would do."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest

from gctui.genesys.client import GenesysClient
from gctui.genesys.errors import BadRequestError, ConflictError, ForbiddenError, TransportError
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.genesys.session import Session
from gctui.sim import SimConfig
from gctui.sim.server import SimServer


def options(sim: SimServer, **kw: object) -> ClientOptions:
    base = ClientOptions(
        region=resolve_region(sim.base_url),
        client_id="gctui-demo",
        client_secret=Secret("gctui-demo-secret"),
        backoff_base=0.01,
        backoff_max=0.05,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(actions=1000, rate_limit=100_000, token_rate_limit=1000)) as s:
        yield s


async def test_lists_every_action_in_order_and_patches_with_versions(sim: SimServer) -> None:
    async with Session.create(options(sim)) as s:
        actions = [a async for a in s.api.actions()]
        assert len(actions) == 1000 and len({a.id for a in actions}) == 1000
        target = actions[0]
        current = await s.api.action(target.id)
        updated = await s.api.patch_action(
            target.id, {"version": current.version, "config": {"timeoutSeconds": 45}}
        )
        assert updated.version == current.version + 1
        assert updated.config is not None and updated.config.timeout_seconds == 45
        with pytest.raises(ConflictError) as info:
            await s.api.patch_action(target.id, {"version": current.version, "config": {"timeoutSeconds": 9}})
        assert info.value.context_id  # the correlation id the user quotes to support
        with pytest.raises(BadRequestError) as bad:
            await s.api.patch_action(
                target.id, {"version": updated.version, "config": {"timeoutSeconds": 61}}
            )
        assert "timeoutSeconds" in str(bad.value)


async def test_lost_response_of_an_applied_write_is_reported_not_resent(sim: SimServer) -> None:
    async with Session.create(options(sim)) as s:
        action = await s.api.action((await anext(s.api.actions())).id)
        sim.control.script_fault(
            "PATCH", f"/api/v2/integrations/actions/{action.id}", status="drop", count=1, when="after"
        )
        with pytest.raises(TransportError) as info:
            await s.api.patch_action(action.id, {"version": action.version, "config": {"timeoutSeconds": 30}})
        assert info.value.maybe_applied
        after = await s.api.action(action.id)
        assert after.version == action.version + 1  # it was applied exactly once


async def test_restricted_client_sees_missing_permissions(sim: SimServer) -> None:
    opts = options(sim, client_id="gctui-restricted", client_secret=Secret("gctui-restricted-secret"))
    async with Session.create(opts) as s:
        action = await anext(s.api.actions())
        with pytest.raises(ForbiddenError) as info:
            await s.api.patch_action(action.id, {"version": action.version, "config": {"timeoutSeconds": 5}})
        assert info.value.code == "missing.any.permissions"


async def test_pacing_against_the_real_limit_sends_no_429() -> None:
    cfg = SimConfig(rate_limit=30, rate_window=2.0, token_rate_limit=1000)
    async with SimServer(cfg) as sim:
        client = GenesysClient(options(sim, rate_limit_window=2.0))
        try:
            await asyncio.gather(*(client.get_json("/api/v2/organizations/me") for _ in range(70)))
            assert client.governor.limit == 30 and client.governor.source == "limits API"
            assert sim.control.stats()["rateLimited"] == 0
            assert client.governor.status().throttled == 0
        finally:
            await client.aclose()


async def test_a_429_from_the_server_is_waited_out() -> None:
    cfg = SimConfig(rate_limit=5, rate_window=1.0, token_rate_limit=1000)
    async with SimServer(cfg) as sim:
        # The client believes the limit is 1000/s (limits API not read), so the server says 429.
        client = GenesysClient(options(sim, rate_limit_fallback=1000, rate_limit_window=1.0))
        client._limits = asyncio.get_running_loop().create_future()
        client._limits.set_result(None)
        try:
            await asyncio.gather(*(client.get_json("/api/v2/organizations/me") for _ in range(12)))
            status = client.governor.status()
            assert status.throttled >= 1 and sim.control.stats()["rateLimited"] >= 1
            assert (
                status.last_limit is not None
                and status.last_limit.key == "client.credentials.token.rate.per.minute"
            )
        finally:
            await client.aclose()
