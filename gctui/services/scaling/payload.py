"""The webhook payload: canonical JSON (sorted keys, compact separators, UTF-8) and the SHA-256
of exactly those bytes, which is also what the receiver gets and what the audit records.

By default the seed's fields: the node group id, current and requested nodes, the CPU and memory
thresholds and the forecast that triggered it. A ``payload_template`` (a JSON object in the
config) replaces that shape: a string that is exactly ``"${field}"`` becomes the field's value
(any JSON type), ``${field}`` inside a longer string is replaced by its text."""

from __future__ import annotations

import json
import re
from typing import Any

from gctui.config.scaling import ThresholdMatrix
from gctui.services.audit import canonical_json as canonical
from gctui.services.audit import sha256_hex
from gctui.services.scaling.models import Forecast, Recommendation

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9]*)\}")


def forecast_doc(f: Forecast | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "resource": f.key,
        "kind": str(f.kind),
        "name": f.name,
        "current": _r(f.current),
        "forecast": _r(f.forecast),
        "critical": f.critical,
        "horizonSeconds": round(f.horizon_seconds),
        "secondsToCritical": None if f.seconds_to_critical is None else round(f.seconds_to_critical),
        "model": f.model,
        "windowPoints": f.window_points,
        "windowSeconds": round(f.window_seconds),
        "slopePerHour": _r(f.slope_per_hour),
        "driver": f.driver,
    }


def fields_of(rec: Recommendation, thresholds: ThresholdMatrix, profile: str) -> dict[str, Any]:
    """Every value a template may use (``gctui.config.scaling.TEMPLATE_FIELDS``)."""
    return {
        "nodeGroupId": rec.group.id,
        "nodeGroupName": rec.group.name,
        "currentNodes": rec.current_nodes,
        "requestedNodes": rec.requested_nodes,
        "cpuThresholds": {"warning": thresholds.cpu_warning, "critical": thresholds.cpu_critical},
        "memoryThresholds": {"warning": thresholds.memory_warning, "critical": thresholds.memory_critical},
        "forecast": forecast_doc(rec.trigger),
        "reasons": list(rec.reasons),
        "profile": profile,
        "source": "gctui",
    }


def payload_doc(
    rec: Recommendation, thresholds: ThresholdMatrix, *, template: str = "", profile: str = ""
) -> Any:
    values = fields_of(rec, thresholds, profile)
    if not template.strip():
        keys = (
            "nodeGroupId",
            "currentNodes",
            "requestedNodes",
            "cpuThresholds",
            "memoryThresholds",
            "forecast",
        )
        return {k: values[k] for k in keys}
    return _fill(json.loads(template), values)


def payload_bytes(
    rec: Recommendation, thresholds: ThresholdMatrix, *, template: str = "", profile: str = ""
) -> tuple[bytes, str]:
    """(the canonical bytes, their SHA-256 hex)."""
    data = canonical(payload_doc(rec, thresholds, template=template, profile=profile))
    return data, sha256_hex(data)


def idempotency_key(scope: str, group_id: str, sha256: str, generation: int = 0) -> str:
    """Derived from what is sent and from ``generation``: how many applies of the group have been
    settled (applied or refused) before. Every retry and every re-send after a lost answer reuses
    the key journaled with the bytes, so a receiver that de-duplicates by key acts once; a new
    apply after a definitive answer gets a new key, so a receiver that remembers a refusal by its
    key does not replay it to a later, legitimate apply of the same content."""
    text = "\x00".join((scope, group_id, sha256, str(generation)))
    return "gctui-" + sha256_hex(text.encode())[:40]


def _fill(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node)
        if whole:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: _text(values[m.group(1)]), node)
    return node


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
