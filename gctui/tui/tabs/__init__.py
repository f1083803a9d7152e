"""Feature tabs: each declares itself (``TAB``, ``ACTIONS``) in its own light ``*_keys`` module;
this list is the one place the shell learns of it, in the order of the tab bar. The module with
a tab's widgets is imported, and the tab mounted, when the tab is first shown. A tab whose
feature is not built yet is simply not listed: no placeholders."""

from __future__ import annotations

from gctui.tui.actions import LazyTab, TabDeclaration
from gctui.tui.tabs import actions_keys, flows_keys, health_keys, routing_keys, scaling_keys
from gctui.tui.tabs.base import FeatureTab

TABS: tuple[TabDeclaration, ...] = (
    LazyTab(health_keys.TAB, health_keys.ACTIONS, "gctui.tui.tabs.health:HealthTab"),
    LazyTab(actions_keys.TAB, actions_keys.ACTIONS, "gctui.tui.tabs.actions:DataActionsTab"),
    LazyTab(flows_keys.TAB, flows_keys.ACTIONS, "gctui.tui.tabs.flows:FlowsTab"),
    LazyTab(routing_keys.TAB, routing_keys.ACTIONS, "gctui.tui.tabs.routing:RoutingTab"),
    LazyTab(scaling_keys.TAB, scaling_keys.ACTIONS, "gctui.tui.tabs.scaling:ScalingTab"),
)

__all__ = ["TABS", "FeatureTab"]
