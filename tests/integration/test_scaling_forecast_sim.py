"""The forecast against the simulator's moving load: a CPU ramp on one edge group (60 % → 90 %
over 20 minutes of simulator time, moved by its test clock, no real waiting) is forecast to cross
critical when the ramp says, and the rule asks that group for a node."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gctui.config.scaling import ScalingConfig
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.genesys.session import Session
from gctui.services.scaling import Kind, ScalingService, ScalingStore
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.simclock import FLAT_ARRIVALS_START

RAMP = 1200.0  # seconds: 60 % -> 90 %
START = FLAT_ARRIVALS_START  # the other groups' CPU then shows no arrival trend at any hour of the run
# The largest slope the simulator's noise alone can give the other edges' CPU. Their CPU moves by a
# uniform +/-2 points a 15 s slot; a least-squares line through 7 samples a minute apart is steepest
# when the first three read -2 and the last three +2: 2 * 12/60 / (28/3600) = 51.4 points/h. The
# daily shape (+/-3 points, steepest 0.8 points/h) and the drift (at most 0.6 points/h) add ~1.4.
# The ramp is 90 points/h. A bound at 30 points/h failed ~5 % of runs when the clock started at wall
# time (pure noise, 'trend' driver) and more at hours when the arrivals rise ('arrivals' driver, up
# to 44 points/h over 300 sampled starts).
NOISE_SLOPE = 0.55


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(
        SimConfig(queues=4, edges=8, rate_limit=100_000, token_rate_limit=1000, clock_start=START)
    ) as s:
        async with httpx.AsyncClient(base_url=s.base_url) as http:
            resp = await http.get("/sim/control/clock")
            if resp.status_code == 404:
                pytest.skip("the simulator's clock and load scenarios are not built yet")
        yield s


async def control(sim: SimServer, method: str, path: str, body: object = None) -> object:
    async with httpx.AsyncClient(base_url=sim.base_url) as http:
        resp = await http.request(method, f"/sim/control{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None


async def test_a_cpu_ramp_is_forecast_to_cross_critical_on_time(sim: SimServer, tmp_path: Path) -> None:
    assert sim.runtime is not None
    target = sim.runtime.org.edges[0]["edgeGroup"]
    await control(sim, "PUT", "/clock", {"frozen": True})
    await control(
        sim,
        "PUT",
        "/telephony/scenario",
        {"scenario": "cpu-ramp", "target": target["id"], "rampSeconds": RAMP},
    )
    options = ClientOptions(
        region=resolve_region(sim.base_url), client_id="gctui-demo", client_secret=Secret("gctui-demo-secret")
    )
    with ScalingStore(tmp_path / "scaling.sqlite3", "it") as store:
        async with Session.create(options) as session:
            config = ScalingConfig(model="linear", history_window_minutes=30)
            service = ScalingService(session.api, config, store, profile="it")
            for _ in range(6):  # 5 minutes of samples, one a minute of simulator time
                await service.sample()
                await control(sim, "POST", "/clock/advance", {"seconds": 60})
            view = await service.refresh()
    mine = [f for f in view.forecasts if f.group_id == target["id"] and f.kind is Kind.CPU]
    assert mine
    for f in mine:
        assert f.model == "linear" and f.window_points == 7
        assert f.slope_per_hour == pytest.approx(0.30 / RAMP * 3600, rel=0.15)  # +90 %/h
        # 6 minutes into the ramp (69 %): critical (90 %) 14 minutes later
        assert f.seconds_to_critical is not None
        assert f.seconds_to_critical == pytest.approx(RAMP - 360, rel=0.15)
    others = [
        f
        for f in view.forecasts
        if f.group_id != target["id"] and f.kind is Kind.CPU and f.current is not None
    ]
    steep = [
        (f.name, round(f.slope_per_hour, 3), f.driver) for f in others if f.slope_per_hour >= NOISE_SLOPE
    ]
    assert others and not steep  # only the target ramps
    (plan,) = [p for p in view.plans if p.recommendation.group.id == target["id"]]
    rec = plan.recommendation
    assert rec.scale_up and rec.requested_nodes == rec.current_nodes + max(1, rec.current_nodes // 4)
    assert rec.trigger is not None and rec.trigger.group_id == target["id"]
    assert any("forecast to reach critical 90%" in r for r in rec.reasons)
