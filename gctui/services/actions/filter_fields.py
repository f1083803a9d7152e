"""The fields a filter expression may name, their types and units (see ``filter_parse``).

| field        | type   | unit    | meaning                                              |
|--------------|--------|---------|------------------------------------------------------|
| name         | text   |         | action name                                          |
| category     | text   |         | category (usually the integration's name)            |
| integration  | text   |         | integration id                                       |
| host         | text   |         | host of the request URL (a placeholder stays as is)  |
| method       | text   |         | HTTP method (GET, POST…)                             |
| id           | text   |         | action id                                            |
| secure       | bool   |         | secure data action                                   |
| risk         | bool   |         | flagged at risk (see risk_reason)                    |
| default      | bool   |         | no timeout configured: the platform default applies  |
| suggestion   | bool   |         | a suggested timeout that differs from the current one|
| timeout      | number | s       | effective timeout                                    |
| configured   | number | s       | configured timeout (missing when default)            |
| suggested    | number | s       | suggested timeout                                    |
| p95, p99     | number | ms      | execution time percentiles over the window           |
| headroom     | number | ms      | timeout x 1000 - p99                                 |
| executions, errors, timeouts, version | number | count |                         |

Numbers take an optional unit: ``p99>2.5s`` is ``p99>2500``, ``timeout<=3000ms`` is ``timeout<=3``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from gctui.services.actions.rows import ActionRow


class Kind(enum.Enum):
    TEXT = "text"
    BOOL = "true/false"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    get: Callable[[ActionRow], str | bool | float | None]
    unit: str = ""  # "s", "ms" or "" (a count)

    def describe(self) -> str:
        unit = {"s": " (seconds)", "ms": " (milliseconds)"}.get(self.unit, "")
        return f"{self.name}: {self.kind.value}{unit}"


_FIELDS = [
    Field("name", Kind.TEXT, lambda r: r.name),
    Field("category", Kind.TEXT, lambda r: r.category),
    Field("integration", Kind.TEXT, lambda r: r.integration_id),
    Field("host", Kind.TEXT, lambda r: r.host),
    Field("method", Kind.TEXT, lambda r: r.method),
    Field("id", Kind.TEXT, lambda r: r.id),
    Field("secure", Kind.BOOL, lambda r: r.secure),
    Field("risk", Kind.BOOL, lambda r: r.risk),
    Field("default", Kind.BOOL, lambda r: r.timeout_is_default),
    Field("suggestion", Kind.BOOL, lambda r: r.suggestion_changes),
    Field("timeout", Kind.NUMBER, lambda r: r.effective_timeout, "s"),
    Field("configured", Kind.NUMBER, lambda r: r.configured_timeout, "s"),
    Field("suggested", Kind.NUMBER, lambda r: r.suggested_timeout, "s"),
    Field("p95", Kind.NUMBER, lambda r: r.p95_ms, "ms"),
    Field("p99", Kind.NUMBER, lambda r: r.p99_ms, "ms"),
    Field("headroom", Kind.NUMBER, lambda r: r.headroom_ms, "ms"),
    Field("executions", Kind.NUMBER, lambda r: r.executions),
    Field("errors", Kind.NUMBER, lambda r: r.errors),
    Field("timeouts", Kind.NUMBER, lambda r: r.timeouts),
    Field("version", Kind.NUMBER, lambda r: r.version),
]
FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}

_SCALE = {("s", "s"): 1.0, ("s", "ms"): 0.001, ("ms", "s"): 1000.0, ("ms", "ms"): 1.0}


def convert(field: Field, number: float, unit: str) -> float | None:
    """``number`` given in ``unit`` expressed in the field's unit; None when they do not mix."""
    if not unit:
        return number
    scale = _SCALE.get((field.unit, unit))
    return None if scale is None else number * scale


def fields_help() -> str:
    return "; ".join(f.describe() for f in _FIELDS)
