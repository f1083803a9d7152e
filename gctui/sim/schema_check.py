"""Check a data action's input against its ``contract.input.inputSchema`` (the JSON-schema subset
the simulator generates: ``type``, ``required``, ``properties``, ``additionalProperties``,
``enum``, ``minimum``/``maximum``, ``pattern``, nested objects and arrays of ``items``).

:func:`first_violation` returns ``(field path, message)`` for the first problem, or None.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gctui.sim.fields import shown

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _type_ok(value: Any, expected: str | list[str]) -> bool:
    names = [expected] if isinstance(expected, str) else expected
    for name in names:
        kinds = _TYPES.get(name)
        if kinds is None:
            return True  # a type the simulator does not know: do not refuse input for it
        if isinstance(value, bool) and name in ("integer", "number"):
            continue
        if name == "integer" and isinstance(value, float) and value.is_integer():
            return True
        if isinstance(value, kinds):
            return True
    return False


def first_violation(schema: dict[str, Any], value: Any, path: str = "") -> tuple[str, str] | None:
    where = path or "input"
    expected = schema.get("type")
    if expected is not None and not _type_ok(value, expected):
        return where, f"{where} must be of type {expected} (got {shown(value)})"
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(shown(v) for v in schema["enum"])
        return where, f"{where} must be one of {allowed} (got {shown(value)})"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return where, f"{where} must be at least {schema['minimum']} (got {shown(value)})"
        if "maximum" in schema and value > schema["maximum"]:
            return where, f"{where} must be at most {schema['maximum']} (got {shown(value)})"
    if isinstance(value, str) and "pattern" in schema and not _regex(schema["pattern"]).search(value):
        return where, f"{where} must match the pattern {schema['pattern']} (got {shown(value)})"
    if isinstance(value, dict):
        props: dict[str, Any] = schema.get("properties", {})
        prefix = f"{path}." if path else ""
        for name in schema.get("required", ()):
            if name not in value:
                return prefix + name, f"{prefix}{name} is required by the action's input contract"
        for name, item in value.items():
            if name in props:
                found = first_violation(props[name], item, prefix + name)
                if found:
                    return found
            elif schema.get("additionalProperties") is False:
                allowed = ", ".join(sorted(props)) or "none"
                return prefix + name, f"{prefix}{name} is not a property of the input (allowed: {allowed})"
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            found = first_violation(schema["items"], item, f"{where}[{i}]")
            if found:
                return found
    return None
