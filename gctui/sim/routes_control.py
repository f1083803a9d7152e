"""HTTP twin of :class:`gctui.sim.control.SimControl` for an out-of-process ``gctui sim``.

Routes (loopback only, no auth; JSON bodies):

- ``GET    /sim/control/stats``                      -> stats()
- ``POST   /sim/control/faults``  ``{method, pathPattern, status (int or "drop"), count, when}``
- ``DELETE /sim/control/faults``                     -> clear_faults()
- ``PUT    /sim/control/fault-rate`` ``{value}``     -> set_fault_rate(value)
- ``PUT    /sim/control/latency`` ``{value}``        -> set_latency_ms(value)
- ``POST   /sim/control/expire-tokens``              -> expire_tokens()
- ``PUT    /sim/control/webhooks/{name}/fail`` ``{status (null clears), count?}`` -> webhook_fail()
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.errors import bad_request
from gctui.sim.http import Json, json_object, runtime


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise bad_request(str(exc)) from None


async def stats(request: Request) -> Response:
    return Json(runtime(request).control.stats())


async def faults(request: Request) -> Response:
    control = runtime(request).control
    if request.method == "DELETE":
        control.clear_faults()
        return Response(status_code=204)
    body = await json_object(request)
    _call(
        control.script_fault,
        str(body.get("method", "*")),
        str(body.get("pathPattern", "*")),
        body.get("status", 503),
        int(body.get("count", 1)),
        body.get("when", "before"),
    )
    return Json({"scripted": True}, status_code=201)


async def fault_rate(request: Request) -> Response:
    body = await json_object(request)
    _call(runtime(request).control.set_fault_rate, float(body.get("value", 0.0)))
    return Response(status_code=204)


async def latency(request: Request) -> Response:
    body = await json_object(request)
    _call(runtime(request).control.set_latency_ms, int(body.get("value", 0)))
    return Response(status_code=204)


async def expire_tokens(request: Request) -> Response:
    return Json({"expired": runtime(request).control.expire_tokens()})


async def webhook_fail(request: Request) -> Response:
    body = await json_object(request)
    status = body.get("status")
    runtime(request).control.webhook_fail(
        request.path_params["name"], None if status is None else int(status), body.get("count")
    )
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
