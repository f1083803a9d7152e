"""Feature tabs: each declares itself (``TAB``, ``ACTIONS``) in its own module; this list is
the one place the shell learns of it, in the order of the tab bar. A tab whose feature is not
built yet is simply not listed: no placeholders."""

from __future__ import annotations

from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.flows import FlowsTab
from gctui.tui.tabs.health import HealthTab
from gctui.tui.tabs.routing import RoutingTab
from gctui.tui.tabs.scaling import ScalingTab

TABS: tuple[type[FeatureTab], ...] = (HealthTab, DataActionsTab, FlowsTab, RoutingTab, ScalingTab)

__all__ = ["TABS", "FeatureTab"]
