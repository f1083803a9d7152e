"""ErrorBody responses: every non-2xx under ``/api/v2`` uses this shape.

``{message, code, status, contextId, details, errors}`` (+ ``limit`` on 429s), and the
``ININ-Correlation-Id`` header equals ``contextId`` (the gate adds the header).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

CORRELATION_HEADER = "ININ-Correlation-Id"


class ApiError(Exception):
    """Raised by handlers; rendered as an ErrorBody by the app's exception handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}
        self.extra = extra or {}


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def error_body(
    status: int,
    code: str,
    message: str,
    context_id: str,
    *,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    details: list[dict[str, Any]] = []
    if field:
        details.append({"errorCode": code, "fieldName": field})
    body: dict[str, Any] = {
        "message": message,
        "code": code,
        "status": status,
        "contextId": context_id,
        "details": details,
        "errors": [],
    }
    if extra:
        body.update(extra)
    return body


def error_bytes(status: int, code: str, message: str, context_id: str, **kw: Any) -> bytes:
    return json.dumps(error_body(status, code, message, context_id, **kw)).encode()


def bad_request(message: str, field: str | None = None, code: str = "bad.request") -> ApiError:
    return ApiError(400, code, message, field=field)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not.found", f"{what} not found")


def missing_permissions(perms: tuple[str, ...] | list[str]) -> ApiError:
    listed = ", ".join(perms)
    return ApiError(
        403,
        "missing.any.permissions",
        "Unable to perform the requested action. You must have at least one of the following "
        f"permissions assigned: [{listed}]",
        extra={
            "messageWithParams": "Unable to perform the requested action. You must have at least one "
            "of the following permissions assigned: {permissions}",
            "messageParams": {"permissions": listed},
        },
    )
