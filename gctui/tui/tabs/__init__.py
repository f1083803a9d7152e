"""Feature tabs. A tab whose feature is not built yet is simply not listed: no placeholders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.health import HealthTab


@dataclass(frozen=True, slots=True)
class TabDef:
    id: str
    title: str
    key: str
    factory: Callable[[], FeatureTab]


TABS: tuple[TabDef, ...] = (TabDef("health", "Health", "1", HealthTab),)

__all__ = ["TABS", "FeatureTab", "TabDef"]
