"""Apply against a respx-mocked receiver: journal before the POST, the Idempotency-Key kept across
retries and across runs after a lost answer, refusals before anything is sent (read-only,
cool-down, nothing to do), secrets never in the journal or the audit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
import respx

from gctui.services.scaling import (
    ApplyRefused,
    NodeGroup,
    Recommendation,
    ScalingStore,
    ThresholdMatrix,
    Verification,
    WebhookTarget,
    payload_bytes,
)
from gctui.services.scaling.apply import apply
from gctui.services.scaling.payload import idempotency_key

URL = "https://hooks.example/scale/TOKEN-IN-URL"
SECRET = "s3cr3t-shared"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> ScalingStore:
    s = ScalingStore(tmp_path / "scaling.sqlite3", "prod@x#c")
    yield s  # type: ignore[misc]
    s.close()


def plan(requested: int = 5, gid: str = "g-1") -> tuple[bytes, str, str, int, int]:
    rec = Recommendation(NodeGroup(gid, "Paris", ("a", "b", "c", "d")), 4, requested, ("why",), None)
    data, sha = payload_bytes(rec, ThresholdMatrix())
    return data, sha, idempotency_key("prod@x#c", gid, sha), 4, requested


async def run(store: ScalingStore, clock: Clock, *, requested: int = 5, read_only: bool = False,
              retries: int = 2, verify: object = None, gid: str = "g-1", cooldown: float = 600) -> object:  # fmt: skip
    data, sha, _, current, req = plan(requested, gid)
    key = None  # derived by apply: content + how many applies of the group were settled
    target = WebhookTarget(URL, timeout=0.5, headers={"X-Shared-Secret": SECRET}, retries=retries)

    async def ok() -> Verification:
        return Verification("healthy", "7 probes: healthy")

    return await apply(
        store, group_id=gid, current=current, requested=req, payload=data, sha256=sha, key=key,
        target=target, read_only=read_only, cooldown_s=cooldown, profile="prod",
        verify=verify or ok, clock=clock,  # type: ignore[arg-type]
    )  # fmt: skip


@respx.mock
async def test_applied_once_audited_with_the_sha_of_the_bytes_sent(store: ScalingStore) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(200, json={"accepted": True}))
    out = await run(store, Clock())
    assert out.outcome == "applied" and out.attempts == 1 and out.status_code == 200  # type: ignore[attr-defined]
    req = route.calls.last.request
    assert req.headers["Idempotency-Key"] == out.idempotency_key  # type: ignore[attr-defined]
    assert req.headers["X-Shared-Secret"] == SECRET and req.headers["Content-Type"] == "application/json"
    assert hashlib.sha256(req.content).hexdigest() == out.sha256 == out.record["payloadSha256"]  # type: ignore[attr-defined]
    (record,) = store.audit_records()
    assert record["outcome"] == "applied" and record["verification"]["status"] == "healthy"
    assert record["webhookResponse"] == '{"accepted":true}' and record["profile"] == "prod"
    lines = store.audit_path.read_text().splitlines()
    assert [json.loads(x) for x in lines] == [record]
    assert (store.audit_path.stat().st_mode & 0o077) == 0
    for blob in (store.audit_path.read_bytes(), store.path.read_bytes()):
        assert SECRET.encode() not in blob and b"TOKEN-IN-URL" not in blob


@respx.mock
async def test_refused_is_not_acted_not_retried_and_audited(store: ScalingStore) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(422, text="no \x1b[31mcapacity"))
    out = await run(store, Clock())
    assert out.outcome == "refused" and out.attempts == 1 and route.call_count == 1  # type: ignore[attr-defined]
    assert out.verification is None  # type: ignore[attr-defined]
    (record,) = store.audit_records()
    assert record["outcome"] == "refused" and record["webhookStatus"] == 422
    assert "\x1b" not in record["webhookResponse"]  # server text sanitized
    assert store.open_entry("g-1") is None
    # the receiver may remember that key's refusal: a later apply of the same content gets a new one
    route.return_value = httpx.Response(200)
    again = await run(store, Clock())
    assert again.outcome == "applied" and again.idempotency_key != out.idempotency_key  # type: ignore[attr-defined]
    assert out.idempotency_key == idempotency_key("prod@x#c", "g-1", out.sha256, 0)  # type: ignore[attr-defined]
    assert again.idempotency_key == idempotency_key("prod@x#c", "g-1", out.sha256, 1)  # type: ignore[attr-defined]


@respx.mock
async def test_a_5xx_is_retried_with_the_same_key(store: ScalingStore) -> None:
    route = respx.post(URL).mock(side_effect=[httpx.Response(503), httpx.Response(200)])
    out = await run(store, Clock())
    assert out.outcome == "applied" and out.attempts == 2  # type: ignore[attr-defined]
    keys = {c.request.headers["Idempotency-Key"] for c in route.calls}
    bodies = {c.request.content for c in route.calls}
    assert len(keys) == 1 and len(bodies) == 1


@respx.mock
async def test_lost_answers_keep_the_key_and_the_next_run_resends_the_same_bytes(store: ScalingStore) -> None:
    route = respx.post(URL).mock(side_effect=httpx.ReadTimeout("late"))
    clock = Clock()
    first = await run(store, clock, retries=1)
    assert first.outcome == "unknown" and first.attempts == 2  # type: ignore[attr-defined]
    assert store.open_entry("g-1") is not None
    sent_first = {(c.request.headers["Idempotency-Key"], c.request.content) for c in route.calls}
    assert len(sent_first) == 1
    # a later run computes another recommendation (6 nodes), but the unanswered one goes first
    route.side_effect = None
    route.return_value = httpx.Response(200)
    clock.now += 30
    second = await run(store, clock, requested=6)
    assert second.resumed and second.outcome == "applied"  # type: ignore[attr-defined]
    assert {(c.request.headers["Idempotency-Key"], c.request.content) for c in route.calls} == sent_first
    assert second.record["requestedNodes"] == 5  # type: ignore[attr-defined]
    assert store.open_entry("g-1") is None
    # then the cool-down holds the new one back
    with pytest.raises(ApplyRefused, match=r"cool-down.*600 s left") as exc:
        await run(store, clock, requested=6)
    assert not exc.value.usage


@respx.mock
async def test_read_only_nothing_to_do_and_cooldown_refuse_before_sending(store: ScalingStore) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(200))
    clock = Clock()
    with pytest.raises(ApplyRefused, match="read-only mode: scaling apply refused; nothing sent"):
        await run(store, clock, read_only=True)
    with pytest.raises(ApplyRefused, match=r"nothing to apply \(4 -> 4 nodes\)"):
        await run(store, clock, requested=4)
    assert route.call_count == 0 and store.audit_records() == []
    await run(store, clock)
    clock.now += 599
    with pytest.raises(ApplyRefused, match=r"1 s left"):
        await run(store, clock, requested=6)
    assert route.call_count == 1
    await run(store, clock, gid="g-2")  # another group has its own cool-down
    clock.now += 1
    out = await run(store, clock, requested=6)
    assert out.outcome == "applied" and route.call_count == 3  # type: ignore[attr-defined]


async def test_no_webhook_is_refused(store: ScalingStore) -> None:
    data, sha, key, current, req = plan()
    with pytest.raises(ApplyRefused, match="no scaling webhook"):
        await apply(store, group_id="g-1", current=current, requested=req, payload=data, sha256=sha, key=key,
                    target=None, read_only=False, cooldown_s=0, profile="p")  # fmt: skip


@respx.mock
async def test_a_failing_verification_is_reported_not_raised(store: ScalingStore) -> None:
    respx.post(URL).mock(return_value=httpx.Response(200))

    async def broken() -> Verification:
        raise RuntimeError("probes down")

    out = await run(store, Clock(), verify=broken)
    assert out.outcome == "applied"  # type: ignore[attr-defined]
    assert out.verification == Verification("failed", "RuntimeError: probes down")  # type: ignore[attr-defined]


def test_target_repr_hides_the_url() -> None:
    assert "TOKEN" not in repr(WebhookTarget(URL, headers={"X": SECRET})) and SECRET not in repr(
        WebhookTarget(URL, headers={"X": SECRET})
    )


async def test_a_webhook_at_genesys_cloud_is_refused(store: ScalingStore) -> None:
    data, sha, key, current, req = plan()
    with respx.mock(assert_all_called=False) as router:
        route = router.post(url__regex=".*").mock(return_value=httpx.Response(200))
        with pytest.raises(ApplyRefused, match="points at Genesys Cloud"):
            await apply(store, group_id="g-1", current=current, requested=req, payload=data, sha256=sha, key=key,
                        target=WebhookTarget("https://api.mypurecloud.ie/hook"), read_only=False, cooldown_s=0,
                        profile="p")  # fmt: skip
        assert route.call_count == 0
