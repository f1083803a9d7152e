"""The webhook receiver: ok / refuse / late / drop modes, Idempotency-Key de-duplication, --state."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim.server import SimServer

HOOK = "/sim/webhooks/scale"
PAYLOAD = json.dumps(
    {"nodeGroupId": "g1", "requestedNodes": 5}, sort_keys=True, separators=(",", ":")
).encode()


async def _listing(c: httpx.AsyncClient, name: str = "scale") -> dict[str, Any]:
    r = await c.get(f"/sim/webhooks/{name}")
    assert r.status_code == 200
    out: dict[str, Any] = r.json()
    return out


async def _wait_acted(c: httpx.AsyncClient, n: int) -> dict[str, Any]:
    """The listing once ``n`` deliveries have been acted on (the late/drop path records first)."""
    for _ in range(500):
        got = await _listing(c)
        if got["acted"] >= n:
            return got
        await asyncio.sleep(0.02)
    raise AssertionError(f"never saw {n} acted deliveries: {got}")


def _post(c: httpx.AsyncClient, key: str | None = None, **kw: Any) -> Any:
    headers = {
        "Content-Type": "application/json",
        "X-Shared-Secret": "s3cr3t",
        "Authorization": "Bearer hidden",
    }
    if key:
        headers["Idempotency-Key"] = key
    return c.post(HOOK, content=PAYLOAD, headers=headers, **kw)


async def test_ok_with_custom_answer_keeps_the_exact_bytes(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.webhooks.set_mode("scale", "ok", status=202, body={"ticket": "CHG-1"})
    r = await _post(client, "k-1")
    assert r.status_code == 202 and r.json() == {"ticket": "CHG-1"}
    got = await _listing(client)
    assert (got["total"], got["acted"], got["duplicates"], got["refused"]) == (1, 1, 0, 0)
    (d,) = got["entities"]
    assert base64.b64decode(d["bodyBase64"]) == PAYLOAD
    assert d["bodySha256"] == hashlib.sha256(PAYLOAD).hexdigest() and d["size"] == len(PAYLOAD)
    assert d["body"] == {"nodeGroupId": "g1", "requestedNodes": 5}
    assert d["idempotencyKey"] == "k-1" and d["acted"] is True and d["duplicateOf"] is None
    assert d["headers"]["x-shared-secret"] == "s3cr3t" and "authorization" not in d["headers"]
    assert (d["seq"], d["mode"], d["status"], d["answered"]) == (1, "ok", 202, "sent")


async def test_refuse_answers_an_error_and_acts_on_nothing(sim: SimServer, client: httpx.AsyncClient) -> None:
    r = await client.put(
        "/sim/control/webhooks/scale/mode",
        json={"mode": "refuse", "status": 409, "body": {"error": "cool-down"}},
    )
    assert r.status_code == 200 and r.json()["mode"] == "refuse"
    assert (await client.get("/sim/control/webhooks/scale/mode")).json()["status"] == 409
    r = await _post(client, "k-1")
    assert r.status_code == 409 and r.json() == {"error": "cool-down"}
    got = await _listing(client)
    assert (got["total"], got["acted"], got["refused"]) == (1, 0, 1)
    assert got["entities"][0]["acted"] is False and got["entities"][0]["answered"] == "refused"

    # the refused key was never acted: once the receiver accepts, the same key acts
    assert (await client.delete("/sim/control/webhooks/scale/mode")).status_code == 204
    r = await _post(client, "k-1")
    assert r.status_code == 200 and r.json() == {"received": True}
    assert (await _listing(client))["acted"] == 1


async def test_late_answer_times_out_after_acting_and_a_retry_is_not_acted_again(
    sim: SimServer, client: httpx.AsyncClient
) -> None:
    sim.webhooks.set_mode("scale", "late", delay_s=60, body={"scaled": True}, count=1)
    with pytest.raises(httpx.ReadTimeout):
        await _post(client, "once", timeout=httpx.Timeout(10.0, read=0.5))
    got = await _wait_acted(client, 1)
    assert got["entities"][0]["answered"] == "late"

    r = await _post(client, "once")  # the retry after the lost answer
    assert r.status_code == 200 and r.json() == {"scaled": True}  # answered as the first one would have been
    got = await _listing(client)
    assert (got["total"], got["acted"], got["duplicates"]) == (2, 1, 1)  # one scale action happened
    dup = got["entities"][1]
    assert dup["acted"] is False and dup["duplicateOf"] == 1 and dup["answered"] == "replayed"
    assert dup["bodySha256"] == got["entities"][0]["bodySha256"]

    r = await _post(client, "another-key")  # count=1: the receiver is ok again
    assert r.status_code == 200 and (await _listing(client))["acted"] == 2


async def test_drop_closes_the_connection_after_acting(sim: SimServer, client: httpx.AsyncClient) -> None:
    r = await client.put("/sim/control/webhooks/scale/mode", json={"mode": "drop"})
    assert r.status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        await _post(client, "d-1")
    got = await _wait_acted(client, 1)
    assert got["entities"][0]["answered"] == "dropped"
    with pytest.raises(httpx.RemoteProtocolError):
        await _post(client, "d-2")  # a new key: acted (and dropped) again
    r = await _post(client, "d-1")  # a repeat of the first: replayed at once, even in drop mode
    assert r.status_code == 200
    got = await _listing(client)
    assert (got["acted"], got["duplicates"]) == (2, 1)


async def test_dedupe_can_be_turned_off(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.webhooks.set_mode("scale", "ok", dedupe=False)
    for _ in range(2):
        assert (await _post(client, "same")).status_code == 200
    got = await _listing(client)
    assert got["acted"] == 2 and got["duplicates"] == 0
    # without a key nothing is de-duplicated either (mode ok, dedupe on)
    sim.webhooks.set_mode("scale", "ok")
    for _ in range(2):
        assert (await _post(client)).status_code == 200
    assert (await _listing(client))["acted"] == 4
    assert (await client.delete("/sim/control/webhooks/scale")).status_code == 204
    assert (await _listing(client))["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "sometimes"}, "mode"),
        ({"mode": "refuse", "status": 200}, "status"),
        ({"mode": "ok", "status": 700}, "status"),
        ({"mode": "late", "delaySeconds": -1}, "delaySeconds"),
        ({"mode": "ok", "count": 0}, "count"),
        ({"mode": "ok", "dedupe": "yes"}, "dedupe"),
        ({"mode": "ok", "colour": "red"}, "colour"),
    ],
)
async def test_mode_control_refuses_bad_bodies(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    r = await client.put("/sim/control/webhooks/scale/mode", json=body)
    assert r.status_code == 400 and field in r.json()["message"]
    assert (await client.get("/sim/control/webhooks/scale/mode")).json()["mode"] == "ok"


async def test_legacy_fail_still_answers_its_status(sim: SimServer, client: httpx.AsyncClient) -> None:
    sim.control.webhook_fail("scale", 503, count=1)
    assert (await _post(client)).status_code == 503
    assert (await _post(client)).status_code == 200
    got = await _listing(client)
    assert [e["status"] for e in got["entities"]] == [503, 200]


async def test_deliveries_survive_a_restart_with_state(tmp_path: Path) -> None:
    state = tmp_path / "sim-state.json"
    for run in range(2):
        async with (
            SimServer(SimConfig(state_path=state)) as sim,
            httpx.AsyncClient(base_url=sim.base_url) as c,
        ):
            if run == 0:
                assert (await _post(c, "k-1")).status_code == 200
                sim.webhooks.set_mode("scale", "refuse")
                assert (await _post(c, "k-2")).status_code == 503
            else:
                got = await _listing(c)
                assert (got["total"], got["acted"], got["refused"]) == (2, 1, 1)
                assert base64.b64decode(got["entities"][0]["bodyBase64"]) == PAYLOAD
                assert (await _post(c, "k-1")).status_code == 200  # still de-duplicated after the restart
                assert (await _listing(c))["duplicates"] == 1
    data = json.loads(state.read_text())
    assert len(data["webhooks"]["scale"]) == 3


def test_action_edits_and_deliveries_share_the_state_file(tmp_path: Path) -> None:
    from gctui.sim.org import build_org
    from gctui.sim.persist import load_state, load_webhooks, save_state, save_webhooks

    state = tmp_path / "s.json"
    org = build_org(SimConfig(actions=3, flows=2, queues=1, edges=1))
    action = org.actions[0]
    save_webhooks(state, {"scale": [{"seq": 1, "acted": True}]})
    save_state(org, state, {action["id"]: {"name": "renamed"}})
    save_webhooks(state, {"scale": [{"seq": 1, "acted": True}, {"seq": 2, "acted": False}]})
    assert len(load_webhooks(state)["scale"]) == 2
    fresh = build_org(SimConfig(actions=3, flows=2, queues=1, edges=1))
    assert load_state(fresh, state) == 1 and fresh.action_by_id[action["id"]]["name"] == "renamed"
