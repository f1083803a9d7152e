"""What the Scaling tab draws: the resource rows (with a sparkline each), the plot of the cursor
resource (history, forecast, thresholds) and the recommendation of its node group with the exact
payload and its SHA-256. Pure functions of the service's view: the tab only places them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from gctui.text import clean, duration
from gctui.tui.widgets.dataview import Cell, Column

if TYPE_CHECKING:
    from gctui.services.scaling import Forecast, Plan, ScalingView

SPARK_WIDTH = 16
COLUMNS = (
    Column("resource", "Resource", 18, flex=True),
    Column("kind", "Kind", 6),
    Column("group", "Node group", 14),
    Column("now", "Now", 5),
    Column("forecast", "Fcst", 5),
    Column("warn", "Warn", 4),
    Column("crit", "Crit", 4),
    Column("state", "State", 8),
    Column("tocrit", "To crit", 7),
    Column("spark", "History", SPARK_WIDTH),
)
RANK = {"unknown": -1, "ok": 0, "warning": 1, "critical": 2}
STATE_STYLE = {"ok": "green", "warning": "yellow", "critical": "bold red", "unknown": "dim"}


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def spark(values: Sequence[float], width: int = SPARK_WIDTH) -> str:
    """Utilization on an absolute 0-100 % scale (not scaled to the series' own range, so a flat
    90 % reads high and a flat 10 % low), newest on the right, left-padded to ``width``."""
    from gctui.services.health.stats import SPARK_CHARS

    top = len(SPARK_CHARS) - 1
    chars = [SPARK_CHARS[min(top, max(0, round(v * top)))] for v in values[-width:]]
    return "".join(chars).rjust(width)


def row_cells(f: Forecast) -> list[Cell]:
    state = str(f.state) if f.forecast_state == f.state else f"{f.state}→{f.forecast_state}"
    worst = max(str(f.state), str(f.forecast_state), key=lambda s: RANK.get(s, -1))
    return [
        clean(f.name),
        str(f.kind),
        clean(f.group_name or "-"),
        pct(f.current),
        pct(f.forecast),
        pct(f.warning),
        pct(f.critical),
        Text(state, style=STATE_STYLE.get(worst, "")),
        duration(f.seconds_to_critical),
        spark(f.history),
    ]


def status_line(view: ScalingView, model: str, took: float | None, paused: bool) -> str:
    parts = [
        f"{len(view.forecasts)} resources, {len(view.groups)} node groups",
        f"history {view.history_points} samples over {duration(view.history_seconds)}",
        f"horizon {duration(view.horizon_seconds)} ({model})",
    ]
    crossing = view.crossing_critical
    if crossing:
        parts.append(f"{len(crossing)} forecast to cross critical")
    if took is not None:
        parts.append(f"took {took * 1000:.0f} ms")
    if paused:
        parts.append("PAUSED")
    return " · ".join(parts)


def staffing_line(view: ScalingView, limit: int = 3) -> str:
    """The busiest queues' Erlang C staffing in one line (the CLI's `scale forecast` has them all)."""
    if not view.staffing:
        return "Erlang C: no queue had offered calls in the arrival window"
    parts = []
    for q in view.staffing[:limit]:
        if q.agents_needed is None:
            continue
        on = "?" if q.agents_on_queue is None else str(q.agents_on_queue)
        gap = f" ({q.gap:+d})" if q.gap is not None else ""
        parts.append(
            f"{clean(q.name)} {q.agents_needed} needed for {q.sl_target:.0%} in {q.sl_threshold_seconds:g}s, "
            f"{on} on queue{gap}"
        )
    return "Erlang C: " + ("; ".join(parts) if parts else "no handle time yet")


def plot_series(f: Forecast, sample_times: list[float] | None = None) -> dict[str, Any]:
    """x in minutes relative to now (history negative, the forecast positive), y in %."""
    n = len(f.history)
    span_min = f.window_seconds / 60.0
    if n > 1:
        xs = [-span_min + span_min * i / (n - 1) for i in range(n)]
    else:
        xs = [0.0] * n
    ys = [v * 100 for v in f.history]
    horizon_min = f.horizon_seconds / 60.0
    fx: list[float] = []
    fy: list[float] = []
    if f.current is not None and f.forecast is not None:
        fx, fy = [0.0, horizon_min], [f.current * 100, f.forecast * 100]
    return {
        "history": (xs, ys),
        "forecast": (fx, fy),
        "warning": f.warning * 100,
        "critical": f.critical * 100,
        "xlim": (min([-1.0, *xs]), horizon_min),
    }


def draw_plot(plt: Any, f: Forecast | None) -> None:
    plt.clear_figure()
    if f is None:
        plt.title("no resource")
        return
    data = plot_series(f)
    plt.title(
        clean(f"{f.name} {f.kind}: {pct(f.current)} now, {pct(f.forecast)} in {duration(f.horizon_seconds)}")
    )
    xs, ys = data["history"]
    if xs:
        plt.plot(xs, ys, label="history", marker="braille")
    fx, fy = data["forecast"]
    if fx:
        plt.plot(fx, fy, label=f"forecast ({f.model})", marker="braille")
    plt.hline(data["warning"], "yellow")
    plt.hline(data["critical"], "red")
    top = max([data["critical"] + 5, *(ys or [0]), *(fy or [0])])
    plt.ylim(0, min(top, 400))
    plt.xlim(*data["xlim"])
    plt.xlabel("minutes from now")


def recommendation_text(plan: Plan | None, *, read_only: bool, note: str = "") -> Text:
    text = Text()
    if plan is None:
        text.append("no node group for this resource", style="dim")
        return text
    rec = plan.recommendation
    text.append(clean(rec.group.name), style="bold")
    text.append(
        f"  {rec.current_nodes} → {rec.requested_nodes} nodes", style="bold green" if rec.scale_up else ""
    )
    text.append(f"  ({rec.group.sessions} sessions)\n", style="dim")
    for reason in rec.reasons:
        text.append(f"• {clean(reason)}\n")
    if rec.scale_up:
        text.append("payload ", style="dim")
        text.append(clean(plan.payload.decode()) + "\n")
        text.append("sha256  ", style="dim")
        text.append(plan.sha256 + "\n")
        if read_only:
            text.append("read-only: apply is not available", style="yellow")
        else:
            text.append("a: apply (confirm first)", style="dim")
    if note:
        text.append("\n" + clean(note), style="italic")
    return text
