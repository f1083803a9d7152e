"""What the ``gctui routing`` subcommands share: validate the scoring flags (before any
request), open the org, fetch the dataset with its progress on stderr, score the cohort, and
the closing line (requests made, 429s, wall time). Imported only when a routing subcommand runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gctui.cli import interrupt
from gctui.cli.actions_common import Throttle, say
from gctui.cli.flows_common import Stats
from gctui.errors import EXIT_FAILED, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.routing import Dataset, Interval, QueryProgress, ScoreSettings
    from gctui.services.routing.cohort import Mask


@dataclass(frozen=True)
class ScoreRequest:
    """The scoring flags, validated."""

    interval: Interval
    settings: ScoreSettings
    by: str
    names: tuple[str, ...] | None = None  # --queues
    mask: Mask | None = None  # --filter
    filter_text: str = ""


def settings_for(profile: ResolvedProfile, args: argparse.Namespace | None = None) -> ScoreSettings:
    """``[routing]``, then the profile's saved weights (the tab's), then the flags."""
    from gctui.services.routing import ScoreSettings, parse_weights
    from gctui.services.routing.saved import settings_from_config

    base = settings_from_config(profile.routing, profile.name)
    weights = dict(base.weights)
    if args is not None and getattr(args, "weights", None):
        weights = parse_weights(args.weights)
    normalization = getattr(args, "normalization", None) or base.normalization
    min_offered = getattr(args, "min_offered", None)
    return ScoreSettings(
        weights,
        base.higher_is_better,
        normalization,
        base.min_offered if min_offered is None else min_offered,
    )


def prepare(args: argparse.Namespace, profile: ResolvedProfile) -> ScoreRequest:
    """Every flag checked; a ``GctuiError`` (exit 2) before anything is sent."""
    from gctui.services.routing import compile_filter, parse_interval

    cfg = profile.routing
    spec = args.interval or args.last or cfg.default_interval
    interval = parse_interval(spec, time_zone=cfg.time_zone)
    settings = settings_for(profile, args)
    names = None
    if args.queues is not None:
        names = tuple(n.strip() for n in args.queues.split(",") if n.strip())
        if not names:
            raise GctuiError("--queues: no queue given (ids or names, separated by commas)")
    mask = compile_filter(args.filter) if args.filter is not None else None
    return ScoreRequest(interval, settings, args.by, names, mask, args.filter or "")


class ProgressReporter:
    """The aggregate query's progress on stderr: every job state change, throttled pages."""

    def __init__(self) -> None:
        self.throttle = Throttle()
        self.last_state = ""

    def __call__(self, p: QueryProgress) -> None:
        if p.state != self.last_state and p.state != "paging":
            self.last_state = p.state
            print(f"gctui: routing: {p.summary()}", file=sys.stderr)
        elif p.state == "paging" and self.throttle.due():
            print(f"gctui: routing: {p.summary()}", file=sys.stderr)


async def fetch(session: Session, profile: ResolvedProfile, req: ScoreRequest) -> Dataset:
    from gctui.services.routing import fetch_dataset

    how = "async aggregate job" if req.interval.days > profile.routing.job_threshold_days else "sync query"
    iv = req.interval
    print(f"gctui: routing: {iv.iso()} ({iv.label}, {iv.days:.1f} days) through the {how}", file=sys.stderr)
    return await fetch_dataset(
        session.api,
        req.interval,
        job_threshold_days=profile.routing.job_threshold_days,
        on_progress=ProgressReporter(),
        max_job_seconds=profile.routing.poll_max_seconds,
    )


def cohort_ids(dataset: Dataset, req: ScoreRequest) -> list[str] | None:
    from gctui.services.routing import select_named

    if req.names is not None:
        return select_named(dataset.queues, req.names)
    if req.mask is not None:
        table = dataset.queue_table()
        ids = [str(i) for i in table.index[req.mask(table)]]
        if not ids:
            raise GctuiError(f"--filter {clean(req.filter_text)[:80]!r}: no queue matches")
        return ids
    return None


def scored(dataset: Dataset, req: ScoreRequest) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    from gctui.services.routing import row_records, score_frame

    ids = cohort_ids(dataset, req)
    table = dataset.queue_table(ids) if req.by == "queue" else dataset.method_table(ids, req.by)
    frame = score_frame(table, req.settings)
    return frame, row_records(frame, req.settings, dataset if req.by == "queue" else None, req.by)


Work = Callable[["Session", "ResolvedProfile", ScoreRequest], Awaitable[int]]


def execute(
    args: argparse.Namespace, work: Work, *, before: Callable[[ResolvedProfile], None] | None = None
) -> int:
    """Open the org (``--demo``: the simulator), validate the flags, run ``work``; the closing
    line goes last on stderr whatever happens once a request could have been made."""
    from gctui.cli.profile import open_profile
    from gctui.genesys.errors import GenesysError

    stats = Stats()
    with open_profile(args) as profile:
        if before is not None:
            before(profile)
        req = prepare(args, profile)
        try:
            return interrupt.run(_session(profile, req, stats, work))
        except GctuiError as exc:
            say(exc.message)
            return exc.code
        except GenesysError as exc:
            say(f"the org's analytics could not be read: {clean(exc)}")
            return EXIT_FAILED
        finally:
            if stats.client is not None:
                say(stats.line())


async def _session(profile: ResolvedProfile, req: ScoreRequest, stats: Stats, work: Work) -> int:
    from gctui.genesys.session import Session

    async with Session.create(profile.options) as session:
        stats.client = session.client
        return await work(session, profile, req)
