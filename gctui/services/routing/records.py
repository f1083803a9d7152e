"""Scored tables as records: the JSON/CSV rows of ``gctui routing score`` and of the BI push.

Keys are camelCase and say their unit (``asaMs``, ``abandonRate`` 0..1); numbers are rounded
for reading (ratios to 4 places, milliseconds to 0.1)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from gctui.services.routing.kpis import KPI_COLUMNS
from gctui.services.routing.score import ScoreSettings

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from gctui.services.routing.dataset import Dataset

_RATIOS = frozenset({"abandonRate", "serviceLevel", "transferRate"})
CSV_COLUMNS = (
    "rank",
    "queueId",
    "name",
    "method",
    "score",
    "percentile",
    "lowVolume",
    *KPI_COLUMNS,
    "waiting",
    "interacting",
    "onQueue",
)


def _num(value: Any, places: int) -> float | int | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(f):
        return None
    return round(f, places)


def kpi_value(column: str, value: Any) -> float | int | None:
    if column in ("offered", "answered", "handled", "abandoned"):
        v = _num(value, 0)
        return None if v is None else int(v)
    return _num(value, 4 if column in _RATIOS else 1)


def breakdown(row: pd.Series, settings: ScoreSettings) -> list[dict[str, Any]]:
    """Each weighted KPI's normalized value, weight and contribution (normalized x weight / Σ)."""
    total = sum(settings.active().values())
    return [
        {
            "kpi": kpi,
            "weight": weight,
            "share": round(weight / total, 4),
            "higherIsBetter": settings.higher(kpi),
            "normalized": _num(row.get(f"norm.{kpi}"), 4),
            "contribution": _num(row.get(f"contrib.{kpi}"), 4),
        }
        for kpi, weight in settings.active().items()
    ]


def row_records(
    scored: pd.DataFrame, settings: ScoreSettings, dataset: Dataset | None = None, by: str = "queue"
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, row in scored.iterrows():
        rank = row.get("rank")
        rec: dict[str, Any] = {}
        if by == "queue":
            rec["queueId"] = str(key)
            rec["name"] = row.get("name", "")
            rec["division"] = row.get("division", "")
            rec["method"] = row.get("method", "")
            rec["methods"] = [m for m in str(row.get("methods", "")).split(",") if m]
            rec["skillEvaluation"] = row.get("skillEvaluation", "")
            if dataset is not None:
                rec["usedRouting"] = dataset.used_routing(str(key))
        else:
            rec["method" if by == "method" else "usedRouting"] = str(key)
            rec["queues"] = int(row["queues"])
        rec.update({c: kpi_value(c, row[c]) for c in KPI_COLUMNS})
        if by == "queue":
            rec.update({c: int(row.get(c, 0)) for c in ("waiting", "interacting", "onQueue")})
        rec["lowVolume"] = bool(row["lowVolume"])
        rec["score"] = _num(row["score"], 4)
        rec["rank"] = None if _missing(rank) else int(rank)
        rec["percentile"] = _num(row["percentile"], 1)
        rec["breakdown"] = breakdown(row, settings) if not row["lowVolume"] else []
        out.append(rec)
    return out


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def settings_doc(settings: ScoreSettings) -> dict[str, Any]:
    return {
        "weights": settings.active(),
        "directions": {k: "higher" if settings.higher(k) else "lower" for k in settings.active()},
        "normalization": settings.normalization,
        "minOffered": settings.min_offered,
    }
