"""The Routing tab's keys and `:` commands (one declaration each: the shell makes the bindings,
the footer, `?` and the palette from it). Light on purpose: the registry reads it without the
tab's widgets, which are imported when the tab is first shown."""

from __future__ import annotations

from typing import Any

from gctui.tui.actions import ActionSpec, Command, TabSpec


def _a(name: str, key: str, action: str, label: str, text: str, **kw: Any) -> ActionSpec:
    return ActionSpec(f"routing.{name}", key, action, label, text, **kw)


TAB = TabSpec("routing", "Routing", "4")
ACTIONS = (
    _a(
        "reload",
        "space",
        "reload",
        "Reload",
        "Fetch the analytics again",
        command=Command("reload"),
        show=False,
    ),
    _a("interval", "i", "next_interval", "Interval", "Next interval: 1h, today, 7d, 30d"),
    _a("group", "g", "next_grouping", "Group", "Rows per queue, per configured method, per used routing"),
    _a("kpi_next", "w", "select_kpi(1)", "KPI", "Select the next KPI in the weights panel", group="kpi"),
    _a("kpi_prev", "W", "select_kpi(-1)", "KPI", "Select the previous KPI", show=False),
    _a("weight_up", "plus,equals_sign", "weight(1)", "+/-", "Raise the selected KPI's weight", group="w"),
    _a("weight_down", "minus", "weight(-1)", "+/-", "Lower the selected KPI's weight", show=False),
    # The footer has room for the weights' keys at 80 columns; the rest are in `?`.
    _a(
        "direction",
        "d",
        "direction",
        "Dir",
        "Flip the selected KPI: higher or lower is better",
        show=False,
    ),
    _a("normalization", "n", "normalization", "Norm", "Min-max or percentile normalization", show=False),
    _a("save", "ctrl+s", "save_weights", "Save", "Save the weights for this profile"),
    _a(
        "reset",
        "z",
        "reset_weights",
        "Reset",
        "Weights back to [routing] (forgets the saved ones)",
        show=False,
    ),
    _a(
        "push",
        "b",
        "push",
        "BI push",
        "Post the scored table to the BI webhook",
        write=True,
        command=Command("push"),
    ),
)
