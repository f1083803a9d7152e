"""`gctui scale …` as a user runs it, against the simulated org over loopback (4 edges, each in
its own edge group, 2-3 trunks each) and its webhook receiver (``/sim/webhooks/{name}``).

The witnesses: the receiver's own listing (what it got: bytes, headers, how many), the audit
trail, the exit codes and the messages. History is planted in the store (the profile's data dir
in the test's own XDG dirs) where a test needs a trend, as earlier runs would have left it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.cli.main import main
from gctui.services.scaling import Kind, Sample, ScalingStore, default_store_path
from gctui.sim import SimConfig
from gctui.sim.server import SimThread
from tests.simclock import FLAT_ARRIVALS_START

CLIENT_ID = "gctui-demo"
SECRET = "gctui-demo-secret"
SHARED = "shared-s3cret-value"
HOOK = "scale"
START = FLAT_ARRIVALS_START  # the arrival trend is then the same at any hour of the run


@dataclass
class Org:
    sim: SimThread
    config: Path

    @property
    def url(self) -> str:
        return self.sim.base_url

    @property
    def edges(self) -> list[dict[str, Any]]:
        rt = self.sim.runtime
        assert rt is not None
        return rt.org.edges

    def received(self) -> list[dict[str, Any]]:
        resp = httpx.get(f"{self.url}/sim/webhooks/{HOOK}")
        resp.raise_for_status()
        return resp.json()["entities"]  # type: ignore[no-any-return]

    def fail(self, status: int | None, count: int | None = None) -> None:
        body = {"status": status} if count is None else {"status": status, "count": count}
        httpx.put(f"{self.url}/sim/control/webhooks/{HOOK}/fail", json=body).raise_for_status()

    def nodes(self, group_id: str) -> int:
        return sum(e["edgeGroup"]["id"] == group_id for e in self.edges)

    def scope(self) -> str:
        return f"sim@{self.url}#{CLIENT_ID}"


def write_config(path: Path, url: str, extra: str = "") -> None:
    path.write_text(
        f'default_profile = "sim"\n\n[profiles.sim]\napi_url = "{url}"\nclient_id = "{CLIENT_ID}"\n'
        f'client_secret = "{SECRET}"\n\n[scaling]\nwebhook_url = "{url}/sim/webhooks/{HOOK}"\n'
        f"cli_samples = 1\ncli_sample_spacing_seconds = 0\nverify = true\n"
        f'webhook_headers = {{ X-Shared-Secret = "{SHARED}" }}\n{extra}'
    )


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    config = SimConfig(actions=5, flows=5, queues=6, edges=4, rate_limit=100_000, token_rate_limit=1000,
                       clock_start=START)  # fmt: skip
    with SimThread(config) as sim:
        path = tmp_path / "config.toml"
        write_config(path, sim.base_url)
        yield Org(sim, path)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> Any:
        return json.loads(self.out)


def gctui(org: Org, capsys: pytest.CaptureFixture[str], *args: str, pre: tuple[str, ...] = ()) -> Run:
    capsys.readouterr()
    try:
        code = main(["--config", str(org.config), *pre, "scale", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Run(code, out, err)


def plant_ramp(
    org: Org, edge: dict[str, Any], values: list[float], step: float = 60.0, end: float | None = None
) -> None:
    """History of one edge's CPU, as earlier runs would have stored it, ending a step before ``end``."""
    now = org.sim.clock.now() if end is None else end
    group = edge["edgeGroup"]
    samples = [
        Sample(f"edge:{edge['id']}:cpu", Kind.CPU, edge["name"], group["id"], group["name"],
               now - (len(values) - i) * step, v, v * 100)
        for i, v in enumerate(values)
    ]  # fmt: skip
    with ScalingStore(default_store_path(), org.scope()) as store:
        store.record(samples)


# ----------------------------------------------------------------------------------------- forecast
def test_forecast_says_how_much_history_it_used(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    edge = org.edges[2]
    plant_ramp(org, edge, [0.30 + 0.01 * i for i in range(10)])  # 10 samples over 9 min, rising
    run = gctui(org, capsys, "forecast", "--json")
    assert run.code == 0, run.err
    doc = run.doc
    assert doc["history"]["freshSamples"] == 2  # cli_samples = 1, plus the refresh's own
    assert doc["history"]["pointsPerResource"] == 12
    assert doc["horizonSeconds"] == 3600
    rows = {r["resource"]: r for r in doc["resources"]}
    planted = rows[f"edge:{edge['id']}:cpu"]
    assert planted["model"] == "holt" and planted["windowPoints"] == 12
    assert planted["windowSeconds"] >= 9 * 60 and planted["nodeGroupId"] == edge["edgeGroup"]["id"]
    assert planted["explanation"].startswith("holt on 12 samples over ")
    # the others have only this run's two samples, moments apart: no trend, and it says so
    other = rows[f"edge:{org.edges[1]['id']}:memory"]
    assert other["model"] == "none" and "too little history" in other["explanation"]
    kinds = {r["kind"] for r in doc["resources"]}
    assert kinds == {"cpu", "memory", "trunk"}
    trunks = [r for r in doc["resources"] if r["kind"] == "trunk"]
    assert all(r["capacity"] == 100 for r in trunks)  # the configured default: the API has none
    assert doc["staffing"] and all(q["agentsNeeded"] is None or q["agentsNeeded"] > q["trafficErlangs"]
                                   for q in doc["staffing"])  # fmt: skip
    assert any("samples per resource over" in line and "2 taken now, 10 stored earlier" in line
               for line in run.err.splitlines())  # fmt: skip

    text = gctui(org, capsys, "forecast")
    assert text.code == 0
    assert text.out.splitlines()[0].split()[:4] == ["RESOURCE", "KIND", "GROUP", "NOW"]
    assert "Erlang C, busiest queues:" in text.out


# ------------------------------------------------------------------------------------------ preview
def test_preview_exit_1_when_critical_is_forecast_and_the_payload_is_exact(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    edge = org.edges[2]
    first = gctui(org, capsys, "forecast", "--json", "--samples", "0")  # where the edge is now
    (row,) = [r for r in first.doc["resources"] if r["resource"] == f"edge:{edge['id']}:cpu"]
    now = row["current"]
    plant_ramp(org, edge, [now - 0.04 * (10 - i) for i in range(10)], end=first.doc["at"] - 1)  # +2.4/h
    run = gctui(org, capsys, "preview", "--json")
    assert run.code == 1, run.err
    doc = run.doc
    crossing = {f["resource"] for f in doc["crossingCritical"]}
    assert f"edge:{edge['id']}:cpu" in crossing
    assert "forecast to cross critical within the horizon" not in run.err  # --json: stdout only
    recs = {r["nodeGroupId"]: r for r in doc["recommendations"]}
    assert set(recs) == {e["edgeGroup"]["id"] for e in org.edges}
    rec = recs[edge["edgeGroup"]["id"]]
    nodes = org.nodes(edge["edgeGroup"]["id"])
    assert (
        rec["currentNodes"] == nodes
        and rec["requestedNodes"] == nodes + max(1, nodes // 4)
        and rec["scaleUp"]
    )
    assert any("forecast to reach critical 90%" in r or "at or above critical" in r for r in rec["reasons"])
    text = rec["payloadText"].encode()
    assert hashlib.sha256(text).hexdigest() == rec["sha256"]
    assert json.dumps(rec["payload"], sort_keys=True, separators=(",", ":")).encode() == text
    assert set(rec["payload"]) == {"nodeGroupId", "currentNodes", "requestedNodes", "cpuThresholds",
                                   "memoryThresholds", "forecast"}  # fmt: skip


def test_preview_exit_0_when_nothing_is_near(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_config(org.config, org.url, "trunk_channels = 100000\n\n[scaling.thresholds]\ncpu_warning = 0.99\n"
                 "cpu_critical = 1.0\nmemory_warning = 0.99\nmemory_critical = 1.0\ntrunk_critical = 1.0\n")  # fmt: skip
    run = gctui(org, capsys, "preview")
    assert run.code == 0, run.err
    assert "payload: {" in run.out  # the sessions rule still asks for nodes where calls are up


def test_bad_thresholds_are_refused_before_any_request(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(org.config, org.url, "\n[scaling.thresholds]\ncpu_warning = 0.95\ncpu_critical = 0.9\n")
    run = gctui(org, capsys, "preview")
    assert run.code == 2
    assert "cpu_warning (0.95) is above cpu_critical (0.9)" in run.err
    write_config(org.config, org.url, "\n[scaling.thresholds]\nmax_nodes = 0\n")
    assert gctui(org, capsys, "forecast").code == 2
    assert gctui(org, capsys, "forecast", "--samples", "99").code == 2


# -------------------------------------------------------------------------------------------- apply
def test_apply_posts_the_exact_bytes_once_then_cool_down(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    group = org.edges[0]["edgeGroup"]  # the sim's hot edge: its trunk is busy, its CPU high
    run = gctui(org, capsys, "apply", "--yes", "--group", group["name"])
    assert run.code == 0, run.err
    (got,) = org.received()
    assert got["status"] == 200
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert headers["x-shared-secret"] == SHARED and headers["idempotency-key"].startswith("gctui-")
    body = json.dumps(got["body"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    nodes = org.nodes(group["id"])
    assert got["body"]["nodeGroupId"] == group["id"] and got["body"]["requestedNodes"] == nodes + max(
        1, nodes // 4
    )

    audit = gctui(org, capsys, "audit", "--json")
    (record,) = audit.doc["records"]
    assert record["payloadSha256"] == hashlib.sha256(body).hexdigest()
    assert record["outcome"] == "applied" and record["webhookStatus"] == 200 and record["attempts"] == 1
    assert record["verification"]["status"] == "healthy"
    assert record["idempotencyKey"] == headers["idempotency-key"]
    assert f"{group['name']}: applied (HTTP 200, 1 attempt(s)" in run.err
    log = Path(audit.doc["file"]).read_text()
    assert SHARED not in log and "/sim/webhooks" not in log  # secrets never audited

    again = gctui(org, capsys, "apply", "--yes", "--group", group["name"])
    assert again.code == 1
    assert "cool-down" in again.err and "s left; nothing sent" in again.err
    assert len(org.received()) == 1

    table = gctui(org, capsys, "audit")
    assert table.code == 0 and "applied" in table.out and record["payloadSha256"][:16] in table.out


def test_a_refusing_receiver_is_audited_as_refused(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.fail(422)
    group = org.edges[0]["edgeGroup"]
    run = gctui(org, capsys, "apply", "--yes", "--group", group["id"])
    assert run.code == 1
    assert f"{group['name']}: refused (HTTP 422" in run.err and "1 of 1 not applied" in run.err
    (record,) = gctui(org, capsys, "audit", "--json").doc["records"]
    assert (
        record["outcome"] == "refused" and record["webhookStatus"] == 422 and record["verification"] is None
    )
    assert all(e["status"] == 422 for e in org.received())
    org.fail(None)
    ok = gctui(org, capsys, "apply", "--yes", "--group", group["id"])  # no cool-down after a refusal
    assert ok.code == 0


def test_read_only_and_no_terminal_refuse_before_anything(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    run = gctui(org, capsys, "apply", "--yes", pre=("--read-only",))
    assert run.code == 2
    assert "read-only mode (--read-only): scaling apply refused; nothing sent" in run.err
    no_tty = gctui(org, capsys, "apply")  # pytest's stdin is not a terminal
    assert no_tty.code == 2 and "no terminal to confirm on" in no_tty.err
    bad = gctui(org, capsys, "apply", "--yes", "--webhook", "ftp://x")
    assert bad.code == 2 and "--webhook: the URL" in bad.err
    unknown = gctui(org, capsys, "apply", "--yes", "--group", "nope")
    assert unknown.code == 2 and "no edge group 'nope'" in unknown.err
    assert org.received() == []
    assert gctui(org, capsys, "audit", "--json").doc["records"] == []


def test_webhook_flag_overrides_the_configured_url(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    group = org.edges[0]["edgeGroup"]
    run = gctui(
        org, capsys, "apply", "--yes", "--group", group["id"], "--webhook", f"{org.url}/sim/webhooks/other"
    )
    assert run.code == 0, run.err
    assert org.received() == []
    other = httpx.get(f"{org.url}/sim/webhooks/other").json()["entities"]
    assert len(other) == 1 and other[0]["body"]["nodeGroupId"] == group["id"]


def test_demo_works_without_a_config(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code = main(["--demo", "scale", "preview", "--json", "--samples", "0"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    doc = json.loads(out)
    assert doc["recommendations"] and all("sha256" in r for r in doc["recommendations"])


def test_an_unanswered_apply_is_resent_with_the_same_key_before_anything_new(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as s:  # a port where nothing answers: the webhook's answer never comes
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/hook"
    group = org.edges[0]["edgeGroup"]
    first = gctui(org, capsys, "apply", "--yes", "--group", group["id"], "--webhook", dead)
    assert first.code == 1 and ": unknown (no answer: ConnectError, 3 attempt(s)" in first.err
    (lost,) = gctui(org, capsys, "audit", "--json").doc["records"]
    assert lost["outcome"] == "unknown" and lost["webhookStatus"] is None

    second = gctui(org, capsys, "apply", "--yes", "--group", group["id"])
    assert second.code == 0, second.err
    assert "re-sending the unanswered apply, same bytes, same Idempotency-Key" in second.out
    (got,) = org.received()
    body = json.dumps(got["body"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert hashlib.sha256(body).hexdigest() == lost["payloadSha256"]  # the journaled bytes, not new ones
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert headers["idempotency-key"] == lost["idempotencyKey"]
    _, resent = gctui(org, capsys, "audit", "--json").doc["records"]
    assert resent["resumed"] and resent["outcome"] == "applied" and resent["journalId"] == lost["journalId"]
