"""Ctrl+P palette: the live actions (the app's and the shown tab's), as `?` lists them."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from gctui.tui.actions import Entry
    from gctui.tui.app import GctuiApp

_NOT_LISTED = ("command_palette", "command_line")


class ActionsProvider(Provider):
    @property
    def _app(self) -> GctuiApp:
        return self.app  # type: ignore[return-value]

    def _entries(self) -> list[Entry]:
        seen: set[str] = set()
        out = []
        for e in self._app.live_entries():
            if e.spec.name in _NOT_LISTED or e.spec.action in seen:
                continue  # one entry per action: Ctrl+C's quit is the same as q's
            seen.add(e.spec.action)
            out.append(e)
        return out

    def _help(self, entry: Entry) -> str:
        cmd = entry.spec.command
        return f"key {self._app.key_display(entry.spec)}" + (f"  ·  :{cmd.name}" if cmd else "")

    async def discover(self) -> Hits:
        for e in self._entries():
            yield DiscoveryHit(e.spec.text, partial(self._app.run_entry, e), help=self._help(e))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for e in self._entries():
            command = e.spec.command.name if e.spec.command else ""
            score = max(matcher.match(e.spec.text), matcher.match(command))
            if score > 0:
                yield Hit(
                    score, matcher.highlight(e.spec.text), partial(self._app.run_entry, e), help=self._help(e)
                )
