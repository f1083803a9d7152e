"""The crawl: list the flows, then read what each published flow consumes, through the pool.

``GET /api/v2/flows`` is cheap (pages of up to 500); ``consumedresources`` is one call per flow
and published version, the cost of the whole feature. So the crawler:

* starts from the cache (:class:`FlowCache`): the graph as last seen is there before any request;
* lists the flows, then fetches only flows that are new, or whose published version changed;
  flows that are gone (or unpublished) are dropped from the cache and the graph;
* commits each fetched flow at once, so a crawl that is killed or cancelled resumes where it
  stopped, and nothing cached is fetched again;
* fetches a priority set first (the flows the user is looking at), and :meth:`bump` raises more
  while it runs;
* reports progress with the graph so far (cycles computed on it are *partial*);
* ``force=True`` refetches everything (the old edges stay visible until each flow is refetched).

Concurrency is bounded twice: ``concurrency`` worker jobs of the shared pool (each holds one pool
slot and fetches flows one after another), and the rate governor under them paces every request.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from gctui.genesys.errors import ApiError, AuthenticationError, ForbiddenError, RateLimitedError
from gctui.genesys.models.architect import Dependency, Flow
from gctui.genesys.pool import Job, JobState, WorkerPool
from gctui.services.flows.cache import FlowCache
from gctui.services.flows.cycles import CycleReport, find_cycles
from gctui.services.flows.graph import FlowGraph, FlowRecord, NodeKey, Ref
from gctui.text import clean

GROUP = "flows-crawl"  # pool group of every job of a crawl (``pool.cancel_group`` stops it too)
LIST_PAGE_SIZE = 500  # GET /flows: the largest page size the rate-limit tiers name (reference §3)
CONSUMED_PAGE_SIZE = 100  # consumedresources: terraform's page size; most flows fit in one page


class FlowsApi(Protocol):
    """What the crawl needs of :class:`gctui.genesys.api.GenesysApi`."""

    def flows(
        self, *, page_size: int = ..., on_page: Callable[[int, int], None] | None = ...
    ) -> AsyncIterator[Flow]: ...

    def consumed_resources(
        self, object_id: str, version: str, object_type: str, *, page_size: int = ...
    ) -> AsyncIterator[Dependency]: ...


class Phase(enum.StrEnum):
    CACHED = "cached"  # the graph from the cache, before any request
    LISTING = "listing"
    FETCHING = "fetching"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"  # stopped by an error (run() raises it); the cache keeps what was fetched


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    phase: Phase
    graph: FlowGraph  # the graph so far (the crawler's own, mutated as it goes)
    listed: int = 0  # flows in the listing
    to_fetch: int = 0  # flows this run fetches
    fetched: int = 0
    failed: int = 0
    reused: int = 0  # flows whose cached consumed resources are current
    removed: int = 0  # flows gone since the last listing
    pages_done: int = 0
    pages_total: int = 0

    @property
    def done(self) -> int:
        return self.fetched + self.failed

    @property
    def complete(self) -> bool:
        return self.phase is Phase.DONE and self.failed == 0

    @property
    def partial(self) -> bool:
        return not self.complete

    def cycles(self) -> CycleReport:
        """The cycles of the graph so far (said to be partial until the crawl is complete).
        O(V + E): call it on a timer, not on every progress report."""
        return find_cycles(self.graph, partial=self.partial)

    def summary(self) -> str:
        if self.phase is Phase.LISTING:
            return f"listing flows: page {self.pages_done}/{self.pages_total or '?'}"
        text = f"{self.done}/{self.to_fetch} flows fetched, {self.reused} cached"
        if self.failed:
            text += f", {self.failed} failed"
        return f"{text} ({self.phase})"


@dataclass(frozen=True, slots=True)
class CrawlResult:
    graph: FlowGraph
    listed: int
    fetched: int
    reused: int
    removed: int
    failed: dict[str, str] = field(default_factory=dict)  # flow id -> why its fetch failed
    cancelled: bool = False

    @property
    def complete(self) -> bool:
        return not self.cancelled and not self.failed


ProgressFn = Callable[[CrawlProgress], None]


def is_flow_error(exc: BaseException) -> bool:
    """A failure of one flow's fetch (404: version gone, a 5xx after retries, a bad body): record
    it and go on. Anything else (no link, no auth, no permission, a hold beyond the ceiling)
    would fail every flow alike: it stops the crawl."""
    return isinstance(exc, ApiError) and not isinstance(
        exc, AuthenticationError | ForbiddenError | RateLimitedError
    )


@dataclass(frozen=True, slots=True)
class _Todo:
    key: NodeKey
    version: str
    object_type: str


class FlowsCrawler:
    def __init__(
        self,
        api: FlowsApi,
        pool: WorkerPool,
        cache: FlowCache,
        *,
        concurrency: int = 4,
        list_page_size: int = LIST_PAGE_SIZE,
        report_every: int = 25,
    ) -> None:
        self.api = api
        self.pool = pool
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.list_page_size = list_page_size
        self.report_every = max(1, report_every)
        self.graph = FlowGraph()
        self._loaded = False
        self._running = False
        self._cancelled = False
        self._priority: dict[str, None] = {}  # an ordered set: the first given goes first
        self._pending: dict[str, _Todo] = {}
        self._heap: list[tuple[int, int, str]] = []
        self._seq = itertools.count()
        self._jobs: list[Job[Any]] = []
        self._bumps = 0
        self._on_progress: ProgressFn | None = None
        self._phase = Phase.CACHED
        self._counts = dict.fromkeys(("listed", "to_fetch", "fetched", "failed", "reused", "removed"), 0)
        self._pages = (0, 0)
        self._failed: dict[str, str] = {}

    # -- control ----------------------------------------------------------------------------

    def load_cached(self) -> FlowGraph:
        """The graph as last cached (no request): draw it while the crawl runs. ~0.2 s at
        10,000 flows: ``await asyncio.to_thread(crawler.load_cached)`` keeps the loop free."""
        self.graph = self.cache.load_graph()
        self._loaded = True
        return self.graph

    def bump(self, flow_ids: Iterable[str]) -> int:
        """Fetch these flows next (the ones on screen): the latest bump goes first, its ids in
        the order given. Returns how many of them are still to fetch in this run."""
        self._bumps += 1
        n = 0
        for flow_id in flow_ids:
            self._priority[flow_id] = None
            if flow_id in self._pending:
                heapq.heappush(self._heap, (-self._bumps, next(self._seq), flow_id))
                n += 1
        return n

    def cancel(self) -> None:
        """Stop the crawl: in-flight fetches are abandoned (not cached); :meth:`run` returns."""
        self._cancelled = True
        self._stop_jobs()

    def _stop_jobs(self) -> None:
        # A job still waiting to start sees the flag and returns at once: cancelling it before
        # its coroutine runs would leave it "pending" in the pool's job list for good.
        for job in self._jobs:
            if job.state is JobState.RUNNING:
                job.cancel()

    @property
    def running(self) -> bool:
        return self._running

    def progress(self) -> CrawlProgress:
        c = self._counts
        return CrawlProgress(
            self._phase,
            self.graph,
            c["listed"],
            c["to_fetch"],
            c["fetched"],
            c["failed"],
            c["reused"],
            c["removed"],
            *self._pages,
        )

    # -- the crawl --------------------------------------------------------------------------

    async def run(
        self,
        *,
        force: bool = False,
        priority: Iterable[str] = (),
        on_progress: ProgressFn | None = None,
    ) -> CrawlResult:
        """List, diff against the cache, fetch what changed. Raises what stops the crawl (a
        listing failure, a lost link or token; the cache keeps what was fetched)."""
        if self._running:
            raise RuntimeError("a flows crawl is already running")
        self._running, self._cancelled = True, False
        self._on_progress = on_progress
        self._failed = {}
        self._counts = dict.fromkeys(self._counts, 0)
        self._pending, self._heap, self._pages = {}, [], (0, 0)
        self._priority.update(dict.fromkeys(priority))
        try:
            return await self._run(force)
        except Exception:
            self._emit(Phase.FAILED)
            raise
        finally:
            self._running = False
            self._jobs = []

    async def _run(self, force: bool) -> CrawlResult:
        if not self._loaded:
            self.load_cached()
        self._emit(Phase.CACHED)
        records = await self._list()
        if self._cancelled:
            return self._finish(Phase.CANCELLED)
        self._plan(records, force)
        self._emit(Phase.FETCHING)
        if self._pending:
            await self._fetch_all()
        if self._cancelled:
            return self._finish(Phase.CANCELLED)
        if not self._failed:
            self.cache.mark_complete()
        return self._finish(Phase.DONE)

    async def _list(self) -> list[FlowRecord]:
        self._phase = Phase.LISTING

        async def listing(job: Job[list[FlowRecord]]) -> list[FlowRecord]:
            if self._cancelled:  # cancelled while this job waited for a pool slot
                return []

            def page(done: int, total: int) -> None:
                self._pages = (done, total)
                job.report(done, total, "flow listing pages")
                self._emit(Phase.LISTING)

            return [
                FlowRecord.from_flow(f)
                async for f in self.api.flows(page_size=self.list_page_size, on_page=page)
            ]

        job = self.pool.submit("flows: list", listing, group=GROUP)
        self._jobs = [job]  # cancel() reaches it too
        try:
            return await job.wait()
        except asyncio.CancelledError:
            job.cancel()
            if self._cancelled:
                return []
            raise

    def _plan(self, records: list[FlowRecord], force: bool) -> None:
        """Diff the listing against the cache and the graph; queue what must be fetched."""
        cached = self.cache.versions()
        if force:
            self.cache.clear()
        self.cache.save_listing(records)
        listed = {r.id for r in records}
        gone = [n.id for n in self.graph.flows() if n.id not in listed]
        for flow_id in gone:
            self.graph.remove_flow(flow_id)
        published = {r.id for r in records if r.published_version and r.object_type}
        self.cache.drop([i for i in cached if i not in published])
        c = self._counts
        c["listed"], c["removed"] = len(records), len(gone)
        for r in records:
            node = self.graph.add_flow(r)
            version, object_type = r.published_version, r.object_type
            if not version or not object_type:
                self.graph.clear_consumed(node.key)  # draft only (or untracked type): nothing to read
                continue
            if cached.get(r.id) == version and not force:
                refs = None if node.fetched else self.cache.get(r.id, version)
                if node.fetched or refs is not None:
                    if refs is not None:
                        self.graph.set_consumed(node.key, refs)
                    c["reused"] += 1
                    continue
            if cached.get(r.id) != version:
                self.graph.clear_consumed(node.key)  # its edges belong to another version
            self._pending[r.id] = _Todo(node.key, version, object_type)
        first = [i for i in self._priority if i in self._pending]
        rest = [i for i in self._pending if i not in self._priority]
        # already a heap: (rank, seq) ascending; bumps later get negative ranks (newest first)
        self._heap = [(0 if i < len(first) else 1, i, fid) for i, fid in enumerate(first + rest)]
        self._seq = itertools.count(len(self._heap))
        c["to_fetch"] = len(self._pending)

    async def _fetch_all(self) -> None:
        workers = min(self.concurrency, len(self._pending))
        self._jobs = [
            self.pool.submit(f"flows: dependencies {i + 1}/{workers}", self._worker, group=GROUP)
            for i in range(workers)
        ]
        tasks = [asyncio.ensure_future(j.wait()) for j in self._jobs]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        except asyncio.CancelledError:
            self.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        fatal = next((t.exception() for t in done if not t.cancelled() and t.exception()), None)
        if fatal is not None or self._cancelled:
            self._cancelled = True  # the other workers stop too
            self._stop_jobs()
        await asyncio.gather(*tasks, return_exceptions=True)
        if fatal is not None:
            raise fatal

    def _next(self) -> tuple[str, _Todo] | None:
        while self._heap:
            _, _, flow_id = heapq.heappop(self._heap)
            todo = self._pending.pop(flow_id, None)
            if todo is not None:
                return flow_id, todo
        return None

    async def _worker(self, job: Job[int]) -> int:
        n = 0
        c = self._counts
        while not self._cancelled and (item := self._next()) is not None:
            flow_id, todo = item
            try:
                refs = [
                    Ref.from_dependency(d)
                    async for d in self.api.consumed_resources(
                        flow_id, todo.version, todo.object_type, page_size=CONSUMED_PAGE_SIZE
                    )
                ]
            except Exception as exc:
                if not is_flow_error(exc):
                    raise
                why = clean(exc)
                self._failed[flow_id] = why
                self.graph.set_fetch_error(todo.key, why)
                c["failed"] += 1
            else:
                self.cache.store(flow_id, todo.version, refs)  # committed: a restart skips it
                self.graph.set_consumed(todo.key, refs)
                c["fetched"] += 1
            n += 1
            done = c["fetched"] + c["failed"]
            job.report(done, c["to_fetch"], "flows")
            if flow_id in self._priority or done % self.report_every == 0:
                self._emit(Phase.FETCHING)
            await asyncio.sleep(0)  # fair turns between workers even when answers come at once
        return n

    # -- reporting --------------------------------------------------------------------------

    def _emit(self, phase: Phase) -> None:
        self._phase = phase
        if self._on_progress is not None:
            self._on_progress(self.progress())

    def _finish(self, phase: Phase) -> CrawlResult:
        self._emit(phase)
        c = self._counts
        return CrawlResult(
            self.graph,
            c["listed"],
            c["fetched"],
            c["reused"],
            c["removed"],
            dict(self._failed),
            phase is Phase.CANCELLED,
        )
