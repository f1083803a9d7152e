"""How every command (and the TUI) gets its org: the configured profile, or with --demo the
embedded simulated org started in-process on a free loopback port."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from pydantic import SecretStr

from gctui.config import CliOverrides, ResolvedProfile, load, load_settings, overrides_from_args
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret

DEMO_PROFILE = "demo"


@contextmanager
def open_profile(args: argparse.Namespace, *, require_credentials: bool = True) -> Iterator[ResolvedProfile]:
    """Yield the profile to use; with ``--demo`` the simulator runs for the duration."""
    if getattr(args, "demo", False):
        check_demo_flags(args)
        with demo_profile(overrides_from_args(args)) as profile:
            yield profile
        return
    yield load(overrides_from_args(args), require_credentials=require_credentials)


def check_demo_flags(args: argparse.Namespace) -> None:
    """--demo brings its own org: flags that pick another one would be silently ignored."""
    clash = [
        flag
        for flag, attr in (
            ("--profile", "profile"),
            ("--region", "region"),
            ("--api-url", "api_url"),
            ("--client-id", "client_id"),
        )
        if getattr(args, attr, None)
    ]
    if clash:
        from gctui.errors import EXIT_USAGE, GctuiError

        raise GctuiError(f"--demo runs its own simulated org; drop {', '.join(clash)}", EXIT_USAGE)


@contextmanager
def demo_profile(overrides: CliOverrides | None = None, **sim_overrides: object) -> Iterator[ResolvedProfile]:
    """Start the simulated org on a background thread and yield a profile pointing at it.

    The user's config file still supplies [health], [actions], [routing], [scaling] and [keys] (no
    file is needed), webhooks excepted; --read-only is honoured. Simulator knobs can be passed as
    keyword arguments (seed, actions, ...)."""
    from gctui.sim.config import SimConfig
    from gctui.sim.server import SimThread

    overrides = overrides or CliOverrides()
    settings = load_settings(dataclasses.replace(overrides, profile=None))
    config = dataclasses.replace(SimConfig(), **sim_overrides)  # type: ignore[arg-type]
    with SimThread(config) as sim:
        options = ClientOptions(
            region=resolve_region(sim.base_url),
            client_id=config.client_id,
            client_secret=Secret(config.client_secret),
            read_only=bool(overrides.read_only),
        )
        yield ResolvedProfile(
            name=DEMO_PROFILE,
            options=options,
            # Simulated faults must never page anyone: the demo sends no alert webhook.
            health=settings.health.model_copy(update={"alert_webhook": SecretStr("")}),
            actions=settings.actions,
            # [routing] and [scaling] as configured (weights, thresholds…), but the demo posts to
            # nobody's BI or scaler: its simulated numbers go to the simulator's own receiver.
            routing=settings.routing.model_copy(update={"webhook_url": SecretStr(""), "webhook_headers": {}}),
            scaling=settings.scaling.model_copy(update={"webhook_url": SecretStr(""), "webhook_headers": {}}),
            keys=settings.keys,
            source_path=settings.source_path,
        )


class DemoSource:
    """Starts the embedded simulated org on a free loopback port when opened."""

    label = "demo"

    def __init__(self, args: argparse.Namespace | None = None, **sim_overrides: object) -> None:
        self._args = args
        self._sim_overrides = sim_overrides
        self._stack = ExitStack()

    def open(self) -> ResolvedProfile:
        from gctui.config import CliOverrides, overrides_from_args

        overrides = overrides_from_args(self._args) if self._args is not None else CliOverrides()
        return self._stack.enter_context(demo_profile(overrides, **self._sim_overrides))

    def close(self) -> None:
        self._stack.close()
