"""`/sim/control` answers a bad body with a 400 ErrorBody naming the field, and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gctui.sim.server import SimServer, SimThread

ERROR_KEYS = {"message", "code", "status", "contextId", "details", "errors"}

BAD = [
    # (method, path, body (bytes = raw), field named, words the message must contain)
    ("PUT", "/fault-rate", {"value": "abc"}, "value", "a number from 0 to 1"),
    ("PUT", "/fault-rate", {"value": 1.5}, "value", "a number from 0 to 1"),
    ("PUT", "/fault-rate", {"value": True}, "value", "a number from 0 to 1"),
    ("PUT", "/fault-rate", b'{"value": NaN}', "value", "a number from 0 to 1"),
    ("PUT", "/fault-rate", {}, "value", "required"),
    ("PUT", "/fault-rate", {"rate": 0.5}, "rate", "allowed fields: value"),
    ("PUT", "/latency", {"value": "abc"}, "value", "an integer from 0 to 60000"),
    ("PUT", "/latency", {"value": -1}, "value", "an integer from 0 to 60000"),
    ("PUT", "/latency", {"value": 99999999999}, "value", "an integer from 0 to 60000"),
    ("PUT", "/latency", {"value": 1e300}, "value", "an integer from 0 to 60000"),
    ("PUT", "/latency", {}, "value", "required"),
    ("POST", "/faults", {"count": "x"}, "count", "an integer from 1 to 1000000"),
    ("POST", "/faults", {"count": -1}, "count", "an integer from 1 to 1000000"),
    ("POST", "/faults", {"count": 0}, "count", "an integer from 1 to 1000000"),
    ("POST", "/faults", {"count": 2.5}, "count", "an integer from 1 to 1000000"),
    ("POST", "/faults", {"status": "teapot"}, "status", '400 to 599 or "drop"'),
    ("POST", "/faults", {"status": 200}, "status", '400 to 599 or "drop"'),
    ("POST", "/faults", {"status": True}, "status", '400 to 599 or "drop"'),
    ("POST", "/faults", {"status": None}, "status", '400 to 599 or "drop"'),
    ("POST", "/faults", {"when": "later"}, "when", "'before', 'after'"),
    ("POST", "/faults", {"method": 5}, "method", "'GET'"),
    ("POST", "/faults", {"method": "FETCH"}, "method", "'GET'"),
    ("POST", "/faults", {"pathPattern": ""}, "pathPattern", "a non-empty string"),
    ("POST", "/faults", {"pathPattern": ["/api/v2/flows"]}, "pathPattern", "a non-empty string"),
    ("POST", "/faults", {"path": "/api/v2/flows"}, "path", "allowed fields: count, method, pathPattern"),
    ("PUT", "/webhooks/scale/fail", {"status": "x"}, "status", "an integer from 400 to 599 or null"),
    ("PUT", "/webhooks/scale/fail", {"status": 503, "count": "x"}, "count", "from 1 to 1000000 or null"),
    ("PUT", "/webhooks/scale/fail", {"status": 503, "count": -2}, "count", "from 1 to 1000000 or null"),
    ("PUT", "/webhooks/scale/fail", {}, "status", "required"),
    ("POST", "/faults", b"not json", "body", "JSON"),
    ("PUT", "/latency", b"[100]", "body", "JSON object"),
    ("PUT", "/fault-rate", b"", "body", "required"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "words"),
    BAD,
    ids=[f"{m} {p} {b!r}" for m, p, b, _, _ in BAD],
)
def test_bad_control_body_is_400_error_body(
    shared_sim: SimThread, method: str, path: str, body: Any, field: str, words: str
) -> None:
    control = shared_sim.control
    before = (control.fault_rate, control.latency_ms, control.stats())
    kw: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    r = httpx.request(method, f"{shared_sim.base_url}/sim/control{path}", **kw)
    assert r.status_code == 400, r.text
    got = r.json()
    assert set(got) >= ERROR_KEYS and got["code"] == "bad.request" and got["status"] == 400
    assert field in got["message"] and words in got["message"]
    assert got["details"] == [{"errorCode": "bad.request", "fieldName": field}]
    assert (control.fault_rate, control.latency_ms, control.stats()) == before


async def test_good_control_bodies_still_work(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        assert (await c.put("/sim/control/fault-rate", json={"value": 0.25})).status_code == 204
        assert (await c.put("/sim/control/latency", json={"value": 7})).status_code == 204
        r = await c.post("/sim/control/faults", json={"method": "get", "status": "drop", "count": 2})
        assert r.status_code == 201
        r = await c.put("/sim/control/webhooks/scale/fail", json={"status": 503, "count": None})
        assert r.status_code == 204
        assert (await c.put("/sim/control/webhooks/scale/fail", json={"status": None})).status_code == 204
    assert sim.control.fault_rate == 0.25 and sim.control.latency_ms == 7
    assert sim.control.stats()["scriptedFaultsPending"] == 2


async def test_library_controls_refuse_the_same_values(sim: SimServer) -> None:
    control = sim.control
    for call in (
        lambda: control.set_latency_ms(99_999_999_999),
        lambda: control.set_fault_rate(float("nan")),
        lambda: control.script_fault("GET", "/api/v2/flows", 503, count=-1),
        lambda: control.script_fault("GET", "/api/v2/flows", True),  # type: ignore[arg-type]
        lambda: control.webhook_fail("scale", 503, count=0),
    ):
        with pytest.raises(ValueError):
            call()
