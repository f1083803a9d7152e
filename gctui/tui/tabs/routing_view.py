"""What the Routing tab draws, as plain functions of the scored records: the table's columns
and cells, the score bar chart, the cursor row's breakdown and the weights panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from gctui.text import clean
from gctui.tui.widgets.dataview import Column

if TYPE_CHECKING:
    from gctui.services.routing import ScoreSettings

PLOT_BARS = 20  # the chart shows the best N rows of the table as filtered and sorted


def columns(by: str) -> list[Column]:
    first = {"queue": "Queue", "method": "Method", "used": "Used routing"}[by]
    second = Column("method", "Method", 11) if by == "queue" else Column("queues", "Queues", 6, numeric=True)
    return [
        Column("rank", "#", 4, numeric=True),
        Column("name", first, 22, flex=True),
        second,
        Column("score", "Score", 6, numeric=True),
        Column("pct", "Pctl", 4, numeric=True),
        Column("offered", "Offered", 7, numeric=True),
        Column("answered", "Answ", 6, numeric=True),
        Column("abandon", "Aband%", 6, numeric=True),
        Column("asa", "ASA s", 6, numeric=True),
        Column("aht", "AHT s", 6, numeric=True),
        Column("sl", "SL%", 5, numeric=True),
        Column("xfer", "Xfer%", 5, numeric=True),
        Column("live", "Wait/Int/On", 11),
    ]


def _pct(v: Any) -> str:
    return "-" if v is None else f"{v * 100:.1f}"


def _sec(v: Any) -> str:
    return "-" if v is None else f"{v / 1000:.1f}"


def key_of(record: dict[str, Any], by: str) -> str:
    return str(record[{"queue": "queueId", "method": "method", "used": "usedRouting"}[by]])


def row_cells(r: dict[str, Any], by: str) -> list[str]:
    name = r["name"] if by == "queue" else key_of(r, by)
    second = r["method"] if by == "queue" else str(r["queues"])
    live = f"{r['waiting']}/{r['interacting']}/{r['onQueue']}" if by == "queue" else ""
    return [
        "low" if r["lowVolume"] else str(r["rank"]),
        clean(name),
        second,
        "-" if r["score"] is None else f"{r['score']:.3f}",
        "-" if r["percentile"] is None else f"{r['percentile']:.0f}",
        str(r["offered"]),
        str(r["answered"]),
        _pct(r["abandonRate"]),
        _sec(r["asaMs"]),
        _sec(r["ahtMs"]),
        _pct(r["serviceLevel"]),
        _pct(r["transferRate"]),
        live,
    ]


def draw_plot(plt: Any, records: list[dict[str, Any]], by: str) -> None:
    plt.clear_figure()
    ranked = [r for r in records if r["score"] is not None][:PLOT_BARS]
    if not ranked:
        plt.title("nothing ranked yet")
        return
    names = [clean(r["name"] if by == "queue" else key_of(r, by))[:14] for r in ranked]
    plt.bar(names, [r["score"] for r in ranked], orientation="horizontal", width=0.4)
    plt.title(f"score, best {len(ranked)}")
    plt.xlim(0, 1)


def breakdown_text(record: dict[str, Any] | None, by: str) -> Text:
    text = Text()
    if record is None:
        text.append("no row under the cursor", style="dim")
        return text
    text.append(clean(record["name"] if by == "queue" else key_of(record, by)), style="bold")
    if record["lowVolume"]:
        text.append(f"\nlow volume ({record['offered']} offered): not ranked", style="yellow")
        return text
    text.append(
        f"\nscore {record['score']:.3f}  rank {record['rank']}  percentile {record['percentile']:.0f}\n"
    )
    for b in record["breakdown"]:
        arrow = "↑" if b["higherIsBetter"] else "↓"
        norm = "-" if b["normalized"] is None else f"{b['normalized']:.3f}"
        contrib = "-" if b["contribution"] is None else f"{b['contribution']:.3f}"
        text.append(f"{b['kpi']:<13}{arrow} {norm} x {b['share']:.2f} = {contrib}\n")
    if by == "queue":
        used = record.get("usedRouting") or {}
        if used:
            text.append("used routing: " + ", ".join(f"{clean(k)} {v}" for k, v in used.items()), style="dim")
        text.append(f"\nconfigured: {clean(','.join(record.get('methods', [])))}", style="dim")
    return text


def weights_text(settings: ScoreSettings, selected: str, dirty: bool) -> Text:
    from gctui.config.routing import KPI_HIGHER_IS_BETTER  # loaded with the org, not before the first frame

    text = Text()
    total = sum(settings.active().values())
    for kpi in KPI_HIGHER_IS_BETTER:
        w = settings.weights.get(kpi, 0.0)
        arrow = "↑" if settings.higher(kpi) else "↓"
        share = f"{w / total * 100:3.0f}%" if w > 0 else "   -"
        line = f"{'>' if kpi == selected else ' '} {kpi:<13}{arrow} {w:4.2f} {share}\n"
        text.append(line, style="bold reverse" if kpi == selected else ("" if w > 0 else "dim"))
    text.append(f"{settings.normalization}, min offered {settings.min_offered}", style="dim")
    if dirty:
        text.append("\nunsaved (ctrl+s saves)", style="yellow")
    text.append("\nw/W kpi  +/- weight  d dir  n norm  z reset", style="dim")
    return text


def export_record(r: dict[str, Any]) -> dict[str, object]:
    """One flat record for CSV/JSON export: the nested breakdown becomes ``normalized.<kpi>`` /
    ``contribution.<kpi>`` columns, lists and maps become text."""
    out: dict[str, object] = {}
    for k, v in r.items():
        if k == "breakdown":
            continue
        if k == "methods" and isinstance(v, list):
            out[k] = ",".join(v)
        elif k == "usedRouting" and isinstance(v, dict):
            out[k] = ";".join(f"{name}:{n}" for name, n in v.items())
        else:
            out[k] = v
    for b in r.get("breakdown", []):
        out[f"normalized.{b['kpi']}"] = b["normalized"]
        out[f"contribution.{b['kpi']}"] = b["contribution"]
    return out
