"""Which of some data actions have a timeout at risk: what the Flows tab's problems and
``gctui flows problems`` need, without listing every action of the org.

The actions are read by id (one GET per 50), their execution statistics with the one
aggregate query pair the Data actions tab uses, and each is judged by the same rule
(:func:`gctui.services.actions.rows.build_row`): a flow problem says exactly what the Data
actions tab says of the action.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from gctui.config.models import ActionsConfig
from gctui.genesys.api import GenesysApi
from gctui.genesys.models.integrations import ActionWithConfig
from gctui.genesys.pool import Job, WorkerPool
from gctui.services.actions.rows import build_rows
from gctui.services.actions.stats import ExecStats, load_stats

GROUP = "actions-risk"


async def at_risk_actions(
    api: GenesysApi,
    pool: WorkerPool,
    settings: ActionsConfig,
    action_ids: Iterable[str],
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """Action id → why its timeout is at risk, for those of ``action_ids`` that are. Ids the org
    no longer has are left out (the flows graph reports those as missing)."""
    ids = list(dict.fromkeys(action_ids))
    if not ids:
        return {}
    end = (now or datetime.now(UTC)).replace(second=0, microsecond=0)

    async def read(job: Job[list[ActionWithConfig]]) -> list[ActionWithConfig]:
        return await api.actions_by_ids(ids)

    async def stats(job: Job[dict[str, ExecStats]]) -> dict[str, ExecStats]:
        return await load_stats(api.action_aggregates, end, settings.analytics_window_days)

    jobs: list[Job[Any]] = [
        pool.submit("actions: read for risk", read, group=GROUP),
        pool.submit("actions: statistics for risk", stats, group=GROUP),
    ]
    try:
        actions, by_id = [await j.wait() for j in jobs]
    except BaseException:
        for j in jobs:
            j.cancel()
        raise
    return {r.id: r.risk_reason for r in build_rows(actions, by_id, settings) if r.risk}
