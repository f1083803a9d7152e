""" "Used by" for the Data actions tab: looked up lazily, only for the rows on screen (plus a small
margin), a few at a time through the shared pool, cached by the service's ``UsedByCache``.
Workers post ``UsedByReady``; the tab owns the table. Before a confirm dialog the changed actions
are looked up too, bounded (``CONFIRM_LOOKUPS``), so the dialog can name the flows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from gctui.text import clean

if TYPE_CHECKING:
    from gctui.genesys.models import Dependency
    from gctui.genesys.pool import WorkerPool
    from gctui.services.actions import ActionRow, UsedByCache
    from gctui.tui.widgets.dataview import DataView

MARGIN = 5  # rows above and below the window looked up ahead of a scroll
PARALLEL = 4  # lookups in flight at once (the pool bounds the process)
CONFIRM_LOOKUPS = 50  # changed actions looked up before a confirm dialog
POOL_GROUP = "actions"  # the header names the feature spending the budget
Flows = tuple[tuple[str, str | None], ...]  # (flow name, version), cleaned


class UsedByReady(Message):
    """The flows that use ``action_id`` (or why the lookup failed)."""

    def __init__(self, action_id: str, flows: Flows | None, error: str | None) -> None:
        super().__init__()
        self.action_id = action_id
        self.flows = flows
        self.error = error


def flows_of(deps: Iterable[Dependency]) -> Flows:
    return tuple((clean(d.name or d.id), clean(d.version) if d.version else None) for d in deps)


def window_keys(view: DataView, margin: int = MARGIN) -> list[str]:
    """The ids of the rows on screen, and ``margin`` rows either side."""
    top = round(view.scroll_y)
    height = max(1, view.scrollable_content_region.height - 1)
    store = view.store
    keys = store.keys
    return [keys[i] for i in store.view[max(0, top - margin) : top + height + margin]]


@dataclass
class UsedByState:
    """What is known per action id: the flows, a failure, or a lookup in flight."""

    flows: dict[str, Flows] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    lookups: int = 0  # lookups started (tests and the status line read it)

    def value(self, action_id: str) -> int | str | None:
        """For the cell: a count, "error", or None (not known yet)."""
        if action_id in self.flows:
            return len(self.flows[action_id])
        return "error" if action_id in self.errors else None

    def known(self, action_id: str) -> bool:
        return action_id in self.flows or action_id in self.errors or action_id in self.pending

    def store(self, message: UsedByReady) -> None:
        self.pending.discard(message.action_id)
        if message.flows is not None:
            self.flows[message.action_id] = message.flows
            self.errors.pop(message.action_id, None)
        else:
            self.errors[message.action_id] = message.error or "lookup failed"

    def wanted(self, keys: Sequence[str]) -> list[str]:
        """The ids among ``keys`` to look up now (at most the free slots)."""
        free = PARALLEL - len(self.pending)
        if free <= 0:
            return []
        return [k for k in keys if not self.known(k)][:free]


async def lookup(pool: WorkerPool, cache: UsedByCache, row: ActionRow) -> UsedByReady:
    """One action's flows through the pool (cached per id and version by the service)."""
    from gctui.genesys.errors import GenesysError

    async def run(_job: object) -> list[Dependency]:
        return await cache.get(row.id, row.version, secure=row.secure)

    try:
        deps = await pool.run(f"used by {row.name}", run, group=POOL_GROUP)
    except GenesysError as exc:
        return UsedByReady(row.id, None, clean(exc))
    return UsedByReady(row.id, flows_of(deps), None)


async def lookup_many(
    pool: WorkerPool, cache: UsedByCache, rows: Sequence[ActionRow], post: Callable[[UsedByReady], object]
) -> list[UsedByReady]:
    """The first ``CONFIRM_LOOKUPS`` of ``rows``, a few at a time; each answer is also posted."""
    gate = asyncio.Semaphore(PARALLEL)

    async def one(row: ActionRow) -> UsedByReady:
        async with gate:
            found = await lookup(pool, cache, row)
        post(found)
        return found

    return list(await asyncio.gather(*(one(r) for r in rows[:CONFIRM_LOOKUPS])))


def affected_lines(found: Sequence[UsedByReady], changed: int) -> list[str]:
    """The confirm dialog's lines about the flows a change reaches."""
    flows: dict[str, str | None] = {}
    for answer in found:
        for name, version in answer.flows or ():
            flows.setdefault(name, version)
    failed = sum(1 for a in found if a.flows is None)
    them = "it" if changed == 1 else "them"
    lines = []
    if flows:
        names = [f"{n} (v{v})" if v else n for n, v in flows.items()]
        shown = ", ".join(names[:5]) + (f" … and {len(names) - 5} more" if len(names) > 5 else "")
        noun = "flow uses" if len(flows) == 1 else "flows use"
        lines.append(f"{len(flows)} {noun} {them}: {shown}")
    elif found:
        lines.append(f"no flow uses {them}")
    if failed:
        lines.append(f"used-by lookup failed for {failed} of {them}: flows not known")
    if changed > len(found):
        lines.append(f"used-by not looked up for {changed - len(found)} more (first {len(found)} only)")
    return lines
