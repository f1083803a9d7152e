"""The rows behind a table, kept outside the widget: filter and sort happen here, the widget
only draws the rows shown. No Textual import: this is plain Python over parallel lists.

Rows have a *base index* (their position in the order they were given). Per row the store keeps
its cells, a version (bumped when a cell changes: the widget's line cache key), a lowercase row
text for the filter (built lazily) and, per sorted column, a sort value. A refresh touches only
the rows that changed; the shown order is rebuilt with C-level loops, and re-sorting starts from
the previous order, which Python's sort merges in near-linear time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.text import Text

from gctui.tui.filtering import RowFilter, parse_filter, row_text

Cell = str | Text | int | float | None
SortValue = float | str | None
MISSING = frozenset({"", "-", "—", "n/a"})
# Rows whose rich Text cells decide which columns get a style-aware comparison on refresh
# (plus every row refreshed since): a colour change with the same text is then a change.
_TEXT_SAMPLE = 1000
_MASKS_KEPT = 12
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None = None
    # One flexible column takes the width left over (never less than ``width``).
    flex: bool = False
    # Sort by the leading number of each cell ("1,234", "12 ms"); "-" and "" sort last.
    numeric: bool = False


@dataclass(slots=True)
class Changes:
    """What a refresh changed: cell columns by row key (rows that existed before), and whether
    rows were added, removed or reordered."""

    cells: dict[str, list[int]] = field(default_factory=dict)
    structural: bool = False


def plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return "" if cell is None else str(cell)


def sort_value(cell: Cell, numeric: bool) -> SortValue:
    """The value a column sorts on; None (missing) sorts last in both directions."""
    if numeric and isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = plain(cell).strip()
    if text in MISSING:
        return None
    if not numeric:
        return text.lower()
    match = _NUMBER.match(text)
    return float(match.group().replace(",", "")) if match else None


def _same(a: Cell, b: Cell) -> bool:
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    return not isinstance(a, Text) or (a.style == b.style)  # type: ignore[union-attr]


class RowStore:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.keys: list[str] = []
        self.pos: dict[str, int] = {}
        self.cells: list[list[Cell]] = []
        self.versions: list[int] = []
        self._tick = 0
        self._texts: list[str] | None = None
        self._sortvals: dict[int, list[SortValue]] = {}
        self._text_cols: set[int] = set()
        self.filter: RowFilter = parse_filter("")
        self._match: bytearray | None = None
        # Masks of the last few filters over the current rows (any change to a row clears it):
        # Backspace is a lookup, and one more typed letter searches only what was shown.
        self._masks: dict[str, tuple[RowFilter, bytearray]] = {}
        self.sort_col: int | None = None
        self.sort_reverse = False
        self._order: list[int] | None = None  # every base index in sort order; None: base order
        self.view: list[int] = []  # the base indices shown, in order

    # -- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.keys)

    def key_at(self, i: int) -> str:
        return self.keys[self.view[i]]

    def row(self, key: str) -> list[Cell]:
        return self.cells[self.pos[key]]

    def view_index(self, key: str, hint: int = -1) -> int | None:
        """Where ``key`` is shown, or None; ``hint`` is where it was (checked first)."""
        base = self.pos.get(key)
        if base is None:
            return None
        if 0 <= hint < len(self.view) and self.view[hint] == base:
            return hint
        if self._match is not None and not self._match[base]:
            return None
        try:
            return self.view.index(base)
        except ValueError:
            return None

    def texts(self) -> list[str]:
        """The row texts the filter searches (built on first use; `prepare` builds them early)."""
        if self._texts is None:
            self._texts = [row_text(cells) for cells in self.cells]
        return self._texts

    def prepare(self) -> None:
        self.texts()

    @property
    def prepared(self) -> bool:
        return self._texts is not None

    # -- writing ------------------------------------------------------------------------------

    def set_rows(self, rows: Mapping[str, Sequence[Cell]]) -> Changes:
        """Replace every row. Same keys in the same order: only changed rows are touched."""
        keys = list(rows)
        if keys != self.keys:
            return self._rebuild(keys, list(rows.values()))
        changes = Changes()
        redo = False
        check_styles = bool(self._text_cols)
        for i, (old, new) in enumerate(zip(self.cells, rows.values(), strict=True)):
            if old is new or (old == new and not (check_styles and self._styles_differ(old, new))):
                continue
            redo |= self._update(i, new, changes)
        self._refilter(redo)
        return changes

    def update_rows(self, rows: Mapping[str, Sequence[Cell]], removed: Iterable[str] = ()) -> Changes:
        """Change or add some rows (and drop ``removed``): the cost follows the rows given."""
        gone = {k for k in removed if k in self.pos}
        if gone:
            keep = [k for k in self.keys if k not in gone]
            merged = {k: self.cells[self.pos[k]] for k in keep}
            merged.update(rows)
            return self._rebuild(list(merged), list(merged.values()))
        changes = Changes()
        redo = False
        for key, new in rows.items():
            i = self.pos.get(key)
            if i is None:
                self._append(key, new)
                changes.structural = redo = True
            elif not all(map(_same, self.cells[i], new)) or len(new) != len(self.cells[i]):
                redo |= self._update(i, new, changes)
        self._refilter(redo)
        return changes

    def _styles_differ(self, old: Sequence[Cell], new: Sequence[Cell]) -> bool:
        return any(not _same(old[c], new[c]) for c in self._text_cols if c < len(old) and c < len(new))

    def _update(self, i: int, new: Sequence[Cell], changes: Changes) -> bool:
        """Store row ``i``; True when its place in the view may have changed."""
        old = self.cells[i]
        width = max(len(old), len(new))
        cols = [c for c in range(width) if c >= len(old) or c >= len(new) or not _same(old[c], new[c])]
        changes.cells[self.keys[i]] = cols
        self._masks.clear()
        row = list(new)
        self.cells[i] = row
        self._tick += 1
        self.versions[i] = self._tick
        self._note_text(row)
        if self._texts is not None:
            self._texts[i] = row_text(row)
        for col, values in self._sortvals.items():
            values[i] = sort_value(row[col] if col < len(row) else None, self.columns[col].numeric)
        moved = self.sort_col in cols
        if self._match is not None:
            now = self.filter.matches_text(self.texts()[i])
            moved |= bool(self._match[i]) != now
            self._match[i] = now
        return moved

    def _append(self, key: str, new: Sequence[Cell]) -> None:
        i = len(self.keys)
        self._masks.clear()
        row = list(new)
        self.keys.append(key)
        self.pos[key] = i
        self.cells.append(row)
        self._tick += 1
        self.versions.append(self._tick)
        self._note_text(row)
        if self._texts is not None:
            self._texts.append(row_text(row))
        for col, values in self._sortvals.items():
            values.append(sort_value(row[col] if col < len(row) else None, self.columns[col].numeric))
        if self._match is not None:
            self._match.append(self.filter.matches_text(self.texts()[i]))
        if self._order is not None:
            self._order.append(i)

    def _note_text(self, row: list[Cell]) -> None:
        for c, cell in enumerate(row):
            if isinstance(cell, Text):
                self._text_cols.add(c)

    def _rebuild(self, keys: list[str], rows: list[Sequence[Cell]]) -> Changes:
        old_pos, old_cells, old_versions = self.pos, self.cells, self.versions
        changes = Changes(structural=True)
        self.keys = keys
        self.pos = {k: i for i, k in enumerate(keys)}
        self.cells = [list(r) for r in rows]
        self.versions = []
        self._text_cols.clear()
        for row in self.cells[:_TEXT_SAMPLE]:
            self._note_text(row)
        if not old_pos:  # the first load: nothing to compare with
            self.versions = list(range(self._tick + 1, self._tick + 1 + len(keys)))
            self._tick += len(keys)
        for key, row in zip(keys, self.cells, strict=True) if old_pos else ():
            j = old_pos.get(key)
            if j is not None and len(row) == len(old_cells[j]) and all(map(_same, old_cells[j], row)):
                self.versions.append(old_versions[j])
                continue
            if j is not None:
                old = old_cells[j]
                cols = [c for c in range(len(row)) if c >= len(old) or not _same(old[c], row[c])]
                changes.cells[key] = cols
            self._tick += 1
            self.versions.append(self._tick)
        self._texts = None
        self._masks.clear()
        self._sortvals = {}
        self._order = None
        self._match = self._mask_of(self.filter) if self.filter.active else None
        self._sort()
        self._build_view()
        return changes

    # -- filter and sort ----------------------------------------------------------------------

    def apply_filter(self, flt: RowFilter) -> None:
        self.filter = flt
        self._match = self._mask_of(flt) if flt.active else None
        self._build_view()

    def _mask_of(self, flt: RowFilter) -> bytearray:
        key = ("!" if flt.inverted else "") + flt.text
        hit = self._masks.pop(key, None)
        if hit is None:
            wider = [m for f, m in self._masks.values() if flt.narrows(f)]
            within = min(wider, key=lambda m: m.count(1)) if wider else None
            hit = (flt, flt.mask(self.texts(), within))
        self._masks[key] = hit  # most recent last
        while len(self._masks) > _MASKS_KEPT:
            del self._masks[next(iter(self._masks))]
        return hit[1]

    def sort(self, col: int | None, reverse: bool = False) -> None:
        self.sort_col, self.sort_reverse = col, reverse
        self._order = None  # a fresh sort: ties keep the base order
        self._sort()
        self._build_view()

    def _refilter(self, redo: bool) -> None:
        if redo:
            self._sort(again=True)
            self._build_view()

    def _sortvals_for(self, col: int) -> list[SortValue]:
        values = self._sortvals.get(col)
        if values is None:
            numeric = self.columns[col].numeric
            values = [sort_value(r[col] if col < len(r) else None, numeric) for r in self.cells]
            self._sortvals[col] = values
        return values

    def _sort(self, again: bool = False) -> None:
        col = self.sort_col
        if col is None:
            self._order = None
            return
        values = self._sortvals_for(col)
        start = self._order if again and self._order is not None else range(len(self.keys))
        present = [i for i in start if values[i] is not None]
        missing = [i for i in start if values[i] is None] if len(present) < len(self.keys) else []
        # From the previous order (a refresh) the list is nearly sorted: the sort is near-linear.
        # With reverse=True CPython reverses, sorts stably and reverses back: ties stay in order.
        present.sort(key=values.__getitem__, reverse=self.sort_reverse)  # type: ignore[arg-type]
        if again:
            missing.sort()
        self._order = present + missing

    def _build_view(self) -> None:
        order: Iterable[int] = self._order if self._order is not None else range(len(self.keys))
        if self._match is None:
            self.view = list(order)
        elif self._order is None:
            self.view = list(itertools.compress(range(len(self.keys)), self._match))
        else:
            self.view = list(itertools.compress(self._order, map(self._match.__getitem__, self._order)))
