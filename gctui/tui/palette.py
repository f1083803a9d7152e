"""Ctrl+P palette: the registry's actions for the app and the active tab."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from gctui.tui import actions

if TYPE_CHECKING:
    from gctui.tui.app import GctuiApp


class ActionsProvider(Provider):
    def _specs(self) -> list[actions.ActionSpec]:
        app: GctuiApp = self.app  # type: ignore[assignment]
        scopes = app.active_scopes()
        seen: set[str] = set()
        out = []
        for a in actions.ACTIONS:
            if a.scope not in scopes or a.action in ("command_palette", "command_line"):
                continue
            if (app.read_only and a.write) or a.action in seen:
                continue  # one entry per action: Ctrl+C's quit is the same as q's
            seen.add(a.action)
            out.append(a)
        return out

    def _help(self, spec: actions.ActionSpec) -> str:
        key = spec.key.split(",")[0]
        cmd = f"  ·  :{spec.command}" if spec.command else ""
        return f"key {self.app.get_key_display(Binding(key, ''))}{cmd}"

    async def discover(self) -> Hits:
        app: GctuiApp = self.app  # type: ignore[assignment]
        for spec in self._specs():
            yield DiscoveryHit(spec.description, partial(app.run_spec, spec), help=self._help(spec))

    async def search(self, query: str) -> Hits:
        app: GctuiApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for spec in self._specs():
            score = max(matcher.match(spec.description), matcher.match(spec.command or ""))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(spec.description),
                    partial(app.run_spec, spec),
                    help=self._help(spec),
                )
