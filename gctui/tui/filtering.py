"""The `/` filter: a case-insensitive regex over a row's text; a leading `!` inverts it.

An invalid regex falls back to a plain substring match, so typing `(` mid-word never errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowFilter:
    text: str
    inverted: bool
    pattern: re.Pattern[str] | None
    literal: bool

    @property
    def active(self) -> bool:
        return bool(self.text)

    def describe(self) -> str:
        if not self.text:
            return ""
        return f"{'!' if self.inverted else ''}{self.text}" + (" as text" if self.literal else "")

    def matches_any(self, cells: Iterable[str]) -> bool:
        """A row matches when any one cell does, so ``^``/``$`` anchor to a cell."""
        if not self.text:
            return True
        if self.pattern is not None:
            hit = any(self.pattern.search(c) is not None for c in cells)
        else:
            needle = self.text.lower()
            hit = any(needle in c.lower() for c in cells)
        return hit != self.inverted


def parse_filter(expr: str) -> RowFilter:
    raw = expr.strip()
    inverted = raw.startswith("!")
    text = raw[1:].strip() if inverted else raw
    if not text:
        return RowFilter("", False, None, True)
    try:
        return RowFilter(text, inverted, re.compile(text, re.IGNORECASE), False)
    except re.error:
        return RowFilter(text, inverted, None, True)
