"""HTTP twin of :class:`gctui.sim.control.SimControl` for an out-of-process ``gctui sim``.

Routes (loopback only, no auth; JSON bodies):

- ``GET    /sim/control/stats``                      -> stats()
- ``POST   /sim/control/faults``  ``{method, pathPattern, status (400-599 or "drop"), count, when}``
  (all optional: ``*``, ``*``, 503, 1, ``before``; ``pathPattern`` may be ``/oauth/token``)
- ``DELETE /sim/control/faults``                     -> clear_faults()
- ``PUT    /sim/control/fault-rate`` ``{value}``     -> set_fault_rate(value)
- ``PUT    /sim/control/latency`` ``{value}``        -> set_latency_ms(value)
- ``POST   /sim/control/expire-tokens``              -> expire_tokens()
- ``PUT    /sim/control/webhooks/{name}/fail`` ``{status (null clears), count?}`` -> webhook_fail()
- ``GET    /sim/control/actions/settings``           -> the data-action settings (below)
- ``PUT    /sim/control/actions/settings``  any of ``{versionMismatchStatus (409|400),
  versionMismatchCode, configPatch ("merge"|"replace"), staleSeconds (0-3600),
  staleReads (int|null), staleProbability (0-1|null)}``; omitted fields keep their value (a new
  status without a code takes that status's default code); answers the full settings
- ``GET    /sim/control/actions/history``            -> ``{actions: {id: {applied, conflicts}}}``
- ``DELETE /sim/control/actions/history``            -> forget all of it
- ``GET    /sim/control/actions/{id}/history``       -> ``{actionId, applied, conflicts, changes:
  [{seq, at, contextId, fields, versionBefore, versionAfter, timeoutSecondsBefore,
  timeoutSecondsAfter}]}`` (404 for an unknown action)
- ``/sim/control/flows/...``: the dependency-tracking build knob, request counters and republishing
  flows (:mod:`gctui.sim.routes_flows_control`)
- ``/sim/control/analytics/jobs/...``: the async aggregate jobs' knobs, clock and list
  (:mod:`gctui.sim.analytics_jobs`)
- ``/sim/control/clock``, ``/sim/control/telephony[/scenario]``, ``/sim/control/webhooks/{name}/mode``:
  the simulator clock, the edge/trunk load scenario, the webhook receiver modes
  (:mod:`gctui.sim.scaling_routes`)

A bad body (not JSON, not an object, an unknown, missing, mistyped or out-of-range field) is a 400
``bad.request`` ErrorBody naming the field and what it allows.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim import analytics_jobs, routes_flows_control, scaling_routes
from gctui.sim.action_state import (
    CONFIG_PATCH_MODES,
    MAX_STALE_READS,
    MAX_STALE_SECONDS,
    VERSION_MISMATCH_STATUSES,
)
from gctui.sim.config import MAX_LATENCY_MS
from gctui.sim.control import FAULT_METHODS, FAULT_WHEN, MAX_FAULT_COUNT, FaultStatus, is_fault_status
from gctui.sim.errors import bad_request, not_found
from gctui.sim.fields import choice_field, int_field, number_field, reject_unknown, shown, text_field
from gctui.sim.http import Json, json_object, runtime

FAULT_FIELDS = ("method", "pathPattern", "status", "count", "when")


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise bad_request(str(exc)) from None


async def stats(request: Request) -> Response:
    return Json(runtime(request).control.stats())


def _fault_status(body: dict[str, Any]) -> FaultStatus:
    status = body.get("status", 503)
    if not is_fault_status(status):
        raise bad_request(
            f'status must be an HTTP error status from 400 to 599 or "drop" (got {shown(status)})', "status"
        )
    return status  # type: ignore[no-any-return]


async def faults(request: Request) -> Response:
    control = runtime(request).control
    if request.method == "DELETE":
        control.clear_faults()
        return Response(status_code=204)
    body = await json_object(request)
    reject_unknown(body, FAULT_FIELDS)
    method = choice_field(body, "method", FAULT_METHODS, "*", fold=True)
    pattern = text_field(body, "pathPattern", "*")
    status = _fault_status(body)
    count = int_field(body, "count", 1, MAX_FAULT_COUNT, 1)
    when = choice_field(body, "when", FAULT_WHEN, "before")
    _call(control.script_fault, method, pattern, status, count, when)
    return Json({"scripted": True}, status_code=201)


async def fault_rate(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, ("value",))
    _call(runtime(request).control.set_fault_rate, number_field(body, "value", 0.0, 1.0))
    return Response(status_code=204)


async def latency(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, ("value",))
    _call(runtime(request).control.set_latency_ms, int_field(body, "value", 0, MAX_LATENCY_MS))
    return Response(status_code=204)


async def expire_tokens(request: Request) -> Response:
    return Json({"expired": runtime(request).control.expire_tokens()})


async def webhook_fail(request: Request) -> Response:
    body = await json_object(request)
    reject_unknown(body, ("status", "count"))
    status = int_field(body, "status", 400, 599, nullable=True)
    count = int_field(body, "count", 1, MAX_FAULT_COUNT, None, nullable=True)
    _call(runtime(request).control.webhook_fail, request.path_params["name"], status, count)
    return Response(status_code=204)


ACTION_SETTING_FIELDS = {
    "versionMismatchStatus": "version_mismatch_status",
    "versionMismatchCode": "version_mismatch_code",
    "configPatch": "config_patch",
    "staleSeconds": "stale_seconds",
    "staleReads": "stale_reads",
    "staleProbability": "stale_probability",
}


def _nullable_number(body: dict[str, Any], name: str, lo: float, hi: float) -> float | None:
    if body[name] is None:
        return None
    return number_field(body, name, lo, hi)


async def action_settings(request: Request) -> Response:
    state = runtime(request).actions
    if request.method == "GET":
        return Json(state.settings.to_json())
    body = await json_object(request)
    reject_unknown(body, ACTION_SETTING_FIELDS)
    changes: dict[str, Any] = {}
    if "versionMismatchStatus" in body:
        status = body["versionMismatchStatus"]
        if status not in VERSION_MISMATCH_STATUSES or isinstance(status, bool):
            raise bad_request(
                f"versionMismatchStatus must be 409 or 400 (got {shown(status)})", "versionMismatchStatus"
            )
        changes["version_mismatch_status"] = status
    if "versionMismatchCode" in body:
        changes["version_mismatch_code"] = text_field(body, "versionMismatchCode")
    if "configPatch" in body:
        changes["config_patch"] = choice_field(body, "configPatch", CONFIG_PATCH_MODES)
    if "staleSeconds" in body:
        changes["stale_seconds"] = number_field(body, "staleSeconds", 0, MAX_STALE_SECONDS)
    if "staleReads" in body:
        changes["stale_reads"] = int_field(body, "staleReads", 0, MAX_STALE_READS, nullable=True)
    if "staleProbability" in body:
        changes["stale_probability"] = _nullable_number(body, "staleProbability", 0.0, 1.0)
    return Json(_call(state.update_settings, **changes).to_json())


async def actions_history(request: Request) -> Response:
    state = runtime(request).actions
    if request.method == "DELETE":
        state.clear_history()
        return Response(status_code=204)
    return Json(state.summary())


async def action_history(request: Request) -> Response:
    rt = runtime(request)
    action_id = request.path_params["action_id"]
    if action_id not in rt.org.action_by_id:
        raise not_found(f"Action {action_id}")
    return Json(rt.actions.history(action_id))


C = "/sim/control"
ROUTES = [
    Route(f"{C}/stats", stats, methods=["GET"]),
    Route(f"{C}/faults", faults, methods=["POST", "DELETE"]),
    Route(f"{C}/fault-rate", fault_rate, methods=["PUT"]),
    Route(f"{C}/latency", latency, methods=["PUT"]),
    Route(f"{C}/expire-tokens", expire_tokens, methods=["POST"]),
    Route(f"{C}/webhooks/{{name}}/fail", webhook_fail, methods=["PUT"]),
    Route(f"{C}/actions/settings", action_settings, methods=["GET", "PUT"]),
    Route(f"{C}/actions/history", actions_history, methods=["GET", "DELETE"]),
    Route(f"{C}/actions/{{action_id}}/history", action_history, methods=["GET"]),
    *routes_flows_control.ROUTES,
    *analytics_jobs.CONTROL_ROUTES,
    *scaling_routes.CONTROL_ROUTES,
]
