"""The payload: canonical JSON bytes and the SHA-256 of exactly those bytes."""

from __future__ import annotations

import hashlib

from gctui.services.audit import canonical_json as canonical
from gctui.services.scaling import Forecast, Kind, NodeGroup, Recommendation, ThresholdMatrix, payload_bytes
from gctui.services.scaling.payload import idempotency_key

M = ThresholdMatrix()


def rec(name: str = "Paris", trigger: Forecast | None = None) -> Recommendation:
    return Recommendation(NodeGroup("g-1", name, ("e1", "e2", "e3", "e4"), 7), 4, 5, ("why",), trigger)


def test_default_payload_bytes_and_hash() -> None:
    data, sha = payload_bytes(rec(), M)
    expected = (
        b'{"cpuThresholds":{"critical":0.9,"warning":0.75},"currentNodes":4,"forecast":null,'
        b'"memoryThresholds":{"critical":0.95,"warning":0.8},"nodeGroupId":"g-1","requestedNodes":5}'
    )
    assert data == expected
    assert sha == hashlib.sha256(expected).hexdigest()


def test_the_trigger_forecast_is_in_the_payload() -> None:
    f = Forecast("edge:e1:cpu", Kind.CPU, "e1", "g-1", "Paris", 0.8123456, 1.0, 0.75, 0.9, "holt", 12, 330.4,
                 0.41, "trend", 3600, 0.0, 900.2)  # fmt: skip
    data, _ = payload_bytes(rec(trigger=f), M)
    assert (
        b'"forecast":{"critical":0.9,"current":0.8123,"driver":"trend","forecast":1.0,"horizonSeconds":3600,'
        b'"kind":"cpu","model":"holt","name":"e1","resource":"edge:e1:cpu","secondsToCritical":900,'
        b'"slopePerHour":0.41,"windowPoints":12,"windowSeconds":330}'
    ) in data


def test_template_keeps_types_and_utf8() -> None:
    template = '{"group": "${nodeGroupName}", "n": "${requestedNodes}", "note": "to ${requestedNodes} nodes", "k": 1}'
    data, sha = payload_bytes(rec("Zürich"), M, template=template, profile="prod")
    assert data == '{"group":"Zürich","k":1,"n":5,"note":"to 5 nodes"}'.encode()
    assert sha == hashlib.sha256(data).hexdigest()


def test_canonical_is_stable_and_the_key_follows_the_content() -> None:
    assert canonical({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == b'{"a":[1,{"c":3,"d":2}],"b":1}'
    _, sha = payload_bytes(rec(), M)
    assert idempotency_key("prod", "g-1", sha) == idempotency_key("prod", "g-1", sha)
    assert idempotency_key("prod", "g-1", sha) != idempotency_key("prod", "g-2", sha)
    assert idempotency_key("prod", "g-1", sha) != idempotency_key("test", "g-1", sha)
    assert idempotency_key("prod", "g-1", sha).startswith("gctui-")
    assert idempotency_key("prod", "g-1", sha, 1) != idempotency_key("prod", "g-1", sha, 0)  # a later apply
