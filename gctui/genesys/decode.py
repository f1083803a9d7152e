"""Response decoding: JSON bodies, typed models and Genesys error bodies become values or
exceptions of the one error family. Shared by the client and the pagination helpers."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from gctui.genesys.errors import (
    ApiError,
    AuthenticationError,
    DecodeError,
    LimitHit,
    error_class_for,
)
from gctui.text import clean, clean_optional

M = TypeVar("M", bound=BaseModel)


def decode_json(resp: httpx.Response, method: str, path: str) -> Any:
    try:
        return resp.json()
    except ValueError:
        raise DecodeError(
            f"the API answered {resp.status_code} with a body that is not JSON",
            status=resp.status_code,
            context_id=clean_optional(resp.headers.get("ININ-Correlation-Id")),
            method=method,
            path=path,
        ) from None


def parse_model(data: Any, model: type[M], method: str, path: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errs = exc.errors()
        where = ".".join(str(p) for p in errs[0]["loc"]) if errs else "body"
        msg = errs[0]["msg"] if errs else "invalid"
        raise DecodeError(
            f"unexpected response shape at {where or 'body'}: {msg}",
            status=200,
            method=method,
            path=path,
        ) from None


def retry_after_seconds(resp: httpx.Response) -> float | None:
    raw = resp.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def api_error(resp: httpx.Response, method: str, path: str) -> ApiError:
    body: dict[str, Any] = {}
    try:
        parsed = resp.json()
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        pass
    # Everything below came from the server: cleaned here, before any screen, log or toast.
    message = clean(body.get("message") or resp.reason_phrase or "error")
    limit = None
    raw_limit = body.get("limit")
    if isinstance(raw_limit, dict):
        value = raw_limit.get("value")
        value = value if isinstance(value, int) else None
        key, namespace = raw_limit.get("key"), raw_limit.get("namespace")
        limit = LimitHit(clean_optional(key), clean_optional(namespace), value)
    cls = error_class_for(resp.status_code, message)
    if cls is AuthenticationError and not body.get("message"):
        message = "the API rejected the token"
    return cls(
        message,
        status=resp.status_code,
        code=clean(body["code"]) if isinstance(body.get("code"), str) else None,
        context_id=clean_optional(body.get("contextId") or resp.headers.get("ININ-Correlation-Id")),
        method=method,
        path=path,
        retry_after=retry_after_seconds(resp),
        limit=limit,
        body=body,
    )
