"""`gctui scale apply` against the simulator's webhook receiver in its failure modes: one that
refuses (nothing acted), one that acts then answers late, one that acts then drops the answer.
The receiver is the witness: what it acted on, how many duplicates it recognised by their
Idempotency-Key, and the SHA-256 of the bytes it got, which must be the audit's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.cli.main import main
from gctui.sim import SimConfig
from gctui.sim.server import SimThread

CLIENT_ID = "gctui-demo"
SECRET = "gctui-demo-secret"
HOOK = "scaler"


@dataclass
class Org:
    sim: SimThread
    config: Path

    @property
    def url(self) -> str:
        return self.sim.base_url

    def group(self) -> dict[str, Any]:
        rt = self.sim.runtime
        assert rt is not None
        return rt.org.edges[0]["edgeGroup"]  # type: ignore[no-any-return]

    def mode(self, mode: str, **fields: Any) -> None:
        resp = httpx.put(f"{self.url}/sim/control/webhooks/{HOOK}/mode", json={"mode": mode, **fields})
        resp.raise_for_status()

    def listing(self) -> dict[str, Any]:
        resp = httpx.get(f"{self.url}/sim/webhooks/{HOOK}")
        resp.raise_for_status()
        return resp.json()  # type: ignore[no-any-return]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    config = SimConfig(actions=5, flows=5, queues=4, edges=4, rate_limit=100_000, token_rate_limit=1000)
    with SimThread(config) as sim:
        probe = httpx.put(f"{sim.base_url}/sim/control/webhooks/probe/mode", json={"mode": "ok"})
        if probe.status_code in (404, 405):
            pytest.skip("the simulator's webhook receiver modes are not built yet")
        path = tmp_path / "config.toml"
        path.write_text(
            f'default_profile = "sim"\n\n[profiles.sim]\napi_url = "{sim.base_url}"\nclient_id = "{CLIENT_ID}"\n'
            f'client_secret = "{SECRET}"\n\n[scaling]\nwebhook_url = "{sim.base_url}/sim/webhooks/{HOOK}"\n'
            "cli_samples = 0\nwebhook_timeout = 0.5\nwebhook_retries = 2\n"
        )
        yield Org(sim, path)


def gctui(
    org: Org, capsys: pytest.CaptureFixture[str], *args: str, pre: tuple[str, ...] = ()
) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(["--config", str(org.config), *pre, "scale", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def audit(org: Org, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, _ = gctui(org, capsys, "audit", "--json")
    assert code == 0
    return json.loads(out)["records"]  # type: ignore[no-any-return]


def acted(listing: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in listing["entities"] if e.get("acted")]


def test_a_refusing_receiver_acts_on_nothing(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.mode("refuse", status=409, body={"error": "quota exhausted"})
    code, _, err = gctui(org, capsys, "apply", "--yes", "--group", org.group()["id"])
    assert code == 1
    assert "refused (HTTP 409" in err
    listing = org.listing()
    assert listing["acted"] == 0 and acted(listing) == []
    (record,) = audit(org, capsys)
    assert record["outcome"] == "refused" and record["webhookStatus"] == 409
    assert "quota exhausted" in record["webhookResponse"] and record["verification"] is None


@pytest.mark.parametrize("mode", ["late", "drop"])
def test_acted_then_no_answer_the_retry_reuses_the_key_and_scales_once(
    org: Org, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    org.mode(mode, delaySeconds=3, count=1, dedupe=True)  # only the first delivery misbehaves
    code, _, err = gctui(org, capsys, "apply", "--yes", "--group", org.group()["id"])
    assert code == 0, err
    listing = org.listing()
    deliveries = listing["entities"]
    assert len(deliveries) >= 2  # the first (acted, never answered in time) and the retry
    assert listing["acted"] == 1 and len(acted(listing)) == 1  # one scale, proven by the receiver
    assert listing["duplicates"] == len(deliveries) - 1
    assert len({d["idempotencyKey"] for d in deliveries}) == 1
    assert len({d["bodySha256"] for d in deliveries}) == 1
    (record,) = audit(org, capsys)
    assert record["outcome"] == "applied" and record["attempts"] == len(deliveries)
    assert record["payloadSha256"] == deliveries[0]["bodySha256"]  # the audit's hash is of the bytes sent
    assert record["idempotencyKey"] == deliveries[0]["idempotencyKey"]


def test_read_only_and_cool_down_send_nothing(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = gctui(org, capsys, "apply", "--yes", pre=("--read-only",))
    assert code == 2 and "read-only mode" in err
    assert org.listing()["total"] == 0
    org.mode("ok")
    assert gctui(org, capsys, "apply", "--yes", "--group", org.group()["id"])[0] == 0
    code, _, err = gctui(org, capsys, "apply", "--yes", "--group", org.group()["id"])
    assert code == 1 and "cool-down" in err and "s left" in err
    assert org.listing()["acted"] == 1
