"""The `/` filter: a case-insensitive regex over a row's cells; a leading `!` inverts it.

A row matches when any one cell does, so ``^``/``$`` anchor to a cell. An invalid regex falls
back to a plain substring match, so typing `(` mid-word never errors.

Speed: tables keep one lowercase *row text* per row, the cells joined by ``\\n`` (`row_text`).
`RowFilter.mask` runs over those texts in C-level loops (``map``): a literal is a substring test;
a regex that can neither match a newline nor look past a cell's edge runs once per row text in
MULTILINE mode (``^``/``$`` then anchor at each cell); anything else is checked cell by cell.
All three give the same answer as `matches_any` on the row's cells.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

SEP = "\n"
_META = frozenset(".^$*+?{}[]\\|()")
# Escapes whose meaning never includes a newline and never depends on text beyond the cell.
_CELL_SAFE_ESCAPES = frozenset("dwbBS")


@dataclass(frozen=True, slots=True)
class RowFilter:
    text: str
    inverted: bool
    pattern: re.Pattern[str] | None
    literal: bool
    # The lowercase needle when the expression is plain text (or an invalid regex).
    needle: str | None = None
    # The pattern to run once per row text, when that is equivalent to running it per cell.
    joined: re.Pattern[str] | None = None

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

    def matches_text(self, text: str) -> bool:
        """`matches_any` for one row text made by `row_text`."""
        if not self.text:
            return True
        if self.needle is not None:
            hit = self.needle in text
        elif self.joined is not None:
            hit = self.joined.search(text) is not None
        else:
            return self.matches_any(text.split(SEP))
        return hit != self.inverted

    def mask(self, texts: Sequence[str], within: bytearray | None = None) -> bytearray:
        """One byte per row text: 1 where the row is shown.

        ``within``: the rows a less specific filter matched (`narrows`), so only those are
        searched: typing one more letter costs what is shown, not what is held."""
        if not self.text:
            return bytearray(b"\x01") * len(texts)
        if within is not None and self.needle is not None and not self.inverted:
            rows = list(itertools.compress(range(len(texts)), within))
            found = map(str.__contains__, map(texts.__getitem__, rows), repeat(self.needle))
            hits = bytearray(len(texts))
            for i in itertools.compress(rows, found):
                hits[i] = 1
            return hits
        if self.needle is not None:
            hits = bytearray(map(str.__contains__, texts, repeat(self.needle)))
        elif self.joined is not None:
            hits = bytearray(map(bool, map(self.joined.search, texts)))
        else:
            pattern = self.pattern
            assert pattern is not None
            hits = bytearray(any(map(pattern.search, t.split(SEP))) for t in texts)
        if self.inverted:
            hits = hits.translate(_FLIP)
        return hits

    def narrows(self, other: RowFilter) -> bool:
        """Whether every row this filter shows is one ``other`` shows: both plain text, not
        inverted, and ``other``'s text is part of this one's (the user typed one more letter)."""
        return (
            self.needle is not None
            and other.needle is not None
            and not self.inverted
            and not other.inverted
            and other.needle in self.needle
        )


_FLIP = bytes([1, 0]) + bytes(254)


def row_text(cells: Sequence[object]) -> str:
    """The lowercase text `RowFilter.mask` searches: cells joined by a newline (none inside).
    Cells are str, or anything whose ``str()`` is the text shown (rich Text); None is empty."""
    text = SEP.join(map(str, cells))
    if "None" in text and any(c is None for c in cells):
        text = SEP.join(_plain(c) for c in cells)
    if text.count(SEP) != len(cells) - 1:
        text = SEP.join(_plain(c).replace(SEP, " ") for c in cells)
    return text.lower()


def _plain(cell: object) -> str:
    plain = getattr(cell, "plain", None)
    if isinstance(plain, str):
        return plain
    return "" if cell is None else str(cell)


def cell_safe(text: str) -> bool:
    """Whether a regex can be run on a whole row text instead of on each cell.

    True when it cannot match a newline (no ``\\s``, ``\\W``, ``\\D``, ``[^…]``, control
    characters or numeric escapes) and cannot see past a cell's edge (no ``\\A``/``\\Z``, no
    ``(?…)`` groups: lookarounds, flags). ``^``/``$``/``\\b`` behave at a newline as at the
    ends of a string, so in MULTILINE mode a match in the row text is then a match in a cell.
    """
    if "[^" in text or "(?" in text or any(ord(ch) < 32 for ch in text):
        return False
    escapes = re.findall(r"\\(.)", text)
    return all(ch in _CELL_SAFE_ESCAPES or not ch.isalnum() for ch in escapes)


def parse_filter(expr: str) -> RowFilter:
    raw = expr.strip()
    inverted = raw.startswith("!")
    text = raw[1:].strip() if inverted else raw
    if not text:
        return RowFilter("", False, None, True)
    try:
        pattern = re.compile(text, re.IGNORECASE)
    except re.error:
        return RowFilter(text, inverted, None, True, needle=text.lower())
    if not _META.intersection(text):
        return RowFilter(text, inverted, pattern, False, needle=text.lower())
    joined = None
    if cell_safe(text):
        # Row texts are lowercase: a pattern with no capital letter needs no IGNORECASE (and
        # runs several times faster without it, literal prefixes are then searched in C).
        flags = re.MULTILINE | (0 if text == text.lower() else re.IGNORECASE)
        joined = re.compile(text, flags)
    return RowFilter(text, inverted, pattern, False, joined=joined)
