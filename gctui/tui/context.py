"""What a feature tab gets from the shell once the org is open: one typed, frozen context
instead of attributes looked up on the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from gctui.config import ResolvedProfile
    from gctui.genesys.pool import WorkerPool
    from gctui.genesys.session import Session


@dataclass(frozen=True, slots=True)
class Paths:
    """Where the console writes: exports, the probe history (None: each feature's default)."""

    export_dir: Path | None = None
    history_path: Path | None = None


@dataclass(frozen=True, slots=True)
class TabContext:
    session: Session
    profile: ResolvedProfile
    paths: Paths

    @property
    def pool(self) -> WorkerPool:
        """The one worker pool every network job of the process goes through."""
        return self.session.pool

    @property
    def read_only(self) -> bool:
        return self.profile.options.read_only

    @property
    def history_path(self) -> Path | None:
        return self.paths.history_path

    @property
    def export_dir(self) -> Path | None:
        return self.paths.export_dir
