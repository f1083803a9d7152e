"""Per-resource forecasts: a linear trend on the window, or Holt's smoothing, explained.

Vectorised over resources with numpy (the bench forecasts 500 edges x 2 + 2,000 trunks): series
are right-aligned in a matrix, padded with NaN on the left. For each resource:

* ``linear``: least squares of value on time; the projection starts from the fitted value at
  the last sample and moves by the slope.
* ``holt``: Holt's linear exponential smoothing (level alpha, trend beta) over the samples in
  order; the trend per step is turned into a slope per second by the mean sample spacing.

Then the arrival rate: when the org's arrivals grow over the horizon faster than the trend says,
CPU and trunk load follow the arrivals (concurrent calls scale with the arrival rate at a steady
handle time, Little's law); memory follows its own trend only. The time until each threshold is
crossed is read off the projection used (None when not within the horizon)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gctui.config.scaling import ThresholdMatrix
from gctui.services.scaling.models import Forecast, Kind

MIN_POINTS = 3  # fewer samples than this: no trend, the current value is held
MIN_SPAN = 1.0  # seconds: samples closer together than this make no trend either


@dataclass(frozen=True, slots=True)
class Series:
    """The window of one resource: times (epoch s) and values, oldest first."""

    key: str
    kind: Kind
    name: str
    group_id: str | None
    group_name: str | None
    times: Sequence[float]
    values: Sequence[float]
    raw: float | None = None
    capacity: float | None = None


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    horizon_seconds: float = 3600.0
    model: str = "holt"
    alpha: float = 0.5
    beta: float = 0.3
    arrival_factor: float = 1.0  # arrivals at the horizon / arrivals now (ArrivalTrend.factor)
    min_span_seconds: float = MIN_SPAN  # a window shorter than this gives no trend


def linear_fit(times: Sequence[float], values: Sequence[float]) -> tuple[float, float]:
    """(slope per second, fitted value at the last time) by least squares (one series)."""
    slope, level = _linear(np.asarray([times], float), np.asarray([values], float))
    return float(slope[0]), float(level[0])


def holt_fit(
    times: Sequence[float], values: Sequence[float], alpha: float = 0.5, beta: float = 0.3
) -> tuple[float, float]:
    """(slope per second, level at the last sample) by Holt's smoothing (one series)."""
    slope, level = _holt(np.asarray([times], float), np.asarray([values], float), alpha, beta)
    return float(slope[0]), float(level[0])


def time_to(threshold: float, current: float, base: float, slope: float, horizon: float) -> float | None:
    """Seconds until the projection ``base + slope x t`` reaches ``threshold``; 0 when the
    current value is already there; None when not within ``horizon``."""
    if current >= threshold:
        return 0.0
    if slope <= 0:
        return None
    t = max(0.0, (threshold - base) / slope)
    return t if t <= horizon else None


def forecast_all(
    series: Sequence[Series], thresholds: ThresholdMatrix, settings: ForecastSettings
) -> list[Forecast]:
    """One :class:`Forecast` per series, in order."""
    if not series:
        return []
    width = max(len(s.values) for s in series)
    t = np.full((len(series), max(width, 1)), np.nan)
    y = np.full_like(t, np.nan)
    for i, s in enumerate(series):
        n = len(s.values)
        if n:
            t[i, width - n :] = s.times
            y[i, width - n :] = s.values
    counts = np.sum(~np.isnan(y), axis=1)
    if settings.model == "linear":
        slope, level = _linear(t, y)
    else:
        slope, level = _holt(t, y, settings.alpha, settings.beta)
    horizon = settings.horizon_seconds
    out: list[Forecast] = []
    for i, s in enumerate(series):
        out.append(_one(s, int(counts[i]), float(slope[i]), float(level[i]), thresholds, settings, horizon))
    return out


def _one(
    s: Series,
    n: int,
    slope: float,
    level: float,
    thresholds: ThresholdMatrix,
    settings: ForecastSettings,
    horizon: float,
) -> Forecast:
    warning, critical = thresholds.for_kind(str(s.kind))
    current = float(s.values[-1]) if n else None
    span = float(s.times[-1] - s.times[0]) if n > 1 else 0.0
    model, driver = settings.model, "trend"
    short = span < max(MIN_SPAN, settings.min_span_seconds)
    if current is None or n < MIN_POINTS or short or not np.isfinite(slope):
        model, driver, slope, level = "none", "flat", 0.0, current if current is not None else 0.0
    top = 1.0 if s.kind in (Kind.CPU, Kind.MEMORY) else float("inf")
    projected = None
    if current is not None:
        projected = level + slope * horizon
        by_arrivals = current * settings.arrival_factor
        if s.kind is not Kind.MEMORY and settings.arrival_factor > 1.0 and by_arrivals > projected:
            driver, level = "arrivals", current
            slope = (by_arrivals - current) / horizon
            projected = by_arrivals
        elif model != "none" and abs(slope) * horizon < 1e-9:
            driver = "flat"
        projected = min(top, max(0.0, projected))
    base = level
    to_w = time_to(warning, current, base, slope, horizon) if current is not None else None
    to_c = time_to(critical, current, base, slope, horizon) if current is not None else None
    return Forecast(
        key=s.key,
        kind=s.kind,
        name=s.name,
        group_id=s.group_id,
        group_name=s.group_name,
        current=current,
        forecast=projected,
        warning=warning,
        critical=critical,
        model=model,
        window_points=n,
        window_seconds=span,
        slope_per_hour=slope * 3600.0,
        driver=driver,
        horizon_seconds=horizon,
        seconds_to_warning=to_w,
        seconds_to_critical=to_c,
        raw=s.raw,
        capacity=s.capacity,
        history=tuple(float(v) for v in s.values),
    )


def _linear(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise least squares, NaN = missing: (slope per second, fitted value at the last time)."""
    mask = ~np.isnan(y)
    n = mask.sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_last = np.max(np.where(mask, t, -np.inf), axis=1)
        tc = np.where(mask, t - t_last[:, None], 0.0)  # centred on the last time: no cancellation
        yz = np.where(mask, y, 0.0)
        mt = tc.sum(axis=1) / n
        my = yz.sum(axis=1) / n
        dt = np.where(mask, tc - mt[:, None], 0.0)
        var = (dt * dt).sum(axis=1)
        cov = (dt * (yz - my[:, None])).sum(axis=1)
        slope = np.where(var > 0, cov / var, 0.0)
        level = my - slope * mt  # the fitted value at tc = 0 (the last time)
    return slope, level


def _holt(t: np.ndarray, y: np.ndarray, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise Holt's smoothing over the non-NaN values (right-aligned rows)."""
    rows, width = y.shape
    level = np.full(rows, np.nan)
    trend = np.zeros(rows)
    seen = np.zeros(rows, dtype=int)
    for j in range(width):
        col = y[:, j]
        have = ~np.isnan(col)
        first = have & (seen == 0)
        second = have & (seen == 1)
        later = have & (seen >= 2)
        level = np.where(first, col, level)
        # the second point sets the first trend from the first difference
        trend = np.where(second, col - level, trend)
        level = np.where(second, col, level)
        if later.any():
            prev = level
            new_level = alpha * col + (1 - alpha) * (prev + trend)
            new_trend = beta * (new_level - prev) + (1 - beta) * trend
            level = np.where(later, new_level, level)
            trend = np.where(later, new_trend, trend)
        seen = seen + have
    mask = ~np.isnan(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_first = np.min(np.where(mask, t, np.inf), axis=1)
        t_last = np.max(np.where(mask, t, -np.inf), axis=1)
        step = np.where(seen > 1, (t_last - t_first) / np.maximum(seen - 1, 1), np.nan)
        slope = np.where((seen > 1) & (step > 0), trend / step, 0.0)
    return slope, np.nan_to_num(level)
