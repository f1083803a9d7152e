"""The default scaling rule (the seed's), per node group, with its reasons.

Scale up when a node's utilization is at or above its critical threshold (now, or forecast
within the horizon) or when the group's concurrent sessions reach ``sessions_per_node`` x nodes;
by max(1, floor(step x nodes)) nodes, capped at ``max_nodes``; never fewer nodes than now during
an expansion. A cap below the current count is refused before anything is sent."""

from __future__ import annotations

import math
from collections.abc import Sequence

from gctui.config.scaling import ThresholdMatrix
from gctui.services.scaling.models import Forecast, Kind, NodeGroup, Recommendation
from gctui.text import duration


def step_for(nodes: int, thresholds: ThresholdMatrix) -> int:
    """Nodes added by one scale-up: max(1, floor(step x nodes))."""
    return max(1, math.floor(thresholds.step * nodes + 1e-9))


def recommend(group: NodeGroup, forecasts: Sequence[Forecast], thresholds: ThresholdMatrix) -> Recommendation:
    """The rule for one group; ``forecasts`` may hold every resource (others are ignored)."""
    nodes = group.nodes
    thresholds.check_nodes(group.name, nodes)
    mine = [f for f in forecasts if f.group_id == group.id and f.kind in (Kind.CPU, Kind.MEMORY)]
    reasons: list[str] = []
    hot_now = [f for f in mine if f.current is not None and f.current >= f.critical]
    hot_soon = [f for f in mine if f not in hot_now and f.seconds_to_critical is not None]
    for f in sorted(hot_now, key=lambda f: -(f.current or 0)):
        reasons.append(f"{f.name} {f.kind} {f.current:.0%} is at or above critical {f.critical:.0%}")
    for f in sorted(hot_soon, key=lambda f: f.seconds_to_critical or 0):
        reasons.append(
            f"{f.name} {f.kind} forecast to reach critical {f.critical:.0%} in "
            f"{duration(f.seconds_to_critical)} ({f.explain()})"
        )
    limit = thresholds.sessions_per_node * nodes
    if nodes and group.sessions >= limit:
        reasons.append(
            f"{group.sessions} concurrent sessions >= "
            f"{thresholds.sessions_per_node:g} x {nodes} nodes ({limit:g})"
        )
    trigger = _trigger(hot_now, hot_soon)
    if not reasons or nodes == 0:
        why = "no edges in the group" if nodes == 0 else "every node below critical, no crossing forecast"
        return Recommendation(group, nodes, nodes, (f"no change: {why}",), trigger)
    add = step_for(nodes, thresholds)
    requested = min(thresholds.max_nodes, nodes + add)
    requested = max(requested, nodes)  # an expansion never asks for fewer nodes than now
    if requested == nodes:
        reasons.append(f"capped: already at max_nodes {thresholds.max_nodes}; no change requested")
    elif requested < nodes + add:
        reasons.append(f"+{add} capped at max_nodes {thresholds.max_nodes}")
    else:
        reasons.append(f"+{add}: max(1, {thresholds.step:g} x {nodes} nodes)")
    return Recommendation(group, nodes, requested, tuple(reasons), trigger)


def _trigger(hot_now: list[Forecast], hot_soon: list[Forecast]) -> Forecast | None:
    if hot_now:
        return max(hot_now, key=lambda f: (f.current or 0) - f.critical)
    if hot_soon:
        return min(hot_soon, key=lambda f: f.seconds_to_critical or 0)
    return None


def recommend_all(
    groups: Sequence[NodeGroup], forecasts: Sequence[Forecast], thresholds: ThresholdMatrix
) -> list[Recommendation]:
    return [recommend(g, forecasts, thresholds) for g in groups]
