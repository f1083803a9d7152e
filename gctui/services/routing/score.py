"""The weighted score of a cohort of rows (queues or routing methods) from their KPI columns.

Each weighted KPI is normalized over the rows that are ranked (the cohort, minus the low-volume
rows) to 0..1, 1 being best (a lower-is-better KPI is inverted): ``minmax`` ``(x-min)/(max-min)``,
or ``percentile`` ``(rank-1)/(n-1)`` with ties sharing their average rank. A KPI whose value is
the same for every ranked row tells nothing apart: it contributes 0 to every row (no division
by zero). A missing value (ASA of a queue that answered nothing) normalizes to 0, the worst.
The score is ``Σ normalized x weight / Σ weight`` (0..1); each KPI's share of it is kept in the
breakdown columns ``contrib.<kpi>`` (they add up to the score). ``rank`` 1 is best (ties share
the best rank), ``percentile`` is the share of ranked rows scoring at most as much (0..100).
Rows offered fewer than ``min_offered`` interactions are flagged ``lowVolume`` and not ranked.

Scoring works on an already fetched frame: a change of weights re-ranks with no request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gctui.config.routing import DEFAULT_WEIGHTS, KPI_HIGHER_IS_BETTER, check_weights
from gctui.errors import EXIT_USAGE, GctuiError
from gctui.services.routing.kpis import WEIGHT_COLUMN

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

NORMALIZATIONS = ("minmax", "percentile")


class ScoreError(GctuiError):
    """Bad scoring settings (weights, normalization): nothing was sent or changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


@dataclass(frozen=True)
class ScoreSettings:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    higher_is_better: Mapping[str, bool] = field(default_factory=lambda: dict(KPI_HIGHER_IS_BETTER))
    normalization: str = "minmax"
    min_offered: int = 10

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "weights", check_weights(dict(self.weights)))
        except ValueError as exc:
            raise ScoreError(f"weights: {exc}") from None
        if self.normalization not in NORMALIZATIONS:
            raise ScoreError(
                f"normalization {self.normalization!r}: expected one of {', '.join(NORMALIZATIONS)}"
            )
        if self.min_offered < 0:
            raise ScoreError(f"min offered {self.min_offered}: expected a number >= 0")
        unknown = sorted(set(self.higher_is_better) - set(KPI_HIGHER_IS_BETTER))
        if unknown:
            raise ScoreError(f"directions: unknown KPI {', '.join(unknown)}")

    def higher(self, kpi: str) -> bool:
        return self.higher_is_better.get(kpi, KPI_HIGHER_IS_BETTER[kpi])

    def with_weight(self, kpi: str, weight: float) -> ScoreSettings:
        weights = {**self.weights, kpi: weight}
        return ScoreSettings(weights, self.higher_is_better, self.normalization, self.min_offered)

    def with_direction(self, kpi: str, higher: bool) -> ScoreSettings:
        return ScoreSettings(
            self.weights, {**self.higher_is_better, kpi: higher}, self.normalization, self.min_offered
        )

    def active(self) -> dict[str, float]:
        """The KPIs that weigh (weight > 0), in the vocabulary's order."""
        return {k: self.weights[k] for k in KPI_HIGHER_IS_BETTER if self.weights.get(k, 0) > 0}


def parse_weights(text: str) -> dict[str, float]:
    """``asa=0.4,abandoned=0.3`` -> a weights dict (``ScoreError`` says what is wrong). Names
    left out weigh 0."""
    out: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise ScoreError(f"weights: {part[:40]!r} is not NAME=NUMBER (e.g. asa=0.4)")
        if name not in KPI_HIGHER_IS_BETTER:
            raise ScoreError(f"weights: unknown KPI {name[:40]!r} (known: {', '.join(KPI_HIGHER_IS_BETTER)})")
        try:
            out[name] = float(value)
        except ValueError:
            raise ScoreError(f"weights: {name}={value.strip()[:20]!r} is not a number") from None
    if not out:
        raise ScoreError("weights: none given (e.g. --weights asa=0.4,abandoned=0.3,handled=0.3)")
    try:
        return check_weights(out)
    except ValueError as exc:
        raise ScoreError(f"weights: {exc}") from None


def _normalize(col: pd.Series, method: str, higher: bool) -> pd.Series:
    """0..1, 1 best, over the non-missing values; constant -> 0 everywhere; missing -> 0."""
    valid = col.dropna()
    if valid.nunique() <= 1:
        return col.notna() * 0.0
    if method == "minmax":
        lo, hi = valid.min(), valid.max()
        norm = (col - lo) / (hi - lo)
    else:
        ranks = col.rank(method="average")
        norm = (ranks - 1) / (valid.size - 1)
    if not higher:
        norm = 1 - norm
    return norm.fillna(0.0).clip(0.0, 1.0)


def score_frame(frame: pd.DataFrame, settings: ScoreSettings) -> pd.DataFrame:
    """``frame`` (KPI columns, ``offered``) plus ``lowVolume``, ``norm.<kpi>``, ``contrib.<kpi>``,
    ``score``, ``rank`` and ``percentile`` (NaN / <NA> for low-volume rows), sorted best first."""
    import numpy as np
    import pandas as pd

    out = frame.copy()
    low = out["offered"] < settings.min_offered
    ranked = ~low
    active = settings.active()
    total = sum(active.values())
    score = pd.Series(0.0, index=out.index)
    for kpi, weight in active.items():
        column = out[WEIGHT_COLUMN[kpi]].astype(float)
        norm = pd.Series(np.nan, index=out.index)
        norm[ranked] = _normalize(column[ranked], settings.normalization, settings.higher(kpi))
        contrib = norm * (weight / total)
        out[f"norm.{kpi}"] = norm
        out[f"contrib.{kpi}"] = contrib
        score = score + contrib.fillna(0.0)
    out["lowVolume"] = low
    out["score"] = score.where(ranked, np.nan)
    rounded = out["score"].round(12)  # float noise must not split a tie
    out["rank"] = rounded.rank(method="min", ascending=False).astype("Int64")
    out["percentile"] = rounded.rank(method="max", pct=True) * 100
    return out.sort_values(["score", "offered"], ascending=[False, False], na_position="last", kind="stable")
