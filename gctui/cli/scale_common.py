"""What the ``gctui scale`` subcommands share: the profile, the store, the session, the fresh
samples, and the one line saying how much history the forecast used."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gctui.cli import interrupt
from gctui.cli.actions_common import journal_scope, say
from gctui.errors import EXIT_FAILED, EXIT_USAGE, GctuiError
from gctui.text import clean, duration

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.scaling import ScalingService, ScalingStore, ScalingView

MAX_SAMPLES = 60


@dataclass
class Context:
    args: argparse.Namespace
    profile: ResolvedProfile
    session: Session
    service: ScalingService
    view: ScalingView
    stored: int  # sample rows of this profile in the store before this run
    fresh: int  # samples this run took


Work = Callable[[Context], Awaitable[int]]


def check_sampling(args: argparse.Namespace) -> None:
    samples = getattr(args, "samples", None)
    if samples is not None and not 0 <= samples <= MAX_SAMPLES:
        raise GctuiError(f"--samples {samples} is out of range (0-{MAX_SAMPLES})", EXIT_USAGE)
    spacing = getattr(args, "spacing", None)
    if spacing is not None and not 0 <= spacing <= 60:
        raise GctuiError(f"--spacing {spacing:g} is out of range (0-60 seconds)", EXIT_USAGE)


def open_store(profile: ResolvedProfile) -> ScalingStore:
    import sqlite3

    from gctui.services.scaling import ScalingStore, default_store_path

    path = default_store_path()
    try:
        return ScalingStore(path, journal_scope(profile))
    except (OSError, sqlite3.Error) as exc:
        raise GctuiError(f"cannot open the scaling history {path}: {exc}; nothing sent", EXIT_USAGE) from None


def execute(args: argparse.Namespace, work: Work) -> int:
    """Open the org (``--demo``: the simulator) and the store, sample, compute, run ``work``."""
    from gctui.cli.profile import open_profile
    from gctui.genesys.errors import GenesysError

    check_sampling(args)
    with open_profile(args) as profile:
        _check_thresholds(profile)
        store = open_store(profile)
        try:
            return interrupt.run(_session(args, profile, store, work))
        except GenesysError as exc:
            say(f"the org's capacity could not be read: {clean(exc)}")
            return EXIT_FAILED
        finally:
            store.close()


def _check_thresholds(profile: ResolvedProfile) -> None:
    """The matrix is validated when the config loads; say so again for a matrix built in code."""
    from gctui.services.scaling import ThresholdError, ThresholdMatrix

    try:
        ThresholdMatrix.parse(profile.scaling.thresholds.model_dump())
    except ThresholdError as exc:
        raise GctuiError(f"[scaling.thresholds] {exc}; nothing sent", EXIT_USAGE) from None


async def _session(
    args: argparse.Namespace, profile: ResolvedProfile, store: ScalingStore, work: Work
) -> int:
    from gctui.genesys.session import Session
    from gctui.services.scaling import ScalingService, ThresholdError

    config = profile.scaling
    samples = args.samples if getattr(args, "samples", None) is not None else config.cli_samples
    spacing = (
        args.spacing if getattr(args, "spacing", None) is not None else config.cli_sample_spacing_seconds
    )
    async with Session.create(profile.options) as session:
        service = ScalingService(
            session.api, config, store, profile=profile.name, read_only=profile.options.read_only
        )
        stored = store.sample_count()
        store.prune(config.retention_days)
        for i in range(samples):
            if i and spacing:
                await asyncio.sleep(spacing)
            await service.sample()
        try:
            view = await service.refresh()  # one more sample, with the queues' load
        except ThresholdError as exc:
            raise GctuiError(f"[scaling.thresholds] {exc}; nothing sent", EXIT_USAGE) from None
        ctx = Context(args, profile, session, service, view, stored, samples + 1)
        say(history_line(ctx))
        return await work(ctx)


def history_line(ctx: Context) -> str:
    view = ctx.view
    window = ctx.profile.scaling.history_window_minutes * 60
    earlier = max(0, view.history_points - ctx.fresh)
    return (
        f"scale: forecast from {view.history_points} samples per resource over "
        f"{duration(view.history_seconds)} ({ctx.fresh} taken now, {earlier} stored earlier; "
        f"window {duration(window)}), horizon {duration(view.horizon_seconds)}, "
        f"model {ctx.profile.scaling.model}"
    )
