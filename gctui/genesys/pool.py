"""The shared worker pool: every feature submits its network work here.

Bounded concurrency (one semaphore for the whole process), named jobs, cancellation (by job or
by group), progress callbacks, and per-job error capture: a failing job records its error and
never takes the event loop or another job down with it.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class JobState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Progress:
    done: int = 0
    total: int | None = None
    message: str = ""


@dataclass(eq=False)
class Job(Generic[T]):
    id: int
    name: str
    group: str | None
    state: JobState = JobState.PENDING
    progress: Progress = field(default_factory=Progress)
    error: BaseException | None = None
    result: T | None = None
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    task: asyncio.Task[T] | None = field(default=None, repr=False)
    _listeners: list[Callable[[Job[T]], None]] = field(default_factory=list, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.finished_at or time.monotonic()) - self.started_at

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        """Called by the job itself to report progress."""
        self.progress = Progress(done, total, message)
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # noqa: S110 - a broken listener must not change the job's outcome
                pass

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def wait(self) -> T:
        """Await the job; re-raises its error (or CancelledError)."""
        assert self.task is not None
        return await asyncio.shield(self.task)


JobFn = Callable[[Job[T]], Awaitable[T]]


class WorkerPool:
    def __init__(self, concurrency: int = 8) -> None:
        self.concurrency = max(1, concurrency)
        self._sem = asyncio.Semaphore(self.concurrency)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job[Any]] = {}
        self._closed = False
        self.listeners: list[Callable[[Job[Any]], None]] = []

    def submit(
        self,
        name: str,
        fn: JobFn[T],
        *,
        group: str | None = None,
        on_update: Callable[[Job[T]], None] | None = None,
    ) -> Job[T]:
        """Schedule ``fn(job)``; returns at once. ``on_update`` sees state and progress changes."""
        if self._closed:
            raise RuntimeError("worker pool is closed")
        job: Job[T] = Job(next(self._ids), name, group)
        if on_update is not None:
            job._listeners.append(on_update)
        job._listeners.extend(self.listeners)
        self._jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job, fn), name=f"job:{name}")
        job.task.add_done_callback(lambda task: self._cancelled_early(job, task))
        return job

    def _cancelled_early(self, job: Job[Any], task: asyncio.Task[Any]) -> None:
        """A task cancelled before its first step never runs `_run`'s body: without this its
        job would stay pending (and counted as active) for good."""
        if task.cancelled() and not job.finished:
            job.state = JobState.CANCELLED
            job.finished_at = time.monotonic()
            self._forget_later(job)
            job._notify()

    async def run(self, name: str, fn: JobFn[T], *, group: str | None = None) -> T:
        """Submit and wait; errors propagate to the caller (and are recorded on the job).
        Cancelling the caller cancels the job: nobody is left waiting for its result."""
        job = self.submit(name, fn, group=group)
        try:
            return await job.wait()
        except asyncio.CancelledError:
            job.cancel()
            raise

    async def _run(self, job: Job[T], fn: JobFn[T]) -> T:
        try:
            async with self._sem:
                job.state = JobState.RUNNING
                job.started_at = time.monotonic()
                job._notify()
                result = await fn(job)
        except asyncio.CancelledError:
            job.state = JobState.CANCELLED
            raise
        except Exception as exc:
            job.state = JobState.FAILED
            job.error = exc
            raise
        else:
            job.state = JobState.DONE
            job.result = result
            return result
        finally:
            job.finished_at = time.monotonic()
            self._forget_later(job)
            job._notify()

    def _forget_later(self, job: Job[Any]) -> None:
        # Keep finished jobs for inspection, but not forever.
        finished = [j for j in self._jobs.values() if j.finished and j is not job]
        for old in finished[:-200]:
            self._jobs.pop(old.id, None)
        if job.task is not None:
            # Mark the exception retrieved: it is on job.error, the loop must not log it.
            job.task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def jobs(self) -> list[Job[Any]]:
        return list(self._jobs.values())

    def active(self) -> list[Job[Any]]:
        return [j for j in self._jobs.values() if not j.finished]

    def cancel_group(self, group: str) -> int:
        n = 0
        for job in self.active():
            if job.group == group:
                job.cancel()
                n += 1
        return n

    async def close(self) -> None:
        self._closed = True
        tasks = [j.task for j in self.active() if j.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
