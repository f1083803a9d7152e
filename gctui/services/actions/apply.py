"""One action's timeout change, safely: version-checked, journaled, never applied twice.

* The PATCH carries the action's full current config with only ``timeoutSeconds`` changed and
  the current ``version``. ``None`` is sent as JSON null: "no configured timeout".
* Version mismatch (409, or 400 "does not match the current version": ``ConflictError``): read
  again; the timeout still at ``before`` → re-apply on the new version; at ``after`` → done;
  anything else → conflict (someone else changed it; not overwritten).
* Lost response (``TransportError.maybe_applied``): read again; the new value at a newer version
  → done (never sent twice); still the old one → send again (its version makes a second apply
  impossible); unreadable → unknown (reconcile later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from gctui.genesys.api import GenesysApi
from gctui.genesys.errors import ApiError, ConflictError, GenesysError, TransportError
from gctui.genesys.models import ActionWithConfig
from gctui.services.actions.journal import Journal, State
from gctui.services.actions.plan import PlannedChange, timeout_of
from gctui.text import clean

MAX_ATTEMPTS = 4  # PATCHes per action before giving up on a version that keeps moving


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


def patch_body(current: ActionWithConfig, after: int | None) -> dict[str, Any]:
    return {"version": current.version, "config": {**current.raw_config, "timeoutSeconds": after}}


async def _reread(api: GenesysApi, action_id: str) -> ActionWithConfig | None:
    found = await api.actions_by_ids([action_id])
    return found[0] if found else None


async def apply_change(
    api: GenesysApi,
    journal: Journal,
    entry_id: int,
    change: PlannedChange,
    current: ActionWithConfig | None,
    cancel: CancelFlag | None = None,
) -> Outcome:
    """Bring one action from ``change.before`` to ``change.after``; journal every step."""
    sent = 0

    def finish(state: State, **kw: Any) -> Outcome:
        journal.update(entry_id, state, error=kw.get("error"), correlation_id=kw.get("correlation_id"))
        base = (entry_id, change.action_id, change.name, change.before, change.after)
        return Outcome(*base, state, sent=sent, **kw)

    for _ in range(MAX_ATTEMPTS):
        if current is None:
            return finish(State.FAILED, error="the action no longer exists")
        value = timeout_of(current)
        if value == change.after:
            return finish(State.DONE, version=current.version)
        if value != change.before:
            shown = "no configured timeout" if value is None else f"{value} s"
            return finish(State.CONFLICT, error=f"changed by someone else: it now holds {shown} "
                          f"(version {current.version}); not overwritten")  # fmt: skip
        if cancel is not None and cancel.is_set():
            return finish(State.CANCELLED, error="cancelled before it was sent")
        version = current.version

        def on_sent(v: int = version) -> None:
            nonlocal sent
            sent += 1
            journal.update(entry_id, State.SENT, version_sent=v)

        journal.update(entry_id, State.PENDING, version_sent=version)
        try:
            updated = await api.patch_action(
                change.action_id, patch_body(current, change.after), bulk=True, on_sent=on_sent
            )
        except ConflictError as exc:
            try:
                current = await _reread(api, change.action_id)
            except GenesysError as read_exc:
                why = f"{clean(exc)}; re-read failed: {clean(read_exc)}"
                return finish(State.FAILED, error=why, correlation_id=exc.context_id)
            continue
        except TransportError as exc:
            if not exc.maybe_applied:
                return finish(State.FAILED, error=f"not sent: {clean(exc)}")
            journal.update(entry_id, State.UNKNOWN, error=clean(exc))
            try:
                again = await _reread(api, change.action_id)
            except GenesysError as read_exc:
                return finish(State.UNKNOWN, error=f"{clean(exc)}; re-read failed: {clean(read_exc)}")
            if again is not None and timeout_of(again) == change.after and again.version > version:
                return finish(State.DONE, version=again.version)
            current = again
            continue
        except ApiError as exc:
            return finish(State.FAILED, error=clean(exc), correlation_id=exc.context_id)
        timeout = timeout_of(updated)
        if timeout != change.after:  # the API answered 2xx but holds something else
            return finish(State.FAILED, error=f"the API answered with timeout {timeout}")
        return finish(State.DONE, version=updated.version)
    return finish(State.FAILED, error=f"the version kept changing; gave up after {MAX_ATTEMPTS} tries")
