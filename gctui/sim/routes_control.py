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

A bad body (not JSON, not an object, an unknown, missing, mistyped or out-of-range field) is a 400
``bad.request`` ErrorBody naming the field and what it allows.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.config import MAX_LATENCY_MS
from gctui.sim.control import FAULT_METHODS, FAULT_WHEN, MAX_FAULT_COUNT, FaultStatus, is_fault_status
from gctui.sim.errors import bad_request
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


C = "/sim/control"
ROUTES = [
    Route(f"{C}/stats", stats, methods=["GET"]),
    Route(f"{C}/faults", faults, methods=["POST", "DELETE"]),
    Route(f"{C}/fault-rate", fault_rate, methods=["PUT"]),
    Route(f"{C}/latency", latency, methods=["PUT"]),
    Route(f"{C}/expire-tokens", expire_tokens, methods=["POST"]),
    Route(f"{C}/webhooks/{{name}}/fail", webhook_fail, methods=["PUT"]),
]
