"""`gctui health` as a user runs it: exit codes, table, JSON, watch, metrics, no secrets."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx

from gctui.cli.main import main
from gctui.services.health import HistoryStore
from tests.genesys.conftest import CLIENT_SECRET
from tests.services.test_health_support import WEBHOOK, FakeOrg, assert_no_secret, service_unavailable

CONFIG = f"""
[profiles.test]
region = "eu-west-1"
client_id = "test-client-id"
client_secret = "{CLIENT_SECRET}"

[health]
alert_webhook = "{WEBHOOK}"

[[health.probes]]
name = "users"
path = "/api/v2/users?pageSize=1"
"""
PROBE_KEYS = {
    "name",
    "method",
    "path",
    "status",
    "statusCode",
    "latencyMs",
    "p50Ms",
    "p95Ms",
    "errors",
    "lastError",
    "correlationId",
    "checkedAt",
}


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for key in list(os.environ):
        if key.startswith(("GENESYSCLOUD_", "GCTUI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture
def org() -> Iterator[FakeOrg]:
    with respx.mock(assert_all_called=False) as router:
        router.post(WEBHOOK).respond(200)
        yield FakeOrg(router)


def run(config: Path, *args: str) -> int:
    return main(["--config", str(config), "health", *args])


def test_all_healthy_prints_a_table_and_exits_0(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("Acme Support · eu_west_1 · healthy · checked ")
    assert lines[1].split()[:3] == ["PROBE", "STATUS", "CODE"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == ["org", "token", "queues", "trunks", "flows", "actions", "analytics", "users"]
    assert all(" healthy " in line for line in lines[2:])
    assert err == ""
    # History went to the platform data dir (XDG_DATA_HOME here) and builds up across runs.
    db = config.parent / "data" / "gctui" / "health.sqlite3"
    with HistoryStore(db, scope="test@https://api.mypurecloud.ie#test-client-id") as store:
        assert store.count() == 8


def test_a_critical_probe_exits_1_and_shows_the_error(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    org.handlers["/api/v2/flows"] = service_unavailable
    assert run(config, "--once") == 1
    out, err = capsys.readouterr()
    (flows,) = [line for line in out.splitlines() if line.startswith("flows ")]
    assert "degraded" in flows and "503 service.unavailable (ctx-503)" in flows
    assert_no_secret(out + err)
    # The [health] alert_webhook was told before the command exited.
    (hook,) = [c.request for c in org.router.calls if str(c.request.url) == WEBHOOK]
    assert json.loads(hook.content) | {"probe": "flows", "new": "degraded"} == json.loads(hook.content)


def test_json_document_shape_and_no_secrets(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    org.handlers["/api/v2/flows"] = service_unavailable
    assert run(config, "--json", "--no-history") == 1
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert {"org", "region", "checkedAt", "probes", "token", "rateLimit"} <= set(doc)
    assert doc["org"] == "Acme Support" and doc["region"] == "eu_west_1" and doc["status"] == "degraded"
    assert doc["checkedAt"].endswith("Z")
    probes = {p["name"]: p for p in doc["probes"]}
    assert all(PROBE_KEYS <= set(p) for p in probes.values())
    assert probes["token"]["method"] == "HEAD" and probes["org"]["status"] == "healthy"
    assert probes["flows"] == probes["flows"] | {
        "status": "degraded",
        "statusCode": 503,
        "errors": 1,
        "lastError": "503 service.unavailable",
        "correlationId": "ctx-503",
    }
    assert isinstance(probes["org"]["latencyMs"], float) and probes["org"]["p50Ms"] is not None
    assert doc["token"]["hasToken"] is True and doc["token"]["expiresInSeconds"] > 3000
    assert doc["rateLimit"]["limit"] == 300 and doc["rateLimit"]["source"] == "limits API"
    assert_no_secret(out + err)
    assert "hooks.example.com" not in out + err


def test_watch_json_prints_one_line_per_run(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "--watch", "5", "--count", "1", "--json") == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert json.loads(line)["status"] == "healthy"
    assert err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--watch", "2"], "--watch 2 is out of range (5-3600 seconds)"),
        (["--once", "--watch", "10"], "--once cannot be combined"),
        (["--count", "2"], "--count needs --watch"),
        (["--metrics-port", "70000"], "--metrics-port 70000 is out of range"),
    ],
)
def test_usage_errors_exit_2(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(config, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gctui: ") and message in err and err.count("\n") == 1


def test_config_errors_exit_2_in_one_line(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config.parent / "missing.toml"), "health"]) == 2
    config.write_text(CONFIG.replace("[health]", "[health]\ninterval_seconds = 1"))
    assert run(config) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "interval_seconds" in err and "Traceback" not in err
    assert_no_secret(err)


def test_bad_argument_is_a_usage_error(config: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run(config, "--watch", "soon")
    assert exc.value.code == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("inherited", ["default", "foreign"])
def test_metrics_port_serves_until_ctrl_c(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str], inherited: str
) -> None:
    """Ctrl+C stops the server at once, even when the process inherited another SIGINT
    handler (a library that installed one and left it: asyncio.run's own Ctrl+C handling is then
    skipped and the signal was swallowed, so the command never ended)."""
    if inherited == "foreign":
        previous = signal.signal(signal.SIGINT, lambda *_: None)
        restore = lambda: signal.signal(signal.SIGINT, previous)  # noqa: E731
    else:
        restore = lambda: None  # noqa: E731
    port = _free_port()
    scraped: list[str] = []

    def scrape_then_interrupt() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
                    text = resp.read().decode()
                if "gctui_health_runs 1.0" in text:  # a whole run is published, never half
                    scraped.append(text)
                    break
            except OSError:
                pass
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C

    thread = threading.Thread(target=scrape_then_interrupt, daemon=True)
    thread.start()
    try:
        code = run(config, "--metrics-port", str(port))
    finally:
        restore()
    thread.join(5)
    out, err = capsys.readouterr()
    assert code == 0
    assert scraped, "no metrics were scraped"
    assert 'gctui_probe_latency_ms{probe="users"}' in scraped[0]
    assert "gctui_token_expires_in_seconds" in scraped[0] and "gctui_rate_budget_limit 300.0" in scraped[0]
    assert f"serving metrics on http://127.0.0.1:{port}/metrics" in err
    assert out == ""
    assert_no_secret(scraped[0] + err)


def test_watch_exit_code_on_ctrl_c_reflects_the_last_run(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    org.handlers["/api/v2/flows"] = service_unavailable

    def interrupt_after_first_run() -> None:
        deadline = time.monotonic() + 10
        while not org.calls("/api/v2/flows") and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=interrupt_after_first_run, daemon=True)
    thread.start()
    code = run(config, "--watch", "5")
    thread.join(5)
    out, err = capsys.readouterr()
    assert code == 1
    assert "probing every 5 s" in err and out.count("PROBE") == 1


def test_demo_runs_against_the_embedded_simulator(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("gctui.sim.server", reason="the simulator is not built yet")
    config.write_text("[health]\nfailures_critical = 2\n")
    assert main(["--config", str(config), "--demo", "health", "--json", "--no-history"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["region"] == "custom" and doc["apiBase"].startswith("http://127.0.0.1:")
    assert {p["status"] for p in doc["probes"]} == {"healthy"}
