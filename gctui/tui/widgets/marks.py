"""Marks: row ids, so they survive refresh, sort and filter. An action applies to the marks,
else to the cursor row (`DataView.targets`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Marks:
    def __init__(self) -> None:
        self._keys: set[str] = set()
        # The row marked last: Ctrl+Space marks from here to the cursor.
        self.anchor: str | None = None

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def toggle(self, key: str) -> bool:
        """Mark or unmark ``key``; True when it is now marked."""
        if key in self._keys:
            self._keys.discard(key)
            if self.anchor == key:
                self.anchor = None
            return False
        self._keys.add(key)
        self.anchor = key
        return True

    def add_all(self, keys: Iterable[str], *, last: str) -> None:
        self._keys.update(keys)
        self.anchor = last

    def clear(self) -> None:
        self._keys.clear()
        self.anchor = None

    def existing(self, keys: list[str], pos: Mapping[str, int]) -> list[str]:
        """The marked ids that are still rows, in row order (marks of vanished rows are kept:
        the row may come back on the next refresh)."""
        return sorted((k for k in self._keys if k in pos), key=pos.__getitem__)
