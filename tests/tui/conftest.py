"""Pilot fixtures: the real app against an in-process simulator on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gctui.config import ResolvedProfile
from gctui.config.models import HealthConfig
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp

SECRET = "gctui-demo-secret"


class SimSource:
    """A profile pointing at a simulator the test controls."""

    label = "test"

    def __init__(self, base_url: str, *, read_only: bool = False, secret: str = SECRET, **options: Any) -> None:
        self.profile = ResolvedProfile(
            name="test",
            options=ClientOptions(
                region=resolve_region(base_url),
                client_id="gctui-demo",
                client_secret=Secret(secret),
                read_only=read_only,
                backoff_base=0.01,
                backoff_max=0.05,
                **options,
            ),
            health=HealthConfig(),
        )

    def open(self) -> ResolvedProfile:
        return self.profile

    def close(self) -> None:
        return None


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimConfig(token_rate_limit=1000, rate_limit=100_000)) as s:
        yield s


def make_app(sim: SimServer, tmp_path: Path, **kwargs: Any) -> GctuiApp:
    read_only = kwargs.pop("read_only", False)
    keymap = kwargs.pop("keymap", None)
    secret = kwargs.pop("secret", SECRET)
    source = SimSource(sim.base_url, read_only=read_only, secret=secret, **kwargs)
    return GctuiApp(
        source,
        keymap=keymap,
        read_only=read_only,
        export_dir=tmp_path / "exports",
        history_path=tmp_path / "health.sqlite3",
    )


async def wait_for(pilot: Any, predicate: Any, timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def cells(app: GctuiApp, probe: str) -> list[str]:
    from gctui.tui.widgets.dataview import plain

    table = app.query_one("#probes")
    return [plain(c) for c in table.get_row(probe)]


__all__ = ["SECRET", "SimSource", "cells", "dataclasses", "make_app", "wait_for"]
