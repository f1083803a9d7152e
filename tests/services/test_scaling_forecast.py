"""Forecasts against hand-computed values: least squares, Holt's smoothing, the arrival driver
and the time until each threshold is crossed."""

from __future__ import annotations

import pytest

from gctui.config.scaling import ThresholdMatrix
from gctui.services.scaling import ForecastSettings, Kind, Series, forecast_all, holt_fit, linear_fit
from gctui.services.scaling.forecast import time_to
from gctui.services.scaling.service import arrival_trend

M = ThresholdMatrix()
H = 3600.0


def series(
    values: list[float], step: float = 60.0, kind: Kind = Kind.CPU, key: str = "edge:e1:cpu"
) -> Series:
    return Series(key, kind, "edge-1", "g1", "Group 1", [i * step for i in range(len(values))], values)


def test_linear_fit_by_hand() -> None:
    # t = 0, 60, 120, 180; y = .5 .7 .6 .8: mean t 90, mean y .65;
    # sum dt*dy = -90*-.15 + -30*.05 + 30*-.05 + 90*.15 = 24; sum dt^2 = 18000 -> 24 / 18000 per s
    slope, level = linear_fit([0, 60, 120, 180], [0.5, 0.7, 0.6, 0.8])
    assert slope == pytest.approx(24 / 18000)
    assert slope * 3600 == pytest.approx(4.8)
    assert level == pytest.approx(0.65 + slope * 90)  # the fitted value at the last time: 0.77
    assert level == pytest.approx(0.77)


def test_holt_by_hand() -> None:
    # alpha .5, beta .3 on .2 .3 .5 .6 every 30 s: L=.2; T=.1, L=.3; L=.45, T=.115; L=.5825, T=.12025
    slope, level = holt_fit([0, 30, 60, 90], [0.2, 0.3, 0.5, 0.6], alpha=0.5, beta=0.3)
    assert level == pytest.approx(0.5825)
    assert slope == pytest.approx(0.12025 / 30)  # the trend per step over the mean spacing


def test_holt_forecast_and_time_to_critical() -> None:
    s = series([0.2, 0.3, 0.5, 0.6], step=30)
    (f,) = forecast_all([s], M, ForecastSettings(horizon_seconds=H, model="holt", min_span_seconds=60))
    assert f.model == "holt" and f.driver == "trend" and f.window_points == 4 and f.window_seconds == 90
    assert f.slope_per_hour == pytest.approx(0.12025 / 30 * 3600)
    # critical .9 from the level .5825 at .12025 per 30 s: (.9 - .5825) / (.12025 / 30) = 79.2 s
    assert f.seconds_to_critical == pytest.approx((0.9 - 0.5825) / (0.12025 / 30))
    assert f.seconds_to_warning == pytest.approx((0.75 - 0.5825) / (0.12025 / 30))
    assert f.forecast == 1.0  # a CPU share is capped at 100%
    assert f.crosses_critical and str(f.forecast_state) == "critical" and str(f.state) == "ok"
    assert "holt on 4 samples over 1m30s, slope +14.430/h" in f.explain()


def test_linear_forecast_exact_line() -> None:
    s = series([0.5, 0.6, 0.7, 0.8])  # +0.1 per minute: 6 per hour
    (f,) = forecast_all([s], M, ForecastSettings(model="linear"))
    assert f.slope_per_hour == pytest.approx(6.0)
    assert f.seconds_to_critical == pytest.approx(60.0)  # .8 -> .9 at .1 per minute
    assert f.seconds_to_warning == 0.0  # already above warning
    assert str(f.state) == "warning"


def test_falling_or_flat_never_crosses() -> None:
    falling = series([0.8, 0.7, 0.6, 0.5], key="edge:a:cpu")
    flat = series([0.5, 0.5, 0.5, 0.5], key="edge:b:cpu")
    fa, fl = forecast_all([falling, flat], M, ForecastSettings(model="linear"))
    assert fa.seconds_to_critical is None and fa.seconds_to_warning is None
    assert fa.forecast == 0.0  # 0.5 - 6/h: floored at zero
    assert fl.seconds_to_critical is None and fl.driver == "flat" and fl.forecast == pytest.approx(0.5)


def test_crossing_beyond_the_horizon_is_none() -> None:
    # +0.01 per minute from .5: .9 in 40 min; with a 30 min horizon it is not within it
    s = series([0.47, 0.48, 0.49, 0.5])
    (f,) = forecast_all([s], M, ForecastSettings(horizon_seconds=1800, model="linear"))
    assert f.seconds_to_warning == pytest.approx(1500)  # .75 in 25 min: within
    assert f.seconds_to_critical is None
    (g,) = forecast_all([s], M, ForecastSettings(horizon_seconds=3600, model="linear"))
    assert g.seconds_to_critical == pytest.approx(2400)


def test_too_little_history_holds_the_value_and_says_so() -> None:
    two = series([0.5, 0.9], key="edge:a:cpu")
    short = series([0.5, 0.6, 0.7], step=10, key="edge:b:cpu")  # 20 s of samples, a 60 s minimum
    empty = Series("edge:c:cpu", Kind.CPU, "c", None, None, [], [])
    a, b, c = forecast_all([two, short, empty], M, ForecastSettings(min_span_seconds=60))
    assert a.model == "none" and a.forecast == 0.9 and a.seconds_to_critical == 0.0  # at .9 now
    assert b.model == "none" and b.forecast == pytest.approx(0.7) and b.seconds_to_critical is None
    assert "too little history" in b.explain()
    assert c.current is None and c.forecast is None and str(c.state) == "unknown"


def test_arrivals_push_cpu_and_trunks_but_not_memory() -> None:
    flat = [0.5] * 5
    cpu = series(flat, kind=Kind.CPU, key="edge:e:cpu")
    mem = series(flat, kind=Kind.MEMORY, key="edge:e:memory")
    trunk = series(flat, kind=Kind.TRUNK, key="trunk:t")
    settings = ForecastSettings(model="linear", arrival_factor=1.5, horizon_seconds=H)
    fc, fm, ft = forecast_all([cpu, mem, trunk], M, settings)
    assert fc.driver == "arrivals" and fc.forecast == pytest.approx(0.75)
    assert fc.seconds_to_warning == pytest.approx(H)  # .5 -> .75 over exactly the horizon
    assert fc.seconds_to_critical is None  # .9 would take 1.6 h
    assert ft.driver == "arrivals" and ft.forecast == pytest.approx(0.75)
    assert fm.driver == "flat" and fm.forecast == pytest.approx(0.5)


def test_time_to_edges() -> None:
    assert time_to(0.9, 0.95, 0.95, -1.0, H) == 0.0
    assert time_to(0.9, 0.5, 0.5, 0.0, H) is None
    assert time_to(0.9, 0.5, 0.5, 0.4 / H, H) == pytest.approx(H)


def test_arrival_trend_by_hand() -> None:
    # 100, 110, 120, 130 per 15 min: +10 per interval; now 130 -> 520/h; in 1 h (+4 intervals) 170
    trend = arrival_trend([100, 110, 120, 130], 900, 3600)
    assert trend is not None
    assert trend.rate_now == pytest.approx(520)
    assert trend.rate_at_horizon == pytest.approx(680)
    assert trend.factor == pytest.approx(170 / 130)
    assert arrival_trend([5], 900, 3600) is None


def test_many_series_of_different_lengths_match_one_by_one() -> None:
    many = [
        series([0.1 * (i % 5) + 0.01 * j for j in range(3 + i % 7)], key=f"edge:{i}:cpu") for i in range(40)
    ]
    settings = ForecastSettings(model="holt")
    together = forecast_all(many, M, settings)
    alone = [forecast_all([s], M, settings)[0] for s in many]
    for a, b in zip(together, alone, strict=True):
        assert a.forecast == pytest.approx(b.forecast)
        assert a.slope_per_hour == pytest.approx(b.slope_per_hour)
        assert a.seconds_to_critical == (
            None if b.seconds_to_critical is None else pytest.approx(b.seconds_to_critical)
        )
