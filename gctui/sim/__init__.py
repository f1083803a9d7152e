"""Embedded simulated Genesys Cloud org (``gctui sim``, ``gctui --demo``, end-to-end tests, benches).

Shares nothing with :mod:`gctui.genesys`: both follow the API reference independently, so a
mistake in one is caught by the other. Heavy imports (starlette, uvicorn) happen in
:mod:`gctui.sim.server` only.
"""

from __future__ import annotations

from gctui.sim.config import SimConfig, SimConfigError

__all__ = ["SimConfig", "SimConfigError", "SimServer", "SimThread"]


def __getattr__(name: str) -> object:
    if name in ("SimServer", "SimThread"):
        from gctui.sim import server

        return getattr(server, name)
    raise AttributeError(name)
