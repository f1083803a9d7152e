"""Where the app's org comes from. Opening may block (the demo starts the simulator), so the
app calls it from a thread worker after the first frame is drawn."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from typing import Protocol

from gctui.config import ResolvedProfile


class ProfileSource(Protocol):
    label: str

    def open(self) -> ResolvedProfile: ...

    def close(self) -> None: ...


class StaticSource:
    """An already-resolved profile (config file / env / flags, validated before start-up)."""

    def __init__(self, profile: ResolvedProfile) -> None:
        self.profile = profile
        self.label = profile.name

    def open(self) -> ResolvedProfile:
        return self.profile

    def close(self) -> None:
        return None


class DemoSource:
    """Starts the embedded simulated org on a free loopback port when opened."""

    label = "demo"

    def __init__(self, args: argparse.Namespace | None = None, **sim_overrides: object) -> None:
        self._args = args
        self._sim_overrides = sim_overrides
        self._stack = ExitStack()

    def open(self) -> ResolvedProfile:
        from gctui.cli.profile import demo_profile
        from gctui.config import CliOverrides, overrides_from_args

        overrides = overrides_from_args(self._args) if self._args is not None else CliOverrides()
        return self._stack.enter_context(demo_profile(overrides, **self._sim_overrides))

    def close(self) -> None:
        self._stack.close()
