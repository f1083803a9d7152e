"""The conversation aggregate query of a score, validated before it is sent, and how it is run:
the sync query for short intervals, an async aggregate job for long ones (§2.1): submit, poll with
back-off, page the results by cursor, delete the job when cancelled or abandoned."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gctui.errors import EXIT_FAILED, EXIT_USAGE, GctuiError
from gctui.genesys.api import GenesysApi
from gctui.genesys.models import AggregateResult
from gctui.services.routing.intervals import Interval
from gctui.services.routing.kpis import METRICS
from gctui.text import clean

# ConversationAggregationQuery metric names (analytics reference §1.4, 82 names)
AGGREGATE_METRICS = frozenset(
    """nAgentDeclined nAlertExpired nBlindTransferred nBotInteractions nCallbackAttempts
    nCallbackOverSla nCallbackScheduled nCfcOffered nCobrowseSessions nConnected nConsult
    nConsultTransferred nConversations nError nOffered nOutbound nOutboundAbandoned
    nOutboundAttempted nOutboundConnected nOverSla nStateTransitionError nTakeover nTransferred
    oAudioMessageCount oCallbackServiceLevel oExternalAudioMessageCount oExternalMediaCount
    oMediaCount oMessageCount oMessageSegmentCount oMessageTurn oServiceLevel oServiceTarget
    oSkillExpressionApplications tAbandon tAcd tActiveCallback tActiveCallbackComplete tAcw
    tAgentResponseTime tAgentVideoConnected tAlert tAnswered tAverageAgentResponseTime
    tAverageCustomerResponseTime tBarging tCallbackAbandon tCallbackConnect tCallbackNotReached
    tCallbackVirtualWait tCfcAbandon tCfcAcd tCfcAnswered tCfcFlowOut tCoaching tCoachingComplete
    tConnected tContacting tDialing tFirstConnect tFirstDial tFirstEngagement tFirstResponse
    tFlowOut tHandle tHeld tHeldComplete tIvr tMonitoring tMonitoringComplete tNotResponding tPark
    tParkComplete tScreenMonitoring tShortAbandon tSnippetRecord tTalk tTalkComplete
    tTransmitting tUserResponseTime tVoicemail tWait""".split()
)
GROUP_BY = ("queueId", "usedRouting")
QUEUE_PREDICATES_MAX = 100  # more named queues than this: no filter, the rest is dropped locally
POLL_FIRST = 0.25  # seconds before the first status poll; then x1.6 up to POLL_MAX
POLL_MAX = 5.0


class JobFailedError(GctuiError):
    """The aggregate job ended FAILED, CANCELLED or EXPIRED, or took too long (it was deleted)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_FAILED)


@dataclass(frozen=True, slots=True)
class QueryProgress:
    mode: str  # "sync" | "job"
    state: str  # "sending", a job state (QUEUED, PENDING, FULFILLED…), "paging", "done"
    pages: int = 0
    results: int = 0
    elapsed: float = 0.0
    job_id: str | None = None

    def summary(self) -> str:
        if self.mode == "sync":
            return f"aggregate query: {self.state}"
        text = f"aggregate job {self.state.lower()}"
        if self.pages:
            text += f", {self.pages} page{'s' * (self.pages != 1)} ({self.results} groups)"
        return f"{text}, {self.elapsed:.1f} s"


Progress = Callable[[QueryProgress], None]


def build_query(
    interval: Interval, metrics: Sequence[str] = METRICS, queue_ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """The ConversationAggregationQuery body; ``GctuiError`` (exit 2) for an unknown metric."""
    unknown = [m for m in metrics if m not in AGGREGATE_METRICS]
    if unknown:
        raise GctuiError(
            f"unknown aggregate metric {', '.join(repr(clean(m)[:40]) for m in unknown)} "
            "(see ConversationAggregationQuery metrics, e.g. nOffered, tAnswered)",
            EXIT_USAGE,
        )
    body: dict[str, Any] = {
        "interval": interval.iso(),
        "timeZone": interval.time_zone,
        "groupBy": list(GROUP_BY),
        "metrics": list(metrics),
    }
    if (granularity := interval.granularity()) is not None:
        body["granularity"] = granularity
    if queue_ids and len(queue_ids) <= QUEUE_PREDICATES_MAX:
        body["filter"] = {
            "type": "or",
            "predicates": [{"dimension": "queueId", "value": q} for q in queue_ids],
        }
    return body


async def run_query(
    api: GenesysApi,
    body: dict[str, Any],
    *,
    use_job: bool,
    on_progress: Progress | None = None,
    max_seconds: float = 600,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> tuple[list[AggregateResult], str | None]:
    """The results and the job id (None: the sync query). Cancelling the task deletes the job."""
    report = on_progress or (lambda _p: None)
    if not use_job:
        report(QueryProgress("sync", "sending"))
        resp = await api.conversation_aggregates(body)
        report(QueryProgress("sync", "done", results=len(resp.results)))
        return resp.results, None
    started = time.monotonic()
    job_id = await api.submit_aggregate_job(body)
    finished = False
    try:
        delay = POLL_FIRST
        while True:
            status = await api.aggregate_job_status(job_id)
            elapsed = time.monotonic() - started
            report(QueryProgress("job", status.state, elapsed=elapsed, job_id=job_id))
            if status.state == "FULFILLED":
                break
            if status.state in ("FAILED", "CANCELLED", "EXPIRED"):
                finished = status.state != "FAILED"
                why = f": {clean(status.error_message)}" if status.error_message else ""
                raise JobFailedError(f"aggregate job {job_id} ended {status.state}{why}")
            if elapsed >= max_seconds:
                raise JobFailedError(
                    f"aggregate job {job_id} still {status.state} after {max_seconds:g} s: deleted"
                )
            await sleep(delay)
            delay = min(POLL_MAX, delay * 1.6)
        results: list[AggregateResult] = []
        pages = 0
        cursor: str | None = None
        while True:
            page = await api.aggregate_job_page(job_id, cursor)
            pages += 1
            results.extend(page.results)
            report(QueryProgress("job", "paging", pages, len(results), time.monotonic() - started, job_id))
            if not page.cursor or page.cursor == cursor:
                break
            cursor = page.cursor
        finished = True
        report(QueryProgress("job", "done", pages, len(results), time.monotonic() - started, job_id))
        return results, job_id
    finally:
        if not finished:
            # cancelled, timed out or failed: free the job (best effort; never masks the cause)
            with contextlib.suppress(Exception):
                await asyncio.shield(api.delete_aggregate_job(job_id))
