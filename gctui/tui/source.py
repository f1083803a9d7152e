"""Where the app's org comes from: the TUI takes any ProfileSource (the CLI builds the demo one).
Opening may block (the demo starts the simulator), so the app calls it from a thread worker
after the first frame is drawn."""

from __future__ import annotations

from typing import Protocol

from gctui.config import ResolvedProfile


class ProfileSource(Protocol):
    label: str

    def open(self) -> ResolvedProfile: ...

    def close(self) -> None: ...


class StaticSource:
    """An already-resolved profile (config file / env / flags, validated before start-up)."""

    def __init__(self, profile: ResolvedProfile) -> None:
        self.profile = profile
        self.label = profile.name

    def open(self) -> ResolvedProfile:
        return self.profile

    def close(self) -> None:
        return None
