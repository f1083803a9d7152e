"""Assemble the Starlette app: routes, ErrorBody rendering for every error, the gate in front."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from gctui.sim import (
    analytics_jobs,
    routes_actions,
    routes_control,
    routes_flows,
    routes_org,
    routes_routing,
    routes_telephony,
)
from gctui.sim.analytics_actions import action_aggregates
from gctui.sim.analytics_conv import conversation_aggregates
from gctui.sim.analytics_obs import queue_observations
from gctui.sim.errors import ApiError, error_body, new_correlation_id
from gctui.sim.gate import Gate
from gctui.sim.http import Json
from gctui.sim.runtime import SimRuntime
from gctui.sim.webhooks import list_webhook, receive_webhook

AN = "/api/v2/analytics"
STATUS_CODES = {
    400: "bad.request",
    401: "authentication.required",
    403: "forbidden",
    404: "not.found",
    405: "method.not.allowed",
    415: "unsupported.media.type",
    500: "internal.server.error",
}


def _context_id(request: Request) -> str:
    return getattr(request.state, "correlation_id", None) or new_correlation_id()


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    body = error_body(
        exc.status, exc.code, exc.message, _context_id(request), field=exc.field, extra=exc.extra
    )
    return Json(body, status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status == 404:
        message = f"Resource not found: {request.method} {request.url.path}"
    elif status == 405:
        message = f"HTTP method {request.method} is not supported by {request.url.path}"
    else:
        message = str(exc.detail)
    body = error_body(status, STATUS_CODES.get(status, "error"), message, _context_id(request))
    return Json(body, status_code=status, headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> Response:
    body = error_body(
        500, "internal.server.error", "The simulator failed to process the request", _context_id(request)
    )
    return Json(body, status_code=500)


def build_app(runtime: SimRuntime) -> ASGIApp:
    routes = [
        *routes_org.ROUTES,
        *routes_telephony.ROUTES,
        *routes_actions.ROUTES,
        *routes_flows.ROUTES,
        Route(f"{AN}/conversations/aggregates/query", conversation_aggregates, methods=["POST"]),
        *analytics_jobs.ROUTES,
        *routes_routing.ROUTES,
        Route(f"{AN}/queues/observations/query", queue_observations, methods=["POST"]),
        Route(f"{AN}/actions/aggregates/query", action_aggregates, methods=["POST"]),
        Route("/sim/webhooks/{name}", receive_webhook, methods=["POST"]),
        Route("/sim/webhooks/{name}", list_webhook, methods=["GET"]),
        *routes_control.ROUTES,
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.sim = runtime
    return Gate(app, runtime)
