"""The client secret and every bearer token stay out of everything the app writes or shows:
the screen, exports, the history DB, the health CLI's JSON and the Prometheus endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from gctui.sim.server import SimServer
from tests.tui.conftest import SECRET, make_app, wait_for

PROBES = {"org", "token", "queues", "trunks", "flows", "actions", "analytics"}


def _issued_tokens(sim: SimServer) -> list[str]:
    assert sim.runtime is not None
    return list(sim.runtime.tokens._tokens)


def _assert_clean(blob: str, secrets: list[str], where: str) -> None:
    for s in secrets:
        assert s not in blob, f"a secret leaked into {where}"


async def test_demo_screen_exports_and_db_hold_no_secret(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query_one("#health-tab").monitor is not None)
        await wait_for(pilot, lambda: app.query_one("#health-tab").monitor.runs >= 1)
        sim.control.expire_tokens()  # force a refresh so there are two bearer tokens to look for
        await pilot.press("space")
        await wait_for(pilot, lambda: len(_issued_tokens(sim)) >= 2)
        await pilot.pause(0.3)
        await pilot.press("e", "E")
        await pilot.press("question_mark")
        screens = [app.export_screenshot()]
        await pilot.press("escape", "enter")  # the probe detail dialog
        screens.append(app.export_screenshot())
    secrets = [SECRET, *_issued_tokens(sim)]
    assert len(secrets) >= 3
    for i, svg in enumerate(screens):
        _assert_clean(svg, secrets, f"screen {i}")
    exports = list((tmp_path / "exports").iterdir())
    assert len(exports) == 2
    for path in exports:
        _assert_clean(path.read_text(), secrets, path.name)
    db = (tmp_path / "health.sqlite3").read_bytes()
    assert db
    for s in secrets:
        assert s.encode() not in db


def test_health_cli_json_and_metrics_hold_no_secret(tmp_path: Path) -> None:
    """Out of process, as cron would run it: `gctui health --json` and `--metrics-port`."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    sim = subprocess.Popen(
        [sys.executable, "-m", "gctui", "sim", "--port", "0", "--client-secret", "k-n-o-w-n-SECRET-42"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert sim.stdout is not None
        base = ""
        for line in sim.stdout:
            if "GENESYSCLOUD_API_URL=" in line:
                base = line.strip().split("=", 1)[1]
                break
        assert base.startswith("http://127.0.0.1:")
        run_env = {**env, "GENESYSCLOUD_API_URL": base, "GENESYSCLOUD_OAUTHCLIENT_ID": "gctui-demo",
                   "GENESYSCLOUD_OAUTHCLIENT_SECRET": "k-n-o-w-n-SECRET-42"}
        out = subprocess.run([sys.executable, "-m", "gctui", "health", "--json"], capture_output=True,
                             text=True, env=run_env, timeout=60)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert {p["name"] for p in doc["probes"]} == PROBES
        assert "k-n-o-w-n-SECRET-42" not in out.stdout + out.stderr
        metrics = subprocess.Popen(
            [sys.executable, "-m", "gctui", "health", "--metrics-port", "0", "--metrics-host", "127.0.0.1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=run_env,
        )
        try:
            assert metrics.stderr is not None
            port = None
            deadline = time.monotonic() + 30
            while port is None and time.monotonic() < deadline:
                line = metrics.stderr.readline()
                if "http://127.0.0.1:" in line:
                    port = line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0].strip()
            assert port, "metrics server did not say where it listens"
            text = ""
            for _ in range(50):
                text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
                if 'gctui_probe_latency_ms{probe="org"}' in text:
                    break
                time.sleep(0.2)
            assert "gctui_probe_status" in text
            assert "k-n-o-w-n-SECRET-42" not in text
        finally:
            metrics.terminate()
            metrics.wait(10)
        db = (tmp_path / "data" / "gctui" / "health.sqlite3")
        assert db.exists() and b"k-n-o-w-n-SECRET-42" not in db.read_bytes()
    finally:
        sim.terminate()
        sim.wait(10)
