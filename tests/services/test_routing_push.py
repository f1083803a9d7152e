"""The BI push: canonical bytes, journal before sending, audit after (SHA-256 of the exact
bytes, status, latency, never the URL), failures; and the weights saved per profile."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from gctui.services.routing import PushStore, canonical_json, envelope, push
from gctui.services.routing.saved import forget, load_saved, save

SECRET_URL = "https://bi.example/hook/TOKEN-IN-PATH"


def _doc() -> dict[str, object]:
    records = [{"queueId": "q1", "name": "Sales é", "score": 0.5, "rank": 1}]
    return envelope(
        records,
        interval="2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z",
        weights={"asa": 0.4},
        evaluation_type="queue",
        now=datetime(2024, 5, 2, 8, 0, 1, 234000, tzinfo=UTC),
    )


def test_envelope_and_canonical_bytes() -> None:
    doc = _doc()
    assert doc["timestamp"] == "2024-05-02T08:00:01.234Z"
    assert (doc["evaluationType"], doc["recordCount"]) == ("queue", 1)
    body = canonical_json(doc)
    assert body == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical_json(json.loads(body)) == body  # stable through a round trip
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


async def test_push_journals_before_sending_and_audits_the_exact_bytes(tmp_path: Path) -> None:
    got: list[bytes] = []
    seen_states: list[list[tuple[int, str]]] = []
    store = PushStore(tmp_path / "routing.sqlite3", "scope-a")

    def handler(request: httpx.Request) -> httpx.Response:
        seen_states.append(store.states())  # what the journal says while the POST is in flight
        got.append(request.content)
        assert request.headers["X-Key"] == "k" and request.headers["Content-Type"] == "application/json"
        return httpx.Response(202)

    with store:
        outcome = await push(
            store, SECRET_URL, _doc(), headers={"X-Key": "k"}, transport=httpx.MockTransport(handler)
        )
        assert outcome.ok and outcome.status == 202
        assert seen_states == [[(1, "sent")]]
        assert store.states() == [(1, "done")]
        (record,) = store.audit_records()
    assert record["sha256"] == hashlib.sha256(got[0]).hexdigest() == outcome.sha256
    assert record["rows"] == 1 and record["weights"] == {"asa": 0.4} and record["status"] == 202
    assert record["latencyMs"] >= 0 and record["host"] == "bi.example"
    lines = (tmp_path / "routing-audit.jsonl").read_text().splitlines()
    assert [json.loads(x)["sha256"] for x in lines] == [outcome.sha256]
    for f in (tmp_path / "routing.sqlite3", tmp_path / "routing-audit.jsonl"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert "TOKEN-IN-PATH" not in f.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("handler", "state", "status", "error"),
    [
        (lambda r: httpx.Response(500), "failed", 500, "answered HTTP 500"),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("boom")), "unknown", None, "could not reach"),
    ],
)
async def test_failed_push_is_audited(
    tmp_path: Path, handler: object, state: str, status: int | None, error: str
) -> None:
    with PushStore(tmp_path / "r.sqlite3") as store:
        outcome = await push(store, SECRET_URL, _doc(), transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
        assert not outcome.ok and error in (outcome.error or "")
        assert "TOKEN" not in (outcome.error or "")
        (record,) = store.audit_records()
    assert (record["state"], record["status"]) == (state, status)


def test_weights_saved_per_profile_atomically(tmp_path: Path) -> None:
    path = tmp_path / "routing-weights.json"
    assert load_saved("prod", path) is None
    save("prod", {"asa": 1.0}, {"asa": False}, path)
    save("test", {"handled": 2.0, "aht": 1.0}, {"aht": True}, path)
    assert load_saved("prod", path) == ({"asa": 1.0}, {"asa": False})
    assert load_saved("test", path) == ({"handled": 2.0, "aht": 1.0}, {"aht": True})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["routing-weights.json"]  # no temp file left
    forget("prod", path)
    assert load_saved("prod", path) is None and load_saved("test", path) is not None
    with pytest.raises(ValueError):
        save("x", {"asa": 0.0}, {}, path)
    path.write_text("{not json")
    assert load_saved("test", path) is None  # a damaged file is ignored, not fatal
