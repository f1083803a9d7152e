"""Async conversation aggregate jobs (``../shared/genesys-analytics.md`` §2.1, §2.3).

- ``POST /api/v2/analytics/conversations/aggregates/jobs`` body ``ConversationAsyncAggregationQuery``
  (every field of the sync query, plus ``pageSize``: results per page) -> **202**
  ``{"jobId"}``. The body is validated at once, as the sync query's is (400 ErrorBody naming the
  field), except that the interval may be up to ``analytics_job_max_days`` long.
- ``GET …/jobs/{jobId}`` -> ``AsyncQueryStatus`` ``{state, submissionDate, expirationDate,
  completionDate (once completed), errorMessage (FAILED)}``. ``state``: ``QUEUED`` for the first
  third of the job's duration, ``PENDING`` until it ends, then ``FULFILLED`` (or ``FAILED``);
  ``EXPIRED`` once ``expirationDate`` (completion + the expiration knob) has passed;
  ``CANCELLED`` after a DELETE (no ``expirationDate`` then).
- ``GET …/jobs/{jobId}/results[?cursor=]`` -> ``ConversationAsyncAggregateQueryResponse``
  ``{"results": [ConversationAggregateDataContainer…], "cursor"}``: the containers the sync
  query gives for the same body, in its order, ``pageSize`` groups a page; the last page has no
  ``cursor`` (an empty answer is ``{"results": []}``). Before FULFILLED (QUEUED, PENDING, FAILED):
  ``analytics_job_not_ready_status`` (400 ``bad.request`` or 404 ``not.found``; unverified);
  CANCELLED or EXPIRED: 404. A cursor of another job or a made-up one: 400 naming ``cursor``.
- ``DELETE …/jobs/{jobId}`` -> 204; the job is CANCELLED (``analytics_job_cancel_forgets``: it is
  forgotten, later GETs are 404). Unknown ids are 404 everywhere.

Time is the jobs' own clock: real time plus an offset that ``POST
/sim/control/analytics/jobs/advance`` (or :meth:`JobStore.advance`) moves on, so tests walk a job
through its states without sleeping. A job's duration, fate (FAILED or not) and retention are
fixed when it is submitted.

Control routes (loopback, no auth), see :data:`CONTROL_ROUTES`:

- ``GET``/``PUT /sim/control/analytics/jobs/settings`` ``{jobSeconds (0-86400), pageSize,
  failureRate (0-1), failNext (jobs), errorMessage, expirationSeconds, notReadyStatus (400|404),
  cancelForgets}``; a PUT changes the fields it names (for jobs submitted later) and answers all.
- ``POST /sim/control/analytics/jobs/advance`` ``{seconds}`` -> ``{offsetSeconds, now}``.
- ``GET /sim/control/analytics/jobs`` -> ``{submitted, clock, jobs: [{jobId, state, interval,
  granularity, groups, pageSize, statusPolls, resultPages, deleted}]}``; ``DELETE`` forgets them.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.analytics_conv import (
    JOBS_PATH,
    PERMISSION,
    Computed,
    Plan,
    compute,
    plan_query,
    render_json,
    results_body,
)
from gctui.sim.config import JOB_NOT_READY_STATUSES, MAX_JOB_PAGE_SIZE, MAX_JOB_SECONDS, SimConfig
from gctui.sim.det import iso, mix, unit
from gctui.sim.errors import ApiError, bad_request, not_found
from gctui.sim.fields import int_field, number_field, reject_unknown, text_field
from gctui.sim.http import Json, json_object, require, runtime
from gctui.sim.runtime import SimRuntime

STATES = ("QUEUED", "PENDING", "FAILED", "CANCELLED", "FULFILLED", "EXPIRED")
MAX_FAIL_NEXT = 1_000_000
MAX_ADVANCE_SECONDS = 10 * 365 * 86400.0
CACHED_RESULTS = 8  # computed answers kept (others are recomputed: the data is deterministic)
MAX_JOBS = 10_000  # jobs remembered; past that the oldest finished ones are forgotten (404)
SETTING_FIELDS = {
    "jobSeconds": "job_seconds",
    "pageSize": "page_size",
    "failureRate": "failure_rate",
    "failNext": "fail_next",
    "errorMessage": "error_message",
    "expirationSeconds": "expiration_seconds",
    "notReadyStatus": "not_ready_status",
    "cancelForgets": "cancel_forgets",
}


@dataclass
class JobSettings:
    job_seconds: float
    page_size: int
    failure_rate: float
    error_message: str
    expiration_seconds: float
    not_ready_status: int
    cancel_forgets: bool
    fail_next: int = 0

    @classmethod
    def from_config(cls, cfg: SimConfig) -> JobSettings:
        return cls(
            float(cfg.analytics_job_seconds),
            cfg.analytics_job_page_size,
            float(cfg.analytics_job_failure_rate),
            cfg.analytics_job_error_message,
            float(cfg.analytics_job_expiration_seconds),
            cfg.analytics_job_not_ready_status,
            cfg.analytics_job_cancel_forgets,
        )

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, attr) for k, attr in SETTING_FIELDS.items()}


@dataclass
class Job:
    id: str
    seq: int
    plan: Plan
    interval: str
    granularity: str | None
    page_size: int
    submitted: float  # jobs' clock, epoch seconds
    seconds: float
    fails: bool
    error_message: str
    expiration_seconds: float
    cancelled: float | None = None
    status_polls: int = 0
    result_pages: int = 0

    @property
    def completed(self) -> float:
        return self.submitted + self.seconds

    @property
    def expires(self) -> float:
        return self.completed + self.expiration_seconds

    def state(self, now: float) -> str:
        if self.cancelled is not None:
            return "CANCELLED"
        if now < self.submitted + self.seconds / 3:
            return "QUEUED"
        if now < self.completed:
            return "PENDING"
        if self.fails:
            return "FAILED"
        return "EXPIRED" if now >= self.expires else "FULFILLED"

    def status(self, now: float) -> dict[str, Any]:
        """``AsyncQueryStatus``."""
        state = self.state(now)
        out: dict[str, Any] = {"state": state}
        if state == "FAILED":
            out["errorMessage"] = self.error_message
        if state != "CANCELLED":
            out["expirationDate"] = iso(self.expires)
        out["submissionDate"] = iso(self.submitted)
        if state in ("FULFILLED", "FAILED", "EXPIRED") or (
            state == "CANCELLED" and self.cancelled is not None and self.cancelled >= self.completed
        ):
            out["completionDate"] = iso(self.completed)
        return out


@dataclass
class JobStore:
    """The jobs of one simulator, their clock and knobs (thread-safe)."""

    config: SimConfig
    settings: JobSettings = field(init=False)
    jobs: dict[str, Job] = field(default_factory=dict)
    offset: float = 0.0
    submitted: int = 0
    _cache: OrderedDict[int, Computed] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.settings = JobSettings.from_config(self.config)

    # --- clock and knobs ---------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the jobs' clock on by ``seconds`` (no real waiting)."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 <= seconds <= MAX_ADVANCE_SECONDS
        ):
            raise ValueError(f"seconds must be a number from 0 to {MAX_ADVANCE_SECONDS:g}")
        with self._lock:
            self.offset += float(seconds)
        return self.clock()

    def clock(self) -> dict[str, Any]:
        return {"offsetSeconds": self.offset, "now": iso(self.now())}

    def update(self, **changes: Any) -> JobSettings:
        """Change knobs by their attribute names (see :data:`SETTING_FIELDS`)."""
        with self._lock:
            for k, v in changes.items():
                if not hasattr(self.settings, k):
                    raise ValueError(f"unknown setting {k!r}")
                setattr(self.settings, k, v)
            return self.settings

    def clear(self) -> None:
        with self._lock:
            self.jobs.clear()
            self._cache.clear()

    # --- jobs --------------------------------------------------------------------------------
    def submit(self, plan: Plan, body: dict[str, Any], page_size: int | None) -> Job:
        with self._lock:
            s = self.settings
            seq = self.submitted = self.submitted + 1
            seed = self.config.seed
            fails = s.fail_next > 0 or (s.failure_rate > 0 and unit(seed, seq, 0xFA11) < s.failure_rate)
            if s.fail_next > 0:
                s.fail_next -= 1
            job_id = str(uuid.UUID(int=(mix(seed, seq, 1) << 64) | mix(seed, seq, 2), version=4))
            job = Job(
                job_id,
                seq,
                plan,
                str(body.get("interval")),
                body.get("granularity"),
                page_size or s.page_size,
                self.now(),
                s.job_seconds,
                fails,
                s.error_message,
                s.expiration_seconds,
            )
            self.jobs[job_id] = job
            if len(self.jobs) > MAX_JOBS:
                now = self.now()
                for old in [j for j in self.jobs.values() if j.state(now) not in ("QUEUED", "PENDING")]:
                    if len(self.jobs) <= MAX_JOBS:
                        break
                    del self.jobs[old.id]
                    self._cache.pop(old.seq, None)
            return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self.jobs.get(job_id)
        if job is None:
            raise not_found(f"Job {job_id}")
        return job

    def cancel(self, job_id: str) -> None:
        job = self.get(job_id)
        with self._lock:
            if job.cancelled is None:
                job.cancelled = self.now()
            self._cache.pop(job.seq, None)
            if self.settings.cancel_forgets:
                self.jobs.pop(job_id, None)

    def computed(self, job: Job) -> Computed:
        with self._lock:
            done = self._cache.get(job.seq)
            if done is not None:
                self._cache.move_to_end(job.seq)
                return done
        done = compute(job.plan)
        with self._lock:
            self._cache[job.seq] = done
            while len(self._cache) > CACHED_RESULTS:
                self._cache.popitem(last=False)
        return done

    def forget_results(self, job: Job) -> None:
        with self._lock:
            self._cache.pop(job.seq, None)

    def summary(self) -> dict[str, Any]:
        now = self.now()
        with self._lock:
            jobs = list(self.jobs.values())
        return {
            "submitted": self.submitted,
            "clock": self.clock(),
            "jobs": [
                {
                    "jobId": j.id,
                    "state": j.state(now),
                    "interval": j.interval,
                    "granularity": j.granularity,
                    "groups": len(j.plan.groups),
                    "pageSize": j.page_size,
                    "statusPolls": j.status_polls,
                    "resultPages": j.result_pages,
                    "deleted": j.cancelled is not None,
                }
                for j in jobs
            ],
        }


_STORES_LOCK = threading.Lock()


def jobs_of(rt: SimRuntime) -> JobStore:
    """The job store of a running simulator (made on first use)."""
    store = rt.__dict__.get("_analytics_jobs")
    if store is None:
        with _STORES_LOCK:
            store = rt.__dict__.get("_analytics_jobs")
            if store is None:
                store = rt.__dict__["_analytics_jobs"] = JobStore(rt.config)
    assert isinstance(store, JobStore)
    return store


# --- cursors ---------------------------------------------------------------------------------
def _cursor(job: Job, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{job.seq}:{offset}:{job.id[:8]}".encode()).decode().rstrip("=")


def _offset(job: Job, cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        seq, offset, tag = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        if int(seq) == job.seq and tag == job.id[:8] and int(offset) >= 0:
            return int(offset)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request(f"cursor {cursor!r} is not a cursor of job {job.id}", "cursor")


# --- API routes ------------------------------------------------------------------------------
async def submit_job(request: Request) -> Response:
    rt = runtime(request)
    require(request, PERMISSION)
    body = await json_object(request)
    page_size = None
    if body.get("pageSize") is not None:
        page_size = int_field(body, "pageSize", 1, MAX_JOB_PAGE_SIZE)
    plan = plan_query(body, rt, job=True)
    job = jobs_of(rt).submit(plan, body, page_size)
    return Json({"jobId": job.id}, status_code=202)


async def job_status(request: Request) -> Response:
    rt = runtime(request)
    require(request, PERMISSION)
    store = jobs_of(rt)
    job = store.get(request.path_params["job_id"])
    job.status_polls += 1
    return Json(job.status(store.now()))


async def job_results(request: Request) -> Response:
    rt = runtime(request)
    require(request, PERMISSION)
    store = jobs_of(rt)
    job = store.get(request.path_params["job_id"])
    state = job.state(store.now())
    if state in ("CANCELLED", "EXPIRED"):
        store.forget_results(job)
        raise ApiError(404, "not.found", f"Job {job.id} is {state}: its results are no longer available")
    if state != "FULFILLED":
        status = store.settings.not_ready_status
        why = (
            f": {job.error_message}" if state == "FAILED" else "; results are available once it is FULFILLED"
        )
        raise ApiError(
            status, "bad.request" if status == 400 else "not.found", f"Job {job.id} is {state}{why}"
        )
    offset = _offset(job, request.query_params.get("cursor"))
    done = await run_in_threadpool(store.computed, job)
    page = done.order[offset : offset + job.page_size]
    more = offset + job.page_size < len(done.order)
    containers = await run_in_threadpool(render_json, done, page) if page else []
    job.result_pages += 1
    body = results_body(
        containers, _cursor(job, offset + job.page_size) if more else None, empty='{"results":[]}'
    )
    return Response(body, media_type="application/json")


async def delete_job(request: Request) -> Response:
    rt = runtime(request)
    require(request, PERMISSION)
    jobs_of(rt).cancel(request.path_params["job_id"])
    return Response(status_code=204)


# --- control routes --------------------------------------------------------------------------
def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise bad_request(str(exc)) from None


async def control_settings(request: Request) -> Response:
    store = jobs_of(runtime(request))
    if request.method == "GET":
        return Json(store.settings.to_json())
    body = await json_object(request)
    reject_unknown(body, SETTING_FIELDS)
    changes: dict[str, Any] = {}
    if "jobSeconds" in body:
        changes["job_seconds"] = number_field(body, "jobSeconds", 0.0, MAX_JOB_SECONDS)
    if "pageSize" in body:
        changes["page_size"] = int_field(body, "pageSize", 1, MAX_JOB_PAGE_SIZE)
    if "failureRate" in body:
        changes["failure_rate"] = number_field(body, "failureRate", 0.0, 1.0)
    if "failNext" in body:
        changes["fail_next"] = int_field(body, "failNext", 0, MAX_FAIL_NEXT)
    if "errorMessage" in body:
        changes["error_message"] = text_field(body, "errorMessage")
    if "expirationSeconds" in body:
        changes["expiration_seconds"] = number_field(body, "expirationSeconds", 0.0, MAX_ADVANCE_SECONDS)
    if "notReadyStatus" in body:
        value = body["notReadyStatus"]
        if value not in JOB_NOT_READY_STATUSES or isinstance(value, bool):
            raise bad_request(f"notReadyStatus must be 400 or 404 (got {value!r})", "notReadyStatus")
        changes["not_ready_status"] = value
    if "cancelForgets" in body:
        if not isinstance(body["cancelForgets"], bool):
            raise bad_request("cancelForgets must be true or false", "cancelForgets")
        changes["cancel_forgets"] = body["cancelForgets"]
    return Json(_call(store.update, **changes).to_json())


async def control_advance(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, ("seconds",))
    seconds = number_field(body, "seconds", 0.0, MAX_ADVANCE_SECONDS)
    return Json(_call(jobs_of(runtime(request)).advance, seconds))


async def control_jobs(request: Request) -> Response:
    store = jobs_of(runtime(request))
    if request.method == "DELETE":
        store.clear()
        return Response(status_code=204)
    return Json(store.summary())


ROUTES = [
    Route(JOBS_PATH, submit_job, methods=["POST"]),
    Route(f"{JOBS_PATH}/{{job_id}}", job_status, methods=["GET"]),
    Route(f"{JOBS_PATH}/{{job_id}}", delete_job, methods=["DELETE"]),
    Route(f"{JOBS_PATH}/{{job_id}}/results", job_results, methods=["GET"]),
]
C = "/sim/control/analytics/jobs"
CONTROL_ROUTES = [
    Route(C, control_jobs, methods=["GET", "DELETE"]),
    Route(f"{C}/settings", control_settings, methods=["GET", "PUT"]),
    Route(f"{C}/advance", control_advance, methods=["POST"]),
]
