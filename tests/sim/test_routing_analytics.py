"""Conversation aggregates for routing: usedRouting/requestedRouting, views, timeZone, granularity, 400s."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest

from gctui.sim.analytics_conv import aggregate, unit_array
from gctui.sim.det import unit
from gctui.sim.gen_routing_config import ROUTING_VALUES
from gctui.sim.server import SimThread

Q = "/api/v2/analytics/conversations/aggregates/query"
WEEK = "2024-05-06T00:00:00Z/2024-05-13T00:00:00Z"


def query(api: httpx.Client, **body: Any) -> list[dict[str, Any]]:
    r = api.post(Q, json=body)
    assert r.status_code == 200, r.text
    return list(r.json().get("results", []))


def totals(results: list[dict[str, Any]], key: str, metric: str, stat: str) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in results:
        for d in r["data"]:
            for m in d["metrics"]:
                if m["metric"] == metric:
                    out[r["group"].get(key, "")] += m["stats"][stat]
    return dict(out)


def bad(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    r = api.post(Q, json=body)
    assert r.status_code == 400, (body, r.text)
    err = r.json()
    assert err["code"] == "bad.request" and err["status"] == 400 and err["contextId"]
    return dict(err)


def test_vectorized_jitter_is_the_scalar_one() -> None:
    import numpy as np

    keys = np.asarray([1, 2**63 + 5, 12345678901234567], dtype=np.uint64)[:, None]
    cols = np.asarray([1714953600, 1715040000], dtype=np.uint64)[None, :]
    got = unit_array(keys, cols, np.uint64(3))
    want = [[unit(int(k), int(c), 3) for c in cols[0]] for k in keys[:, 0]]
    assert got.tolist() == want


def test_used_routing_is_consistent_with_each_queue(api: httpx.Client, shared_sim: SimThread) -> None:
    assert shared_sim.runtime is not None
    profiles = shared_sim.runtime.org.queue_profiles
    metrics = ["nOffered", "tAnswered", "tHandle", "oServiceLevel"]
    by_used = query(
        api, interval=WEEK, groupBy=["queueId", "usedRouting", "requestedRouting"], metrics=metrics
    )
    plain = query(api, interval=WEEK, groupBy=["queueId"], metrics=metrics)
    assert {r["group"]["usedRouting"] for r in by_used} <= set(ROUTING_VALUES)
    assert {r["group"]["requestedRouting"] for r in by_used} <= set(ROUTING_VALUES)
    # the routing slices of a queue add up to the queue exactly (re-aggregate by summing)
    for metric, stat in (
        ("nOffered", "count"),
        ("tAnswered", "sum"),
        ("tAnswered", "count"),
        ("oServiceLevel", "numerator"),
        ("oServiceLevel", "denominator"),
    ):
        assert totals(by_used, "queueId", metric, stat) == totals(plain, "queueId", metric, stat)
    offered: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in by_used:
        offered[r["group"]["queueId"]][r["group"]["usedRouting"]] += sum(
            m["stats"]["count"] for d in r["data"] for m in d["metrics"] if m["metric"] == "nOffered"
        )
    checked = set()
    for qid, used in offered.items():
        p = profiles[qid]
        share = {k: v / sum(used.values()) for k, v in used.items()}
        expected = {s.used for s in p.slices}
        assert set(used) <= expected
        if p.method == "bullseye" and sum(used.values()) > 200 and "Preferred" not in expected:
            assert share["Bullseye"] > 0.8
            checked.add("bullseye")
        if p.method == "conditional" and sum(used.values()) > 200:
            assert share["Conditional"] > 0.8
            checked.add("conditional")
        if p.method == "standard":
            assert set(used) <= {"Standard", "Manual", "Vip"}
            checked.add("standard")
    assert {"bullseye", "conditional", "standard"} <= checked


def test_filter_on_used_routing(api: httpx.Client, shared_sim: SimThread) -> None:
    assert shared_sim.runtime is not None
    profiles = shared_sim.runtime.org.queue_profiles
    flt = {"type": "and", "predicates": [{"dimension": "usedRouting", "value": "Bullseye"}]}
    res = query(api, interval=WEEK, groupBy=["queueId"], metrics=["nOffered"], filter=flt)
    assert res and {profiles[r["group"]["queueId"]].method for r in res} == {"bullseye"}
    flt = {
        "type": "and",
        "predicates": [
            {"dimension": "requestedRouting", "value": "Predictive"},
            {"dimension": "usedRouting", "value": "Standard"},
        ],
    }
    res = query(api, interval=WEEK, groupBy=["usedRouting"], metrics=["nOffered"], filter=flt)
    assert [r["group"] for r in res] == [{"usedRouting": "Standard"}]


def test_views(api: httpx.Client, shared_sim: SimThread) -> None:
    assert shared_sim.runtime is not None
    profiles = shared_sim.runtime.org.queue_profiles
    views = [
        {"name": "withinSl20", "target": "tAnswered", "function": "rangeBound", "range": {"lt": 20000}},
        {"name": "slow", "target": "tAnswered", "function": "rangeBound", "range": {"gte": 20000}},
        {
            "name": "shortCalls",
            "target": "tHandle",
            "function": "rangeBound",
            "range": {"gte": 0, "lt": 120000},
        },
    ]
    res = query(
        api,
        interval=WEEK,
        granularity="P1D",
        groupBy=["queueId"],
        metrics=["tAnswered", "oServiceLevel", "tHandle"],
        views=views,
    )
    n_checked = 0
    for r in res:
        sl_ms = profiles[r["group"]["queueId"]].sl_ms
        for d in r["data"]:
            v = {x["name"]: x["stats"] for x in d.get("views", [])}
            m = {x["metric"]: x["stats"] for x in d["metrics"]}
            if "tAnswered" not in m:
                continue
            within, slow = v.get("withinSl20", {"count": 0}), v.get("slow", {"count": 0})
            assert within["count"] + slow["count"] == m["tAnswered"]["count"]
            if sl_ms == 20000:  # a view at the SL threshold counts what oServiceLevel counts
                assert within["count"] == m["oServiceLevel"]["numerator"]
                n_checked += 1
            if within["count"]:
                assert within["max"] < 20000 and within["sum"] <= m["tAnswered"]["sum"]
            if "shortCalls" in v:
                assert 0 < v["shortCalls"]["count"] <= m["tHandle"]["count"]
    assert n_checked > 10
    base = {"interval": WEEK, "metrics": ["tAnswered"]}
    one = {"name": "v", "target": "tAnswered", "function": "rangeBound", "range": {"lt": 1000}}
    for views_, field in (
        ([dict(one, name=f"v{i}") for i in range(11)], "views"),
        ([dict(one, target="nOffered")], "views[0].target"),
        ([dict(one, target="oServiceLevel")], "views[0].target"),
        ([dict(one, name="tAnswered")], "views[0].name"),
        ([one, one], "views[1].name"),
        ([dict(one, function="percentile")], "views[0].function"),
        ([dict(one, range={"gte": 5000, "lt": 1000})], "views[0].range"),
        ([dict(one, range={})], "views[0].range"),
        ([dict(one, range={"lt": "soon"})], "views[0].range.lt"),
    ):
        assert bad(api, dict(base, views=views_))["details"][0]["fieldName"] == field


def intervals(results: list[dict[str, Any]]) -> list[str]:
    return [d["interval"] for d in results[0]["data"]]


def test_time_zone_and_granularity(api: httpx.Client, shared_sim: SimThread) -> None:
    # Paris days across the spring DST change (2024-03-31 has 23 hours)
    res = query(
        api,
        interval="2024-03-29T23:00:00Z/2024-04-02T22:00:00Z",
        granularity="P1D",
        timeZone="Europe/Paris",
        metrics=["nOffered"],
    )
    assert intervals(res) == [
        "2024-03-29T23:00:00.000Z/2024-03-30T23:00:00.000Z",
        "2024-03-30T23:00:00.000Z/2024-03-31T22:00:00.000Z",
        "2024-03-31T22:00:00.000Z/2024-04-01T22:00:00.000Z",
        "2024-04-01T22:00:00.000Z/2024-04-02T22:00:00.000Z",
    ]
    utc = query(
        api, interval="2024-03-29T23:00:00Z/2024-04-02T22:00:00Z", granularity="P1D", metrics=["nOffered"]
    )
    assert intervals(utc)[1] == "2024-03-30T23:00:00.000Z/2024-03-31T23:00:00.000Z"
    # an offset in the interval is the same instant
    same = query(
        api,
        interval="2024-03-30T00:00:00+01:00/2024-04-03T00:00:00+02:00",
        granularity="P1D",
        timeZone="Europe/Paris",
        metrics=["nOffered"],
    )
    assert same == res
    assert shared_sim.runtime is not None  # three months: longer than a sync query, as a job would
    months = aggregate(
        {
            "interval": "2024-01-01T00:00:00Z/2024-04-01T00:00:00Z",
            "granularity": "P1M",
            "metrics": ["nOffered"],
        },
        shared_sim.runtime,
        job=True,
    )
    assert [i.split("/")[0][:10] for i in intervals(months)] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    halves = query(
        api,
        interval="2024-05-06T00:00:00Z/2024-05-06T03:00:00Z",
        granularity="PT30M",
        metrics=["nOffered"],
        groupBy=["queueId"],
    )
    assert max(len(r["data"]) for r in halves) == 6
    week = query(api, interval=WEEK, granularity="P7D", metrics=["nOffered"])
    assert intervals(week) == ["2024-05-06T00:00:00.000Z/2024-05-13T00:00:00.000Z"]
    for g in ("P1X", "PT", "PT30S", "P0D", 15, "1 day"):
        assert (
            bad(api, {"interval": WEEK, "granularity": g, "metrics": ["nOffered"]})["details"][0]["fieldName"]
            == "granularity"
        )
    for tz in ("Mars/Olympus", "../etc/passwd", 3):
        assert (
            bad(api, {"interval": WEEK, "timeZone": tz, "metrics": ["nOffered"]})["details"][0]["fieldName"]
            == "timeZone"
        )


@pytest.mark.parametrize(
    ("interval", "why"),
    [
        ("2024-05-07T00:00:00Z/2024-05-06T00:00:00Z", "ends before it starts"),
        ("2024-05-06T00:00:00Z/2024-05-06T00:00:00Z", "ends before it starts"),
        ("2024-05-06T00:00:00Z", "not a valid"),
        ("2024-13-01T00:00:00Z/2024-13-02T00:00:00Z", "not a valid"),
        ("last week", "not a valid"),
        ("2024-03-01T00:00:00Z/2024-05-01T00:00:00Z", "longer than"),
    ],
)
def test_bad_intervals(api: httpx.Client, interval: str, why: str) -> None:
    err = bad(api, {"interval": interval, "metrics": ["nOffered"]})
    assert err["details"][0]["fieldName"] == "interval" and why in err["message"]


def test_other_refusals_and_top_n(api: httpx.Client) -> None:
    assert "nHandled" in bad(api, {"interval": WEEK, "metrics": ["nOffered", "nHandled"]})["message"]
    assert bad(api, {"interval": WEEK, "metrics": []})["details"][0]["fieldName"] == "metrics"
    assert bad(api, {"interval": WEEK})["details"][0]["fieldName"] == "metrics"
    body = {
        "interval": WEEK,
        "metrics": ["nOffered", "tAnswered"],
        "groupBy": ["queueId"],
        "queryType": "topN",
    }
    assert bad(api, body)["details"][0]["fieldName"] == "sortMetric"
    body.update(sortMetric={"name": "nOffered", "function": "count"}, limit=3)
    top = query(api, **body)
    every = totals(
        query(api, interval=WEEK, metrics=["nOffered"], groupBy=["queueId"]), "queueId", "nOffered", "count"
    )
    want = sorted(every.values(), reverse=True)[:3]
    assert [totals([r], "queueId", "nOffered", "count")[r["group"]["queueId"]] for r in top] == want
    body["queryType"] = "bottomN"
    assert len(query(api, **body)) == 3


def test_month_of_daily_buckets_with_every_kpi(api: httpx.Client) -> None:
    metrics = [
        "nOffered",
        "tAnswered",
        "tAbandon",
        "tHandle",
        "tTalkComplete",
        "tHeldComplete",
        "tAcw",
        "oServiceLevel",
        "nTransferred",
        "tWait",
        "tShortAbandon",
        "nOverSla",
        "oServiceTarget",
    ]
    res = query(
        api,
        interval="2024-05-01T00:00:00Z/2024-05-31T00:00:00Z",
        granularity="P1D",
        groupBy=["queueId"],
        metrics=metrics,
    )
    assert len(res) == 30
    for r in res:
        for d in r["data"]:
            m = {x["metric"]: x["stats"] for x in d["metrics"]}
            off = m["nOffered"]["count"]
            assert m["tAnswered"]["count"] + m.get("tAbandon", {"count": 0})["count"] == off
            sl = m["oServiceLevel"]
            assert sl["denominator"] == off and sl["ratio"] == round(sl["numerator"] / off, 4)
            for t in ("tAnswered", "tHandle"):
                if t in m:
                    assert m[t]["min"] <= m[t]["sum"] / m[t]["count"] <= m[t]["max"]


def test_granularity_must_divide_and_views_knobs() -> None:
    from gctui.sim import SimConfig
    from gctui.sim.errors import ApiError
    from gctui.sim.runtime import build_runtime

    rt = build_runtime(SimConfig(analytics_granularity_must_divide=True, analytics_max_views=1))
    ok = {
        "interval": "2024-05-06T00:00:00Z/2024-05-08T00:00:00Z",
        "granularity": "P1D",
        "metrics": ["nOffered"],
    }
    assert len(aggregate(ok, rt)[0]["data"]) == 2
    view = {"name": "v", "target": "tAnswered", "function": "rangeBound", "range": {"lt": 1000}}
    for body, field in (
        (dict(ok, interval="2024-05-06T00:00:00Z/2024-05-07T12:00:00Z"), "granularity"),
        (dict(ok, views=[view, dict(view, name="w")]), "views"),
    ):
        with pytest.raises(ApiError) as exc:
            aggregate(body, rt)
        assert exc.value.status == 400 and exc.value.field == field
