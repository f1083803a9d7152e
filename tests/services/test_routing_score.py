"""Scoring against hand-computed numbers: buckets summed (never ratios averaged), a zero-volume
queue, ties, a constant KPI, min-max vs percentile, grouping by method; plus properties."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gctui.genesys.models import AggregateResult
from gctui.services.routing import Dataset, ScoreSettings, parse_interval, row_records, score_frame
from gctui.services.routing.kpis import RAW, bucket_frame, kpis, sum_buckets


def bucket(offered: int, answered: int, asa_sum: float, abandoned: int, sl: tuple[int, int] = (0, 0),
           handled: int | None = None, aht_sum: float = 0, transferred: int = 0) -> dict[str, Any]:  # fmt: skip
    handled = answered if handled is None else handled
    metrics = [
        {"metric": "nOffered", "stats": {"count": offered}},
        {"metric": "tAnswered", "stats": {"count": answered, "sum": asa_sum}},
        {"metric": "tAbandon", "stats": {"count": abandoned, "sum": 1.0}},
        {"metric": "tHandle", "stats": {"count": handled, "sum": aht_sum}},
        {"metric": "nTransferred", "stats": {"count": transferred}},
    ]
    if sl[1]:
        metrics.append(
            {
                "metric": "oServiceLevel",
                "stats": {"numerator": sl[0], "denominator": sl[1], "ratio": sl[0] / sl[1]},
            }
        )
    return {"interval": "x", "metrics": metrics}


def result(queue: str, *buckets: dict[str, Any], used: str | None = None) -> AggregateResult:
    group = {"queueId": queue} if used is None else {"queueId": queue, "usedRouting": used}
    return AggregateResult.model_validate({"group": group, "data": list(buckets)})


def table(results: list[AggregateResult]) -> pd.DataFrame:
    return kpis(sum_buckets(bucket_frame(results)))


def test_buckets_are_summed_then_divided_never_ratios_averaged() -> None:
    t = table(
        [
            result(
                "A",
                bucket(10, 8, 80_000, 2, sl=(8, 8), aht_sum=8 * 100_000, transferred=1),
                bucket(90, 72, 2_880_000, 18, sl=(36, 72), aht_sum=72 * 300_000, transferred=7),
            )
        ]
    )
    row = t.loc["A"]
    assert (row["offered"], row["answered"], row["abandoned"], row["handled"]) == (100, 80, 20, 80)
    assert row["asaMs"] == pytest.approx(2_960_000 / 80)  # 37 000 ms, not (10 000 + 40 000) / 2
    assert row["serviceLevel"] == pytest.approx(44 / 80)  # 0.55, not (1.0 + 0.5) / 2
    assert row["abandonRate"] == pytest.approx(0.2)
    assert row["ahtMs"] == pytest.approx((800_000 + 21_600_000) / 80)  # 280 000 ms
    assert row["transferRate"] == pytest.approx(8 / 80)


def test_groups_split_by_used_routing_sum_back_to_the_queue() -> None:
    frame = bucket_frame(
        [
            result("A", bucket(10, 10, 100_000, 0), used="Standard"),
            result("A", bucket(30, 20, 600_000, 10), used="Bullseye"),
        ]
    )
    t = kpis(sum_buckets(frame))
    assert t.loc["A", "offered"] == 40 and t.loc["A", "asaMs"] == pytest.approx(700_000 / 30)
    by_used = kpis(sum_buckets(frame, ("queueId", "usedRouting")))
    assert by_used.loc[("A", "Bullseye"), "asaMs"] == pytest.approx(30_000)


def frame(**cols: list[Any]) -> pd.DataFrame:
    """A KPI frame indexed by queue id (q0, q1, …)."""
    n = len(next(iter(cols.values())))
    base = {c: [math.nan] * n for c in ("abandonRate", "asaMs", "ahtMs", "serviceLevel", "transferRate")}
    base.update({c: [0] * n for c in ("offered", "answered", "handled", "abandoned")})
    base.update(cols)
    return pd.DataFrame(base, index=[f"q{i}" for i in range(n)])


def test_minmax_with_the_default_weights_by_hand() -> None:
    # handled 0.3 (higher better), asa 0.4 (lower), abandoned 0.3 (lower)
    f = frame(
        offered=[100, 200, 300],
        handled=[90, 180, 240],
        asaMs=[10_000, 30_000, 20_000],
        abandoned=[10, 20, 60],
    )
    s = score_frame(f, ScoreSettings())
    # q0: handled 0, asa 1, abandoned 1 -> 0.7 ; q1: handled 0.6, asa 0, abandoned 0.8 -> 0.42
    # q2: handled 1, asa 0.5, abandoned 0 -> 0.5
    assert s.loc["q0", "score"] == pytest.approx(0.7)
    assert s.loc["q1", "score"] == pytest.approx(0.3 * 0.6 + 0.3 * 0.8)
    assert s.loc["q2", "score"] == pytest.approx(0.3 + 0.4 * 0.5)
    assert list(s.index) == ["q0", "q2", "q1"]  # best first
    assert list(s["rank"]) == [1, 2, 3]
    assert list(s["percentile"].round(2)) == [100.0, 66.67, 33.33]
    assert s.loc["q1", "contrib.asa"] == 0 and s.loc["q1", "norm.handled"] == pytest.approx(0.6)


def test_percentile_normalization_differs_from_minmax() -> None:
    f = frame(offered=[50, 50, 50], asaMs=[10_000, 20_000, 100_000])
    mm = score_frame(f, ScoreSettings(weights={"asa": 1}))
    pc = score_frame(f, ScoreSettings(weights={"asa": 1}, normalization="percentile"))
    assert mm.loc["q1", "score"] == pytest.approx(1 - 10 / 90)  # 0.888…: close to the best
    assert pc.loc["q1", "score"] == pytest.approx(0.5)  # the middle rank
    assert mm.loc["q0", "score"] == pc.loc["q0", "score"] == 1
    assert mm.loc["q2", "score"] == pc.loc["q2", "score"] == 0


def test_a_constant_kpi_contributes_nothing() -> None:
    f = frame(offered=[50, 60, 70], asaMs=[20_000, 20_000, 20_000], abandoned=[5, 1, 3])
    s = score_frame(f, ScoreSettings(weights={"asa": 0.5, "abandoned": 0.5}))
    assert (s["contrib.asa"] == 0).all() and not s["score"].isna().any()
    assert s.loc["q1", "score"] == pytest.approx(0.5)  # best abandons: 1 x 0.5, ASA adds 0
    assert s.loc["q0", "score"] == 0


def test_ties_share_the_best_rank_and_the_percentile() -> None:
    f = frame(offered=[100, 100, 100], asaMs=[10_000, 10_000, 30_000])
    s = score_frame(f, ScoreSettings(weights={"asa": 1}))
    assert list(s["rank"]) == [1, 1, 3]
    assert s.loc["q0", "percentile"] == s.loc["q1", "percentile"] == 100
    assert s.loc["q2", "percentile"] == pytest.approx(100 / 3)


def test_zero_volume_queue_is_flagged_not_ranked_and_does_not_stretch_the_scale() -> None:
    f = frame(offered=[100, 0, 100, 5], asaMs=[10_000, math.nan, 20_000, 1_000])
    s = score_frame(f, ScoreSettings(weights={"asa": 1}, min_offered=10))
    assert s.loc["q1", "lowVolume"] and s.loc["q3", "lowVolume"]
    assert math.isnan(s.loc["q1", "score"]) and pd.isna(s.loc["q1", "rank"])
    # q3's 1 s ASA (5 offered) is not the cohort's best: q0 still normalizes to 1
    assert s.loc["q0", "score"] == 1 and s.loc["q2", "score"] == 0
    assert set(s.index[-2:]) == {"q1", "q3"}  # listed after the ranked queues
    records = row_records(s, ScoreSettings(weights={"asa": 1}, min_offered=10))
    low = next(r for r in records if r["queueId"] == "q1")
    assert low["rank"] is None and low["score"] is None and low["asaMs"] is None and low["lowVolume"]


def test_missing_value_in_a_ranked_queue_is_the_worst() -> None:
    f = frame(offered=[100, 100, 100], asaMs=[10_000, math.nan, 20_000])
    s = score_frame(f, ScoreSettings(weights={"asa": 1}, min_offered=0))
    assert s.loc["q1", "score"] == 0 and s.loc["q0", "score"] == 1


def test_a_direction_override_inverts_the_kpi() -> None:
    f = frame(offered=[100, 100], ahtMs=[100_000, 300_000])
    lower = score_frame(f, ScoreSettings(weights={"aht": 1}))
    higher = score_frame(f, ScoreSettings(weights={"aht": 1}).with_direction("aht", True))
    assert lower.index[0] == "q0" and higher.index[0] == "q1"


def _dataset() -> Dataset:
    meta = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "division": "",
            "method": ["bullseye", "bullseye", "standard"],
            "methods": ["bullseye,standard", "bullseye,standard", "standard"],
            "skillEvaluation": "BEST",
            "predictorState": "",
            "waiting": 0,
            "interacting": 0,
            "onQueue": 0,
        },
        index=pd.Index(["qa", "qb", "qc"], name="queueId"),
    )
    frame = bucket_frame(
        [
            result("qa", bucket(10, 10, 10 * 10_000, 0)),  # ASA 10 s on 10 calls
            result("qb", bucket(90, 90, 90 * 50_000, 0)),  # ASA 50 s on 90 calls
            result("qc", bucket(100, 100, 100 * 30_000, 0)),
        ]
    )
    raw = sum_buckets(frame).reindex(meta.index).fillna(0.0)
    return Dataset(
        parse_interval("7d"), meta.join(raw[list(RAW)]), sum_buckets(frame, ("queueId", "usedRouting"))
    )


def test_grouping_by_method_weights_kpis_by_volume() -> None:
    methods = _dataset().method_table()
    # bullseye: (10 x 10 s + 90 x 50 s) / 100 = 46 s, not the mean of the queues' ASAs (30 s)
    assert methods.loc["bullseye", "asaMs"] == pytest.approx(46_000)
    assert methods.loc["bullseye", "queues"] == 2 and methods.loc["bullseye", "offered"] == 100
    s = score_frame(methods, ScoreSettings(weights={"asa": 1}))
    assert list(s.index) == ["standard", "bullseye"]  # 30 s beats 46 s


def test_cohort_normalizes_over_the_chosen_queues_only() -> None:
    ds = _dataset()
    everyone = score_frame(ds.queue_table(), ScoreSettings(weights={"asa": 1}))
    two = score_frame(ds.queue_table(["qb", "qc"]), ScoreSettings(weights={"asa": 1}))
    assert everyone.loc["qc", "score"] == pytest.approx(0.5)
    assert two.loc["qc", "score"] == 1 and list(two.index) == ["qc", "qb"]


def test_rerank_reuses_the_frame() -> None:
    ds = _dataset()
    t = ds.queue_table()
    first = score_frame(t, ScoreSettings(weights={"asa": 1}))
    second = score_frame(t, ScoreSettings(weights={"offered": 1}))
    assert first.index[0] == "qa" and second.index[0] == "qc"
    assert "score" not in t.columns  # the fetched frame is not modified


kpi_values = st.lists(
    st.tuples(
        st.integers(0, 500), st.floats(0, 1e6), st.integers(0, 500), st.one_of(st.none(), st.floats(0, 1))
    ),
    min_size=1,
    max_size=12,
)
weight = st.floats(0, 10)


@settings(max_examples=60, deadline=None)
@given(
    values=kpi_values,
    w=st.tuples(weight, weight, weight, weight),
    norm=st.sampled_from(["minmax", "percentile"]),
)
def test_properties_of_the_score(values: list[Any], w: tuple[float, ...], norm: str) -> None:
    if not any(x > 0 for x in w):
        w = (1.0, *w[1:])
    f = frame(
        offered=[v[0] for v in values],
        handled=[v[0] for v in values],
        asaMs=[v[1] for v in values],
        abandoned=[v[2] for v in values],
        serviceLevel=[math.nan if v[3] is None else v[3] for v in values],
    )
    weights = {"handled": w[0], "asa": w[1], "abandoned": w[2], "serviceLevel": w[3]}
    s = score_frame(f, ScoreSettings(weights=weights, normalization=norm, min_offered=5))
    ranked = s[~s["lowVolume"]]
    assert ((ranked["score"] >= -1e-9) & (ranked["score"] <= 1 + 1e-9)).all()
    contrib = ranked[[c for c in s.columns if c.startswith("contrib.")]].sum(axis=1)
    assert (contrib - ranked["score"]).abs().max() < 1e-9 if len(ranked) else True
    assert s[s["lowVolume"]]["score"].isna().all()
    # best first, and a better score never has a worse rank
    scores = list(ranked["score"])
    assert scores == sorted(scores, reverse=True)
    assert list(ranked["rank"]) == sorted(ranked["rank"])
    # scaling every weight by the same factor changes nothing
    scaled = score_frame(
        f, ScoreSettings({k: v * 3 for k, v in weights.items()}, normalization=norm, min_offered=5)
    )
    assert (scaled["score"].fillna(-1) - s["score"].reindex(scaled.index).fillna(-1)).abs().max() < 1e-9
