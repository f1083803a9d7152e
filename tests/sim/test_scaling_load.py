"""Edge/trunk load that moves with the simulator clock; scenarios; edge groups and filters."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gctui.sim import SimConfig
from gctui.sim.clock import SimClock
from gctui.sim.config import SimConfigError
from gctui.sim.load_telephony import load_of
from gctui.sim.server import SimServer
from tests.sim.conftest import async_token

TP = "/api/v2/telephony/providers/edges"
START = 1_780_000_000.0  # a fixed instant, so the daily shape is the same on every run


@contextlib.asynccontextmanager
async def _client(sim: SimServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url) as c:
        c.headers["Authorization"] = f"Bearer {await async_token(c)}"
        yield c


@pytest.fixture
async def ramp() -> AsyncIterator[tuple[SimServer, httpx.AsyncClient]]:
    cfg = SimConfig(edges=12, scaling_scenario="cpu-ramp", clock_start=START, clock_frozen=True)
    async with SimServer(cfg) as sim, _client(sim) as c:
        yield sim, c


def _cpu(m: dict[str, Any]) -> float:
    return float(next(p for p in m["processors"] if p["cpuId"] == "total")["activeTimePct"])


def _mem(m: dict[str, Any]) -> float:
    phys = next(x for x in m["memory"] if x["type"] == "physical")
    return 1 - phys["availableBytes"] / phys["totalBytes"]


async def _edge_metrics(c: httpx.AsyncClient, ids: list[str]) -> dict[str, dict[str, Any]]:
    r = await c.get(f"{TP}/metrics", params={"edgeIds": ",".join(ids)})
    assert r.status_code == 200, r.text
    return {m["edge"]["id"]: m for m in r.json()}


async def test_cpu_ramp_crosses_critical_after_twenty_minutes(
    ramp: tuple[SimServer, httpx.AsyncClient],
) -> None:
    sim, c = ramp
    edges = (await c.get(TP, params={"pageSize": 100})).json()["entities"]
    group = edges[0]["edgeGroup"]["id"]
    target = [e["id"] for e in edges if e["edgeGroup"]["id"] == group]
    others = [e["id"] for e in edges if e["edgeGroup"]["id"] != group and e["onlineStatus"] == "ONLINE"]
    assert 2 <= len(target) <= 5

    series: list[list[float]] = []
    for _ in range(5):  # t = 0, 5, 10, 15, 20 minutes of simulator time, no real waiting
        m = await _edge_metrics(c, target + others)
        series.append([_cpu(m[i]) for i in target])
        assert m[target[0]]["eventTime"].startswith("2026-05-28T")  # the simulator's clock, not the host's
        sim.clock.advance(300)
    for edge_series in zip(*series, strict=True):
        assert edge_series[0] < 62 and edge_series[-2] < 90 <= edge_series[-1] + 1  # 60 % -> 90 % at 20 min
        assert list(edge_series) == sorted(edge_series)
    late = await _edge_metrics(c, others)
    assert all(_cpu(m) < 99.5 for m in late.values())  # only the target ramps to the cap

    state = (await c.get("/sim/control/telephony/scenario")).json()
    assert (
        state["scenario"] == "cpu-ramp" and state["targetGroupId"] == group and state["rampSeconds"] == 1200
    )


async def test_clock_control_routes_move_the_metrics(ramp: tuple[SimServer, httpx.AsyncClient]) -> None:
    sim, c = ramp
    edge = (await c.get(TP)).json()["entities"][0]
    before = _cpu((await c.get(f"{TP}/{edge['id']}/metrics")).json())
    again = _cpu((await c.get(f"{TP}/{edge['id']}/metrics")).json())
    assert before == again  # frozen: the same instant gives the same values

    got = (await c.post("/sim/control/clock/advance", json={"seconds": 1200})).json()
    assert got["frozen"] is True and got["epoch"] == START + 1200 and got["now"] == "2026-05-28T20:46:40.000Z"
    after = _cpu((await c.get(f"{TP}/{edge['id']}/metrics")).json())
    assert after >= 89 > before

    r = await c.put("/sim/control/clock", json={"epoch": START})
    assert r.json()["epoch"] == START
    assert _cpu((await c.get(f"{TP}/{edge['id']}/metrics")).json()) == before
    for bad in ({"seconds": -1}, {"seconds": "x"}, {}, {"seconds": 1, "extra": 2}):
        r = await c.post("/sim/control/clock/advance", json=bad)
        assert r.status_code == 400, bad
    assert (await c.put("/sim/control/clock", json={"frozen": "yes"})).status_code == 400
    assert (await c.put("/sim/control/clock", json={"frozen": False})).json()["frozen"] is False
    assert not sim.clock.frozen


async def test_scenarios_switch_at_run_time() -> None:
    cfg = SimConfig(edges=8, clock_start=START, clock_frozen=True, scaling_scenario="steady")
    async with SimServer(cfg) as sim, _client(sim) as c:
        edges = (await c.get(TP)).json()["entities"]
        ids = [e["id"] for e in edges if e["onlineStatus"] == "ONLINE"]
        first = await _edge_metrics(c, ids)
        sim.clock.advance(3 * 3600)
        later = await _edge_metrics(c, ids)
        assert [_cpu(first[i]) for i in ids] == [_cpu(later[i]) for i in ids]  # steady: constant
        prof = sim.runtime.org.edge_profiles if sim.runtime else {}
        assert _cpu(first[ids[0]]) == round(prof[ids[0]].cpu_pct, 2)

        # trunk-surge on one named edge: its trunks go 40 % -> 100 % of their channels
        facts = (await c.get("/sim/control/telephony")).json()
        r = await c.put(
            "/sim/control/telephony/scenario", json={"scenario": "trunk-surge", "target": edges[0]["name"]}
        )
        assert r.status_code == 200 and r.json()["targetGroupId"] is None
        trunks = (await c.get(f"{TP}/trunks", params={"edge.id": edges[0]["id"]})).json()["entities"]
        tids = ",".join(t["id"] for t in trunks)
        surge = []
        for _ in range(3):
            tm = (await c.get(f"{TP}/trunks/metrics", params={"trunkIds": tids})).json()
            surge.append({m["trunk"]["id"]: sum(m["calls"].values()) for m in tm})
            sim.clock.advance(600)
        connected = [t["id"] for t in trunks if t["connectedStatus"]["connected"]]
        for tid in connected:
            ch = facts["trunkChannels"][tid]
            assert surge[0][tid] <= 0.42 * ch + 1 and surge[2][tid] >= 0.99 * ch - 1

        # memory-ramp by group id via the Python API
        group = edges[0]["edgeGroup"]["id"]
        load_of(sim.runtime).set_scenario("memory-ramp", target=group, ramp_seconds=600)  # type: ignore[arg-type]
        m0 = await _edge_metrics(c, [ids[0]])
        sim.clock.advance(600)
        m1 = await _edge_metrics(c, [ids[0]])
        assert abs(_mem(m0[ids[0]]) - 0.70) < 0.01 and abs(_mem(m1[ids[0]]) - 0.95) < 0.01

        for bad in (
            {"scenario": "boom"},
            {"scenario": "cpu-ramp", "target": "no-such-edge"},
            {"scenario": "cpu-ramp", "rampSeconds": 0},
            {"target": group},
            {"scenario": "steady", "nope": 1},
        ):
            r = await c.put("/sim/control/telephony/scenario", json=bad)
            assert r.status_code == 400, bad
            assert r.json()["code"] == "bad.request"


async def test_default_load_moves_with_trend_daily_shape_and_noise() -> None:
    cfg = SimConfig(edges=6, clock_start=START, clock_frozen=True)
    async with SimServer(cfg) as sim, _client(sim) as c:
        edges = (await c.get(TP)).json()["entities"]
        ids = [e["id"] for e in edges if e["onlineStatus"] == "ONLINE"]
        seen = []
        for _ in range(6):
            m = await _edge_metrics(c, ids)
            seen.append(tuple(_cpu(m[i]) for i in ids))
            sim.clock.advance(4 * 3600)
        assert len(set(seen)) == len(seen)  # it moves
        assert all(row[0] > 80 for row in seen)  # the first edge stays hot all day
        # the same instant, the same values: deterministic
        sim.clock.set(START)
        assert tuple(_cpu(v) for v in (await _edge_metrics(c, ids)).values()) == seen[0]


async def test_same_seed_same_values_in_two_simulators() -> None:
    cfg = {"edges": 5, "clock_start": START, "clock_frozen": True}
    out = []
    for _ in range(2):
        async with SimServer(SimConfig(**cfg)) as sim, _client(sim) as c:  # type: ignore[arg-type]
            edges = (await c.get(TP)).json()["entities"]
            m = await _edge_metrics(c, [e["id"] for e in edges])
            out.append(sorted((k, _cpu(v), _mem(v)) for k, v in m.items()))
    assert out[0] == out[1]


def test_sim_clock_api() -> None:
    clock = SimClock(START, frozen=True)
    assert clock.now() == START and clock.origin == START
    assert clock.advance(60) == START + 60
    clock.set(START + 10)
    assert clock.now() == START + 10
    clock.unfreeze()
    assert not clock.frozen and clock.now() >= START + 10
    with pytest.raises(ValueError, match="seconds"):
        clock.advance(-5)
    with pytest.raises(ValueError, match="epoch"):
        clock.set(float("nan"))


async def test_edge_groups_listing_and_edge_filters() -> None:
    async with SimServer(SimConfig(edges=40, trunks=100)) as sim, _client(sim) as c:
        edges = (await c.get(TP, params={"pageSize": 100})).json()["entities"]
        sizes = Counter(e["edgeGroup"]["id"] for e in edges)
        assert all(2 <= n <= 5 for n in sizes.values()) and len(sizes) >= 8

        groups = (await c.get(f"{TP}/edgegroups", params={"pageSize": 100})).json()
        assert groups["total"] == groups["totalNumberOfEntities"] == len(sizes)
        assert {g["id"] for g in groups["entities"]} == set(sizes)
        g0 = groups["entities"][0]
        assert {"id", "name", "state", "managed", "hybrid", "selfUri"} <= set(g0)
        assert g0["selfUri"] == f"{TP}/edgegroups/{g0['id']}"
        assert (await c.get(f"{TP}/edgegroups/{g0['id']}")).json() == g0
        assert (await c.get(f"{TP}/edgegroups/nope")).status_code == 404
        named = (await c.get(f"{TP}/edgegroups", params={"name": "paris*"})).json()["entities"]
        assert named and all(g["name"].startswith("Paris") for g in named)

        for param in ("edgeGroup.id", "edgeGroupId"):
            got = (await c.get(TP, params={param: g0["id"]})).json()
            assert got["total"] == sizes[g0["id"]]
            assert {e["edgeGroup"]["id"] for e in got["entities"]} == {g0["id"]}
        site = edges[0]["site"]["id"]
        for param in ("site.id", "siteId"):
            got = (await c.get(TP, params={param: site, "pageSize": 100})).json()["entities"]
            assert got and {e["site"]["id"] for e in got} == {site}
            assert len(got) == sum(1 for e in edges if e["site"]["id"] == site)
        both = (await c.get(TP, params={"edgeGroup.id": g0["id"], "site.id": "other"})).json()
        assert both["total"] == 0
        # every edge of a group shares its site; trunks carry their edge's group
        assert len({e["site"]["id"] for e in edges if e["edgeGroup"]["id"] == g0["id"]}) == 1
        trunks = (await c.get(f"{TP}/trunks", params={"pageSize": 500})).json()
        assert trunks["total"] == 100
        by_edge = {e["id"]: e for e in edges}
        assert all(
            t["edgeGroup"]["id"] == by_edge[t["edge"]["id"]]["edgeGroup"]["id"] for t in trunks["entities"]
        )
        one = edges[3]["id"]
        assert {
            t["edge"]["id"] for t in (await c.get(f"{TP}/trunks", params={"edgeId": one})).json()["entities"]
        } == {one}


@pytest.mark.parametrize(
    ("knobs", "field"),
    [
        ({"scaling_scenario": "ramp"}, "scaling_scenario"),
        ({"scaling_ramp_seconds": 0}, "scaling_ramp_seconds"),
        ({"edge_group_min": 3, "edge_group_max": 2}, "edge_group_max"),
        ({"trunks": -1}, "trunks"),
        ({"clock_start": float("nan")}, "clock_start"),
        ({"scaling_target": ""}, "scaling_target"),
    ],
)
def test_bad_telephony_knobs_are_refused(knobs: dict[str, Any], field: str) -> None:
    with pytest.raises(SimConfigError) as err:
        SimConfig(**knobs).validate()
    assert err.value.field == field


def test_unknown_scaling_target_is_refused_at_start() -> None:
    from gctui.sim.load_telephony import TelephonyLoad
    from gctui.sim.org import build_org

    org = build_org(SimConfig(edges=3, scaling_target="nowhere"))
    with pytest.raises(ValueError, match="nowhere"):
        TelephonyLoad(org, SimClock())


async def test_trunk_metrics_id_limit_is_a_knob() -> None:
    async with SimServer(SimConfig(edges=4, trunk_metrics_max_ids=3)) as sim, _client(sim) as c:
        trunks = (await c.get(f"{TP}/trunks")).json()["entities"]
        ids = ",".join(t["id"] for t in trunks[:4])
        r = await c.get(f"{TP}/trunks/metrics", params={"trunkIds": ids})
        assert r.status_code == 400 and "at most 3" in r.json()["message"]
        ok = await c.get(f"{TP}/trunks/metrics", params={"trunkIds": ids.rsplit(",", 1)[0]})
        assert len(ok.json()) == 3
