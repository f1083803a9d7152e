"""Loading the Data actions tab: every action (config included) and its execution statistics,
as two jobs of the shared pool; "used by" for one action at a time, cached per id and version."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from gctui.config.models import ActionsConfig
from gctui.genesys.api import GenesysApi
from gctui.genesys.errors import GenesysError
from gctui.genesys.models import Action, Dependency
from gctui.genesys.pool import Job, WorkerPool
from gctui.services.actions.rows import ActionRow, build_rows
from gctui.services.actions.stats import ExecStats, load_stats
from gctui.text import clean

LoadProgressFn = Callable[[int, int], None]  # (pages done, page count) of the action listing
BUILD_CHUNK = 500  # rows built between two yields to the event loop (the UI stays live)
FIRST_CHUNK = 100  # the first rows go to the table after the listing's first page


@dataclass(frozen=True, slots=True)
class Loaded:
    rows: list[ActionRow]
    stats_error: str | None  # statistics could not be read: rows carry none, the tab says why
    loaded_at: datetime


async def load_rows(
    api: GenesysApi,
    pool: WorkerPool,
    settings: ActionsConfig,
    *,
    on_progress: LoadProgressFn | None = None,
    on_rows: Callable[[list[ActionRow]], None] | None = None,
    now: datetime | None = None,
) -> Loaded:
    """List every action and read the statistics concurrently. A listing failure raises (there
    is nothing to show); a statistics failure is reported in ``stats_error``. ``on_rows`` gets
    the rows as the listing's pages come, before the statistics (no executions yet): a table
    can show them at once and take the returned rows when they are complete."""
    end = (now or datetime.now(UTC)).replace(second=0, microsecond=0)

    async def list_all(job: Job[list[Action]]) -> list[Action]:
        def page(done: int, total: int) -> None:
            job.report(done, total, "actions")
            if on_progress is not None:
                on_progress(done, total)

        actions: list[Action] = []
        early = 0  # actions already handed to on_rows
        async for action in api.actions(include_config=True, on_page=page):
            actions.append(action)
            if on_rows is not None and len(actions) - early >= (BUILD_CHUNK if early else FIRST_CHUNK):
                on_rows(build_rows(actions[early:], {}, settings))
                early = len(actions)
        if on_rows is not None and len(actions) > early:
            on_rows(build_rows(actions[early:], {}, settings))
        return actions

    async def stats(job: Job[dict[str, ExecStats]]) -> dict[str, ExecStats]:
        return await load_stats(api.action_aggregates, end, settings.analytics_window_days)

    listing = pool.submit("actions: list", list_all, group="actions-load")
    stats_job = pool.submit("actions: statistics", stats, group="actions-load")
    try:
        actions = await listing.wait()
    except BaseException:
        stats_job.cancel()
        raise
    stats_error: str | None = None
    try:
        by_id = await stats_job.wait()
    except GenesysError as exc:
        by_id, stats_error = {}, clean(exc)
    rows: list[ActionRow] = []
    for start in range(0, len(actions), BUILD_CHUNK):  # ~150 ms at 10k: never in one piece
        rows.extend(build_rows(actions[start : start + BUILD_CHUNK], by_id, settings))
        await asyncio.sleep(0)
    return Loaded(rows, stats_error, end)


def dependency_type(secure: bool) -> str:
    """The dependency-tracking objectType of a data action (reference §5c)."""
    return "SECUREACTION" if secure else "DATAACTION"


class UsedByCache:
    """Flows that use an action, fetched lazily for ONE action at a time (never for all), and
    cached per (action id, version): a new version is looked up again."""

    def __init__(self, api: GenesysApi, flow_filter: str | None = "published") -> None:
        self._api = api
        self._flow_filter = flow_filter or None
        self._cache: dict[tuple[str, int], list[Dependency]] = {}
        self._inflight: dict[tuple[str, int], asyncio.Task[list[Dependency]]] = {}

    def cached(self, action_id: str, version: int) -> list[Dependency] | None:
        return self._cache.get((action_id, version))

    async def get(self, action_id: str, version: int, *, secure: bool) -> list[Dependency]:
        key = (action_id, version)
        if key in self._cache:
            return self._cache[key]
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(action_id, secure))
            self._inflight[key] = task
        try:
            found = await asyncio.shield(task)
        finally:
            if task.done():
                self._inflight.pop(key, None)
        self._cache[key] = found
        return found

    async def _fetch(self, action_id: str, secure: bool) -> list[Dependency]:
        deps = self._api.consuming_resources(
            action_id, dependency_type(secure), flow_filter=self._flow_filter
        )
        return [d async for d in deps]

    def forget(self, action_id: str) -> None:
        for key in [k for k in self._cache if k[0] == action_id]:
            del self._cache[key]
