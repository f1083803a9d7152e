"""One action's timeout change, safely: version-checked, journaled, never applied twice.

* The PATCH carries the action's full current config with only ``timeoutSeconds`` changed and
  the current ``version``. ``None`` is sent as JSON null: "no configured timeout".
* The version makes every resend safe: a PATCH on version V applies at most once, because the
  first apply moves the action past V and any later PATCH on V is refused.
* Reads may be stale (the platform is eventually consistent). A *floor* is the highest version
  known to be out of date: a read at or below it is read again (with back-off, bounded) before
  anything is decided from it. A refused PATCH on V raises the floor to V.
* Version mismatch (409, or 400 "does not match the current version": ``ConflictError``): read
  again; the timeout still at ``before`` → re-apply on the new version; at ``after`` → done;
  anything else → conflict (someone else changed it; not overwritten).
* No answer (``TransportError.maybe_applied``) or a 5xx: the change may have landed. One read
  at a version past ours settles it (the new value → done); a read at our version or older
  proves nothing (a stale replica), so the same PATCH goes again (same version): applied if the
  first was not, refused if it was (then the fresh read settles it). Still no answer after the
  last try → unknown (reconcile later)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gctui.genesys.api import GenesysApi
from gctui.genesys.errors import (
    ApiError,
    ConflictError,
    GenesysError,
    ServerError,
    TransportError,
    WithdrawnError,
)
from gctui.genesys.models import ActionWithConfig
from gctui.services.actions.journal import Journal, State
from gctui.services.actions.plan import PlannedChange, timeout_of
from gctui.text import clean

MAX_ATTEMPTS = 4  # PATCHes per action before giving up on a version that keeps moving
STALE_WAIT = 10.0  # seconds spent re-reading a replica that shows a version known to be old


class CancelFlag(Protocol):
    """``threading.Event`` and ``asyncio.Event`` both fit."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    entry_id: int
    action_id: str
    name: str
    before: int | None
    after: int | None
    state: State
    version: int | None = None  # the version that holds the new value (done)
    error: str | None = None
    correlation_id: str | None = None
    sent: int = 0  # PATCH requests that left (for "never applied twice" accounting)
    link_failed: bool = False  # not sent: the connection could not be made (the link may be down)


def patch_body(current: ActionWithConfig, after: int | None) -> dict[str, Any]:
    return {"version": current.version, "config": {**current.raw_config, "timeoutSeconds": after}}


async def _reread(api: GenesysApi, action_id: str) -> ActionWithConfig | None:
    found = await api.actions_by_ids([action_id])
    return found[0] if found else None


async def read_fresh(
    api: GenesysApi,
    action_id: str,
    floor: int,
    *,
    sleep: Callable[[float], Awaitable[None]],
    wait: float = STALE_WAIT,
) -> ActionWithConfig | None:
    """The action as read at a version above ``floor``; after ``wait`` seconds of stale reads,
    the last one (the caller sees ``version <= floor`` and does not trust it)."""
    delay, waited = 0.1, 0.0
    while True:
        action = await _reread(api, action_id)
        if action is None or action.version > floor or waited >= wait:
            return action
        await sleep(delay)
        waited += delay
        delay = min(delay * 2, 1.0, max(0.0, wait - waited) or 1.0)


async def apply_change(
    api: GenesysApi,
    journal: Journal,
    entry_id: int,
    change: PlannedChange,
    current: ActionWithConfig | None,
    cancel: CancelFlag | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    stale_wait: float = STALE_WAIT,
) -> Outcome:
    """Bring one action from ``change.before`` to ``change.after``; journal every step."""
    sent = 0
    floor = change.floor

    def finish(state: State, **kw: Any) -> Outcome:
        journal.update(entry_id, state, error=kw.get("error"), correlation_id=kw.get("correlation_id"))
        base = (entry_id, change.action_id, change.name, change.before, change.after)
        return Outcome(*base, state, sent=sent, **kw)

    async def fresh() -> ActionWithConfig | None:
        return await read_fresh(api, change.action_id, floor, sleep=sleep, wait=stale_wait)

    maybe: GenesysError | None = None  # the last PATCH that may have landed unanswered
    patches = 0
    while True:
        try:
            if current is not None and current.version <= floor:
                current = await fresh()
        except GenesysError as read_exc:
            if maybe is not None:
                return finish(State.UNKNOWN, error=f"{clean(maybe)}; re-read failed: {clean(read_exc)}")
            return finish(State.FAILED, error=f"not sent: re-read failed: {clean(read_exc)}")
        if current is None:
            return finish(State.FAILED, error="the action no longer exists")
        if current.version <= floor:
            why = f"reads still show version {current.version} (out of date) after {stale_wait:g} s"
            if maybe is not None or sent:
                return finish(State.UNKNOWN, error=f"{why}; reconcile later")
            return finish(State.FAILED, error=f"not sent: {why}")
        value = timeout_of(current)
        if value == change.after:
            return finish(State.DONE, version=current.version)
        if value != change.before:
            shown = "no configured timeout" if value is None else f"{value} s"
            return finish(State.CONFLICT, error=f"changed by someone else: it now holds {shown} "
                          f"(version {current.version}); not overwritten")  # fmt: skip
        if patches >= MAX_ATTEMPTS:
            if maybe is not None:
                return finish(State.UNKNOWN, error=f"no answer after {patches} tries: {clean(maybe)}")
            return finish(State.FAILED, error=f"the version kept changing; gave up after {patches} tries")
        if cancel is not None and cancel.is_set():
            return finish(State.CANCELLED, error=_why_cancelled(cancel))
        version = current.version

        def on_sent(v: int = version) -> None:
            nonlocal sent
            sent += 1
            journal.update(entry_id, State.SENT, version_sent=v)

        journal.update(entry_id, State.PENDING, version_sent=version)
        patches += 1
        try:
            updated = await api.patch_action(
                change.action_id,
                patch_body(current, change.after),
                bulk=True,
                on_sent=on_sent,
                should_send=lambda: cancel is None or not cancel.is_set(),
            )
        except WithdrawnError:  # cancelled while it waited for the rate budget: never left
            if maybe is not None:
                return finish(State.UNKNOWN, error=f"cancelled before the resend; {clean(maybe)}")
            return finish(State.CANCELLED, error=_why_cancelled(cancel))
        except ConflictError:
            floor = max(floor, version)  # the action has moved past the version we sent
            continue  # read again above (fresh), then decide
        except (TransportError, ServerError) as exc:
            if isinstance(exc, TransportError) and not exc.maybe_applied and maybe is None:
                return finish(State.FAILED, error=f"not sent: {clean(exc)}", link_failed=True)
            maybe = exc
            journal.update(entry_id, State.UNKNOWN, error=clean(exc))
            try:  # one read: a version past ours settles it; anything older proves nothing
                again = await _reread(api, change.action_id)
            except GenesysError:
                again = None
            if again is not None and again.version > version:
                current = again
            continue  # else the same PATCH again: applied at most once, by its version
        except ApiError as exc:
            return finish(State.FAILED, error=clean(exc), correlation_id=exc.context_id)
        timeout = timeout_of(updated)
        if timeout != change.after:  # the API answered 2xx but holds something else
            return finish(State.FAILED, error=f"the API answered with timeout {timeout}")
        return finish(State.DONE, version=updated.version)


def _why_cancelled(cancel: CancelFlag | None) -> str:
    reason = getattr(cancel, "reason", None)
    return reason if isinstance(reason, str) and reason else "cancelled before it was sent"
