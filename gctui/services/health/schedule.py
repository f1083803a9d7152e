"""The health monitor on the one poller, and the history store opened in one place."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gctui.services.health.monitor import HealthMonitor
from gctui.services.health.store import HistoryStore, default_history_path, history_scope
from gctui.services.poller import Poller

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile


def health_poller(
    monitor: HealthMonitor,
    interval: float,
    *,
    blocked: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Poller:
    """A :class:`Poller` running ``monitor`` every ``interval`` seconds (ValueError outside
    5..3600). A due run waits while the rate governor holds the token's requests (a 429's
    Retry-After, or a full window): the poller's ``late`` says by how much."""
    governor = monitor.session.client.governor

    def hold() -> float:
        status = governor.status()
        return max(status.held_for, status.slot_free_in)

    return Poller(
        monitor.poll,
        interval=interval,
        blocked=blocked or (lambda: False),
        hold=hold,
        clock=clock,
        sleep=sleep,
        name="gctui-health",
    )


def open_history(
    path: Path | None, profile: ResolvedProfile, *, strict: bool = False
) -> tuple[HistoryStore | None, str | None]:
    """The profile's history store at ``path`` (default: the platform data dir), checked; or
    (None, why) when it cannot be used: probes then run without history (a corrupt or truncated
    file must not stop a cron monitor). ``strict``: a file that cannot be created at all (an
    OSError: no such directory, no permission) is raised instead."""
    target = path or default_history_path()
    opts = profile.options
    scope = history_scope(profile.name, opts.region.api_base, opts.client_id)
    store: HistoryStore | None = None
    try:
        store = HistoryStore(target, scope=scope)
        store.count()  # reads a page of the table: a truncated file fails here, not mid-run
        return store, None
    except (OSError, sqlite3.Error) as exc:
        if store is not None:
            store.close()
        if strict and isinstance(exc, OSError):
            raise
        return None, f"probe history disabled: cannot use {target}: {exc}"
