"""Small request/response helpers shared by the route modules."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gctui.sim.errors import bad_request, missing_permissions, not_found
from gctui.sim.runtime import SimRuntime


class Json(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode()


def runtime(request: Request) -> SimRuntime:
    rt: SimRuntime = request.app.state.sim
    return rt


def by_id(request: Request, index: dict[str, Any], param: str, kind: str) -> Any:
    """The entity whose id is the path parameter ``param``, or a 404 ErrorBody naming ``kind``."""
    entity = index.get(request.path_params[param])
    if entity is None:
        raise not_found(kind)
    return entity


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise bad_request("The request body is required and must be a JSON document", "body")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise bad_request(f"Unable to parse the request body as JSON: {exc}", "body") from None


async def json_object(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object", "body")
    return body


def require(request: Request, permission: str) -> None:
    """403 ``missing.any.permissions`` when the caller's token lacks ``permission``."""
    rec = request.state.token
    if permission in rec.missing:
        raise missing_permissions([permission])
