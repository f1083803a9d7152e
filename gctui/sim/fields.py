"""Strict readers for fields of a JSON request body (the ``/sim/control`` routes).

A missing, mistyped or out-of-range field is a 400 ``bad.request`` ErrorBody whose message names
the field, says what is allowed and shows what was sent; ``details[0].fieldName`` names it too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from typing import Any

from gctui.sim.errors import ApiError, bad_request

REQUIRED: Any = object()


def shown(value: Any) -> str:
    try:
        text = json.dumps(value)
    except ValueError:  # NaN/Infinity are not JSON
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bad(name: str, allowed: str, value: Any) -> ApiError:
    return bad_request(f"{name} must be {allowed} (got {shown(value)})", name)


def _get(body: dict[str, Any], name: str, default: Any, allowed: str) -> Any:
    if name in body:
        return body[name]
    if default is REQUIRED:
        raise bad_request(f"{name} is required: {allowed}", name)
    return default


def reject_unknown(body: dict[str, Any], known: Collection[str]) -> None:
    extra = sorted(set(body) - set(known))
    if extra:
        raise bad_request(f"unknown field {extra[0]!r}; allowed fields: {', '.join(sorted(known))}", extra[0])


def int_field(
    body: dict[str, Any], name: str, lo: int, hi: int, default: Any = REQUIRED, *, nullable: bool = False
) -> int | None:
    allowed = f"an integer from {lo} to {hi}" + (" or null" if nullable else "")
    value = _get(body, name, default, allowed)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _bad(name, allowed, value)
    return value


def number_field(body: dict[str, Any], name: str, lo: float, hi: float, default: Any = REQUIRED) -> float:
    allowed = f"a number from {lo:g} to {hi:g}"
    value = _get(body, name, default, allowed)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not lo <= value <= hi
    ):
        raise _bad(name, allowed, value)
    return float(value)


def choice_field(
    body: dict[str, Any], name: str, choices: Collection[str], default: Any = REQUIRED, *, fold: bool = False
) -> str:
    """A string among ``choices`` (compared upper-cased when ``fold``)."""
    allowed = "one of " + ", ".join(repr(c) for c in choices)
    value = _get(body, name, default, allowed)
    if not isinstance(value, str) or (value.upper() if fold else value) not in choices:
        raise _bad(name, allowed, value)
    return value.upper() if fold else value


def text_field(body: dict[str, Any], name: str, default: Any = REQUIRED) -> str:
    allowed = "a non-empty string"
    value = _get(body, name, default, allowed)
    if not isinstance(value, str) or not value:
        raise _bad(name, allowed, value)
    return value
