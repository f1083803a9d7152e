"""Ctrl+P palette: the registry's actions for the app and the active tab."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gctui.tui import actions

if TYPE_CHECKING:
    from gctui.tui.app import GctuiApp


class ActionsProvider(Provider):
    def _specs(self) -> list[actions.ActionSpec]:
        app: GctuiApp = self.app  # type: ignore[assignment]
        scopes = app.active_scopes()
        return [
            a
            for a in actions.ACTIONS
            if a.scope in scopes and a.action != "command_palette" and not (app.read_only and a.write)
        ]

    async def discover(self) -> Hits:
        app: GctuiApp = self.app  # type: ignore[assignment]
        for spec in self._specs():
            yield DiscoveryHit(spec.description, partial(app.run_spec, spec), help=spec.id)

    async def search(self, query: str) -> Hits:
        app: GctuiApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for spec in self._specs():
            text = f"{spec.description} ({spec.id})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.run_spec, spec), help=spec.id)
