"""Scale and determinism of generation, --state persistence, and the `gctui sim` command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gctui.cli.main import build_parser
from gctui.errors import GctuiError
from gctui.sim import SimConfig
from gctui.sim.org import build_org
from gctui.sim.server import SimServer, SimThread
from tests.sim.conftest import async_token, get_token


def test_same_seed_same_org_and_scale() -> None:
    a, b = build_org(SimConfig()), build_org(SimConfig())
    assert json.dumps(a.actions) == json.dumps(b.actions) and json.dumps(a.flows) == json.dumps(b.flows)
    assert build_org(SimConfig(seed=8)).actions[0]["id"] != a.actions[0]["id"]
    t = time.perf_counter()
    big = build_org(SimConfig(actions=10_000, flows=10_000, queues=2_000))
    assert time.perf_counter() - t < 5
    assert len(big.actions) == 10_000 and len(big.flows) == 10_000 and len(big.queues) == 2_000


def test_large_org_pages_fast() -> None:
    with SimThread(SimConfig(actions=10_000, flows=10_000, queues=2_000, rate_limit=10**6)) as sim:
        h = {"Authorization": f"Bearer {get_token(sim.base_url)}"}
        t = time.perf_counter()
        r = httpx.get(f"{sim.base_url}/api/v2/integrations/actions?pageSize=100&pageNumber=80", headers=h)
        assert r.json()["total"] == 10_000 and len(r.json()["entities"]) == 100
        assert time.perf_counter() - t < 0.5


async def test_state_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "org.json"
    cfg = SimConfig(state_path=state)
    async with SimServer(cfg) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        c.headers["Authorization"] = f"Bearer {await async_token(c)}"
        a = sim.runtime.org.actions[5]
        r = await c.patch(
            f"/api/v2/integrations/actions/{a['id']}",
            json={"version": a["version"], "config": {"timeoutSeconds": 17}},
        )
        assert r.status_code == 200
        version = r.json()["version"]
    async with SimServer(SimConfig(state_path=state)) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        c.headers["Authorization"] = f"Bearer {await async_token(c)}"
        got = (await c.get(f"/api/v2/integrations/actions/{a['id']}?includeConfig=true")).json()
        assert got["version"] == version and got["config"]["timeoutSeconds"] == 17


def test_cli_bad_flags() -> None:
    parser = build_parser()
    for argv in (["sim", "--actions", "-1"], ["sim", "--fault-rate", "1.5"]):
        args = parser.parse_args(argv)
        with pytest.raises(GctuiError) as exc:
            args.func(args)
        assert exc.value.code == 2
    with SimThread(SimConfig()) as sim:
        port = sim.base_url.rsplit(":", 1)[1]
        args = parser.parse_args(["sim", "--port", port])
        with pytest.raises(GctuiError, match="cannot listen"):
            args.func(args)


def test_cli_serves_and_exits_cleanly_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gctui", "sim", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        base = lines[0].rsplit(" ", 1)[-1].strip()
        assert any(line.startswith(f"export GENESYSCLOUD_API_URL={base}") for line in lines)
        assert any("GENESYSCLOUD_OAUTHCLIENT_SECRET=gctui-demo-secret" in line for line in lines)
        assert get_token(base)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err
