"""What every feature tab offers the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.tui.widgets.dataview import DataView


class FeatureTab(Vertical):
    scope: str = ""
    title: str = ""

    def attach(self, session: Session, profile: ResolvedProfile) -> None:
        """The org is open: start loading (in workers)."""

    def data_view(self) -> DataView | None:
        """The table `/` filters and `e` exports."""
        return None

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        """Typed records for the rows ``keys`` (as filtered); None exports the cells as shown."""
        return None

    def filter_changed(self, view: DataView) -> None:
        """The filter of ``view`` changed; update any 'N of M shown' text."""

    def modal_open(self) -> bool:
        return self.app.screen is not self.screen
