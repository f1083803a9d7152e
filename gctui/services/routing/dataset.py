"""Everything a score needs, fetched once: the queues and their routing configuration, the
predictors, the aggregate stats per queue and used routing, the live observation counts.

:func:`fetch_dataset` makes the requests; :class:`Dataset` then builds the queue table, the
method table and the scored views from memory (a re-rank never sends anything)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gctui.genesys.api import GenesysApi
from gctui.genesys.models import Queue
from gctui.genesys.models.routing import Predictor
from gctui.services.routing.intervals import Interval
from gctui.services.routing.kpis import RAW, UNKNOWN_ROUTING, bucket_frame, kpis, sum_buckets
from gctui.services.routing.methods import predictors_by_queue, queue_routing
from gctui.services.routing.query import Progress, build_query, run_query
from gctui.text import clean

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

OBSERVATION_METRICS = ("oWaiting", "oInteracting", "oOnQueueUsers")
OBSERVATION_QUEUES_PER_QUERY = 100
LIVE_COLUMNS = ("waiting", "interacting", "onQueue")
GROUPINGS = ("queue", "method", "used")


@dataclass
class Dataset:
    interval: Interval
    queues: pd.DataFrame  # index queueId: name, division, method, methods, skillEvaluation, RAW…, live
    used: pd.DataFrame  # index (queueId, usedRouting): RAW
    mode: str = "sync"  # "sync" | "job"
    job_id: str | None = None

    def queue_table(self, cohort: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per queue of the cohort (None: all): meta, KPIs, live counts."""
        frame = self.queues if cohort is None else self.queues.loc[list(cohort)]
        table = frame[["name", "division", "method", "methods", "skillEvaluation", "predictorState"]].join(
            kpis(frame[list(RAW)])
        )
        return table.join(frame[list(LIVE_COLUMNS)])

    def method_table(self, cohort: Sequence[str] | None = None, by: str = "method") -> pd.DataFrame:
        """One row per routing method: ``method`` (configured) or ``used`` (usedRouting from
        analytics), KPIs from the summed stats of the cohort's queues (volume-weighted)."""
        import pandas as pd

        ids = list(self.queues.index if cohort is None else cohort)
        if by == "used":
            used = self.used[self.used.index.get_level_values(0).isin(ids)]
            raw = used.groupby(level=1, sort=True)[list(RAW)].sum()
            raw.index = raw.index.map(lambda v: v or "(none)")
            queues = used.reset_index().groupby("usedRouting")["queueId"].nunique()
            queues.index = queues.index.map(lambda v: v or "(none)")
        else:
            frame = self.queues.loc[ids]
            raw = frame.groupby("method", sort=True)[list(RAW)].sum()
            queues = frame.groupby("method").size()
        table = kpis(raw)
        table.insert(0, "queues", queues.reindex(table.index).fillna(0).astype("int64"))
        table.insert(0, "name", table.index.astype(str))
        table.index = pd.Index(table.index.astype(str), name=by)
        return table

    def used_routing(self, queue_id: str) -> dict[str, int]:
        """Offered interactions of a queue by usedRouting (analytics), largest first."""
        try:
            rows = self.used.xs(queue_id, level=0)
        except KeyError:
            return {}
        out = {
            (str(k) or "(none)"): int(v)
            for k, v in rows["nOffered"].items()
            if v and str(k) != UNKNOWN_ROUTING
        }
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def queue_frame(
    queues: Sequence[Queue],
    predictors: Sequence[Predictor],
    raw: pd.DataFrame,
    live: dict[str, dict[str, int]],
) -> pd.DataFrame:
    """The per-queue frame: every listed queue (none left out for lack of traffic)."""
    import pandas as pd

    covering = predictors_by_queue(predictors)
    records: list[dict[str, Any]] = []
    for q in queues:
        routing = queue_routing(q, covering.get(q.id))
        counts = live.get(q.id, {})
        records.append(
            {
                "queueId": q.id,
                "name": clean(q.name),
                "division": clean(q.division.name or "") if q.division is not None else "",
                "method": routing.method,
                "methods": ",".join(routing.methods),
                "skillEvaluation": routing.skill_evaluation,
                "predictorState": routing.predictor_state or "",
                **{c: counts.get(c, 0) for c in LIVE_COLUMNS},
            }
        )
    meta = pd.DataFrame.from_records(
        records,
        columns=[
            "queueId",
            "name",
            "division",
            "method",
            "methods",
            "skillEvaluation",
            "predictorState",
            *LIVE_COLUMNS,
        ],
    ).set_index("queueId")
    sums = (
        raw.reindex(meta.index).fillna(0.0)
        if len(raw)
        else pd.DataFrame(0.0, index=meta.index, columns=list(RAW))
    )
    return meta.join(sums[list(RAW)])


def live_counts(results: Any) -> dict[str, dict[str, int]]:
    """queue id -> waiting / interacting / onQueue (oOnQueueUsers over all qualifiers)."""
    out: dict[str, dict[str, int]] = {}
    for r in results:
        queue_id = r.group.get("queueId")
        if not queue_id:
            continue
        counts = out.setdefault(queue_id, {c: 0 for c in LIVE_COLUMNS})
        for m in r.data:
            n = int(m.stats.count or 0)
            if m.metric == "oWaiting":
                counts["waiting"] += n
            elif m.metric == "oInteracting":
                counts["interacting"] += n
            elif m.metric == "oOnQueueUsers":
                counts["onQueue"] += n
    return out


async def fetch_dataset(
    api: GenesysApi,
    interval: Interval,
    *,
    job_threshold_days: float = 7,
    queue_ids: Sequence[str] | None = None,
    on_progress: Progress | None = None,
    max_job_seconds: float = 600,
    live: bool = True,
) -> Dataset:
    """List the queues and predictors, run the aggregate query (a job beyond
    ``job_threshold_days``), read the live observations; ``queue_ids`` narrows the analytics
    filter only (every queue is listed, so names resolve)."""
    body = build_query(interval, queue_ids=queue_ids)  # validated before anything is sent
    use_job = interval.days > job_threshold_days
    queues = [q async for q in api.queues()]
    predictors = await api.predictors()
    results, job_id = await run_query(
        api, body, use_job=use_job, on_progress=on_progress, max_seconds=max_job_seconds
    )
    # 2,000 queues x 30 days is ~0.8 s of Python: off the event loop, so the screen keeps drawing
    buckets = await asyncio.to_thread(bucket_frame, results) if len(results) > 200 else bucket_frame(results)
    raw = sum_buckets(buckets)
    used = sum_buckets(buckets, ("queueId", "usedRouting"))
    counts: dict[str, dict[str, int]] = {}
    if live and queues:
        ids = [q.id for q in queues] if queue_ids is None else list(queue_ids)
        for i in range(0, len(ids), OBSERVATION_QUEUES_PER_QUERY):
            chunk = ids[i : i + OBSERVATION_QUEUES_PER_QUERY]
            resp = await api.queue_observations(
                {
                    "filter": {
                        "type": "or",
                        "predicates": [{"dimension": "queueId", "value": q} for q in chunk],
                    },
                    "metrics": list(OBSERVATION_METRICS),
                }
            )
            for queue_id, c in live_counts(resp.results).items():
                counts[queue_id] = c
    return Dataset(
        interval=interval,
        queues=queue_frame(queues, predictors, raw, counts),
        used=used,
        mode="job" if use_job else "sync",
        job_id=job_id,
    )
