"""A bulk timeout change, planned: before → after per action and its blast radius, nothing sent.

The same :class:`Plan` is the dry run (``--dry-run``, the confirm dialog) and what
:meth:`ActionsWriter.apply` executes. Timeouts are whole seconds; ``None`` means "no configured
timeout" (the platform default applies)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from gctui.genesys.api import GenesysApi
from gctui.genesys.models import Action
from gctui.services.actions.timeouts import parse_timeout
from gctui.text import clean


def timeout_of(action: Action) -> int | None:
    return action.config.timeout_seconds if action.config is not None else None


@dataclass(frozen=True, slots=True)
class PlannedChange:
    action_id: str
    name: str
    category: str
    version: int  # the version read when planning (apply reads again before sending)
    before: int | None  # the value the change expects to find
    after: int | None
    current: int | None  # the value read when planning (differs from before: drifted)
    # A read at or below this version is out of date (it predates a change known to have
    # landed, e.g. the batch an undo reverts): never decided on, read again first.
    floor: int = 0

    @property
    def drifted(self) -> bool:
        return self.current != self.before


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[PlannedChange, ...]
    unchanged: tuple[PlannedChange, ...] = ()  # already hold the wanted value: nothing to send
    missing: tuple[str, ...] = ()  # ids the org does not have
    platform_default: int = 10

    def show(self, value: int | None) -> str:
        return f"default ({self.platform_default} s)" if value is None else f"{value} s"

    def lines(self) -> list[str]:
        """``Order lookup: 3 s → 5 s`` per change (drifted ones say what they hold now)."""
        out = []
        for c in self.changes:
            drift = f" (now {self.show(c.current)}: will be a conflict)" if c.drifted else ""
            out.append(f"{c.name}: {self.show(c.before)} → {self.show(c.after)}{drift}")
        return out

    def blast_radius(self, shown_names: int = 5) -> str:
        """``3 actions in 2 categories: A, B, C`` (+ how many already hold it / are missing)."""
        n = len(self.changes)
        cats = {c.category for c in self.changes}
        names = ", ".join(c.name for c in self.changes[:shown_names])
        more = f" and {n - shown_names} more" if n > shown_names else ""
        text = f"{n} action{'s' * (n != 1)} in {len(cats)} categor{'ies' if len(cats) != 1 else 'y'}"
        text += f": {names}{more}" if n else ""
        if self.unchanged:
            text += f"; {len(self.unchanged)} already hold the value"
        if self.missing:
            text += f"; {len(self.missing)} not found"
        return text


def _change(action: Action, before: int | None, after: int | None, floor: int = 0) -> PlannedChange:
    return PlannedChange(
        action_id=action.id,
        name=clean(action.name),
        category=clean(action.category or ""),
        version=action.version,
        before=before,
        after=after,
        current=timeout_of(action),
        floor=floor,
    )


async def read_plan(
    api: GenesysApi,
    wanted: Mapping[str, tuple[int | None, int | None]],
    platform_default: int,
    *,
    check: bool = True,
    floors: Mapping[str, int] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    stale_wait: float = 10.0,
) -> Plan:
    """``wanted[action_id] = (expected before, after)``; reads the actions in pages of 50 ids.
    ``expected before`` None with ``check=False`` means "whatever it holds now". ``floors``:
    versions known to be out of date per action; such reads are read again (up to
    ``stale_wait`` s) and, if still old, planned as changes: apply reads once more and decides."""
    floors = floors or {}
    found = {a.id: a for a in await api.actions_by_ids(list(wanted))}
    delay, waited = 0.1, 0.0
    while waited < stale_wait:
        stale = [i for i, a in found.items() if a.version <= floors.get(i, 0)]
        if not stale:
            break
        await sleep(delay)
        waited += delay
        delay = min(delay * 2, 1.0)
        found.update({a.id: a for a in await api.actions_by_ids(stale)})
    changes: list[PlannedChange] = []
    unchanged: list[PlannedChange] = []
    for action_id, (before, after) in wanted.items():
        action = found.get(action_id)
        if action is None:
            continue
        floor = floors.get(action_id, 0)
        change = _change(action, before if check else timeout_of(action), after, floor)
        known = action.version > floor
        (unchanged if known and change.current == after else changes).append(change)
    missing = tuple(i for i in wanted if i not in found)
    return Plan(tuple(changes), tuple(unchanged), missing, platform_default)


async def plan_timeouts(api: GenesysApi, targets: Mapping[str, object], platform_default: int) -> Plan:
    """Plan setting each action's timeout (``targets[action_id] = 5`` or ``"5"``; None removes the
    configured timeout). Every value is validated first: a bad one raises TimeoutValueError and
    nothing is read or sent."""
    after = {i: (None if v is None else parse_timeout(v)) for i, v in targets.items()}
    return await read_plan(api, {i: (None, a) for i, a in after.items()}, platform_default, check=False)
