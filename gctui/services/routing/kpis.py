"""Aggregate buckets -> per-queue KPIs (analytics reference §1.5).

Buckets are re-aggregated by SUMMING counts, sums, numerators and denominators; ratios and
averages are computed once, from the sums (never an average of ratios). Units are in the column
names: ``asaMs``/``ahtMs`` milliseconds, ``abandonRate``/``serviceLevel``/``transferRate`` 0..1."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gctui.genesys.models import AggregateResult

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

# the metrics asked for, and the stats read of each
METRICS = ("nOffered", "tAnswered", "tAbandon", "tHandle", "oServiceLevel", "nTransferred")
RAW = (
    "nOffered",
    "tAnsweredCount",
    "tAnsweredSum",
    "tAbandonCount",
    "tHandleCount",
    "tHandleSum",
    "slNumerator",
    "slDenominator",
    "nTransferred",
)
_READ: dict[str, tuple[tuple[str, str], ...]] = {
    "nOffered": (("count", "nOffered"),),
    "tAnswered": (("count", "tAnsweredCount"), ("sum", "tAnsweredSum")),
    "tAbandon": (("count", "tAbandonCount"),),
    "tHandle": (("count", "tHandleCount"), ("sum", "tHandleSum")),
    "oServiceLevel": (("numerator", "slNumerator"), ("denominator", "slDenominator")),
    "nTransferred": (("count", "nTransferred"),),
}
KPI_COLUMNS = (
    "offered",
    "answered",
    "handled",
    "abandoned",
    "abandonRate",
    "asaMs",
    "ahtMs",
    "serviceLevel",
    "transferRate",
)
# weight name -> KPI column
WEIGHT_COLUMN = {
    "offered": "offered",
    "answered": "answered",
    "handled": "handled",
    "abandoned": "abandoned",
    "abandonRate": "abandonRate",
    "asa": "asaMs",
    "aht": "ahtMs",
    "serviceLevel": "serviceLevel",
    "transferRate": "transferRate",
}
UNKNOWN_ROUTING = ""  # a group without usedRouting (not answered, or the API did not say)


def bucket_frame(results: Iterable[AggregateResult]) -> pd.DataFrame:
    """One row per (queueId, usedRouting, bucket) with the raw stats of :data:`RAW`."""
    import pandas as pd

    rows: list[tuple[object, ...]] = []
    index = {name: i for i, name in enumerate(RAW)}
    for result in results:
        queue_id = result.group.get("queueId")
        if not queue_id:
            continue
        used = result.group.get("usedRouting", UNKNOWN_ROUTING)
        for bucket in result.data:
            values: list[float] = [0.0] * len(RAW)
            for m in bucket.metrics:
                reads = _READ.get(m.metric)
                if reads is None or m.qualifier:
                    continue
                stats = m.stats
                for attr, column in reads:
                    v = getattr(stats, attr)
                    if v is not None:
                        values[index[column]] += float(v)
            rows.append((queue_id, used, bucket.interval or "", *values))
    return pd.DataFrame(rows, columns=["queueId", "usedRouting", "interval", *RAW])


def sum_buckets(buckets: pd.DataFrame, by: tuple[str, ...] = ("queueId",)) -> pd.DataFrame:
    """Sum the raw stats over buckets (and over whatever ``by`` leaves out)."""
    return buckets.groupby(list(by), sort=False)[list(RAW)].sum()


def kpis(raw: pd.DataFrame) -> pd.DataFrame:
    """The KPI columns from summed raw stats (same index). A ratio with a zero denominator is
    NaN (no data), never 0."""
    import numpy as np
    import pandas as pd

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        den = den.astype(float)
        return num.astype(float) / den.where(den > 0, np.nan)

    out = pd.DataFrame(index=raw.index)
    out["offered"] = raw["nOffered"].astype("int64")
    out["answered"] = raw["tAnsweredCount"].astype("int64")
    out["handled"] = raw["tHandleCount"].astype("int64")
    out["abandoned"] = raw["tAbandonCount"].astype("int64")
    out["abandonRate"] = ratio(raw["tAbandonCount"], raw["nOffered"])
    out["asaMs"] = ratio(raw["tAnsweredSum"], raw["tAnsweredCount"])
    out["ahtMs"] = ratio(raw["tHandleSum"], raw["tHandleCount"])
    out["serviceLevel"] = ratio(raw["slNumerator"], raw["slDenominator"])
    out["transferRate"] = ratio(raw["nTransferred"], raw["tHandleCount"])
    return out
