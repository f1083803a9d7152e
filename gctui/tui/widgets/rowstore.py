"""The rows behind a table, kept outside the widget: filter and sort happen here, the widget
only draws the rows shown. No Textual import: this is plain Python over parallel lists.

Rows have a *base index* (their position in the order they were given). Per row the store keeps
its cells (the sequences given, not copied: a changed row comes as a new sequence), a version
(bumped when a cell changes: the widget's line cache key), a lowercase row text for the filter
and, per sorted column, a sort value.

What a keystroke costs follows the rows shown, not the rows held:
- the *view* (the base indices shown, in order) is built lazily: a filter or a sort scans only
  until the window is filled (`ensure`), the rest is scanned in idle time (`advance`), and
  anything that needs the whole view (`view`, `view_index` of a row not reached yet) finishes
  the scan first;
- the work that has to touch every row once (row texts, sort values, one sorted order per
  column) is done ahead in idle time, in slices (`warm`), so a sort is a lookup;
- a refresh touches only the rows that changed; their row texts and sort values are redone
  when next needed, and the sorted orders of the columns that changed are dropped.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from rich.text import Text

from gctui.tui.filtering import RowFilter, parse_filter, row_text

Cell = str | Text | int | float | None
SortValue = float | str | None
MISSING = frozenset({"", "-", "—", "n/a"})
# Rows whose rich Text cells decide which columns get a style-aware comparison on refresh
# (plus every row refreshed since): a colour change with the same text is then a change.
_TEXT_SAMPLE = 200
_MASKS_KEPT = 12
# Rows per slice of a scan or of the idle work (a slice of plain-text search is ~0.5 ms).
_STEP = 4096
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


def changed_columns(old: Sequence[Cell], new: Sequence[Cell]) -> list[int]:
    """The columns whose cells differ (`_same` written out: this runs for every refreshed row),
    the cells compared by identity first, in C, then by value only where the objects differ."""
    if len(old) != len(new):
        width = max(len(old), len(new))
        return [c for c in range(width) if c >= len(old) or c >= len(new) or not _same(old[c], new[c])]
    return [
        c
        for c in itertools.compress(range(len(new)), map(operator.is_not, old, new))
        if old[c] != new[c]
        or type(old[c]) is not type(new[c])
        or (type(old[c]) is Text and old[c].style != new[c].style)  # type: ignore[union-attr]
    ]


class _Scan:
    """A view being built: positions ``pos:`` of ``order`` are still to be looked at.

    The text filter ``flt`` (None: none): ``known`` is its complete mask (only the view is being
    built); otherwise it is being run, over the rows ``within`` allows (a wider filter's mask)
    when given, and its ``mask`` is filled in as the scan goes. Then the row predicate ``where``
    (None: none), from ``where_known`` when its answers are known, else asked; when it is asked
    of every row (no text filter before it) its answers are kept in ``where_built``."""

    __slots__ = ("flt", "known", "mask", "order", "pos", "where", "where_built", "where_known", "within")

    def __init__(
        self,
        order: Sequence[int],
        flt: RowFilter | None,
        known: bytearray | None,
        within: bytearray | None,
        rows: int,
        where: Callable[[str], bool] | None = None,
        where_known: bytearray | None = None,
    ) -> None:
        self.order = order
        self.pos = 0
        self.known = known
        self.within = within
        self.flt = flt
        self.mask = None if flt is None else bytearray(rows) if known is None else known
        self.where = where
        self.where_known = where_known
        asked = where is not None and where_known is None and flt is None
        self.where_built = bytearray(rows) if asked else None


class RowStore:
    def __init__(self, columns: Sequence[Column], *, lazy_rows: int = 2000, step: int = _STEP) -> None:
        self.columns = list(columns)
        # Tables up to this many rows filter and sort at once (it costs less than a frame).
        self.lazy_rows = lazy_rows
        self.step = step  # rows per slice of a scan or of the work ahead
        self.keys: list[str] = []
        self._pos: dict[str, int] | None = {}
        self._pos_part: dict[str, int] = {}  # the key index as `warm` has built it so far
        self.cells: list[Sequence[Cell]] = []
        # (a range until a row changes: a first load creates no per-row objects it can skip)
        self.versions: list[int] | range = []
        self._tick = 0
        self._texts: list[str] | None = None
        self._texts_done = 0  # rows whose text `warm` has built so far
        self._stale: set[int] = set()  # rows changed since their text was built
        self._sortvals: dict[int, list[SortValue]] = {}
        self._sortvals_done: dict[int, int] = {}  # a column's values built so far (by `warm`)
        self._stale_values: dict[int, set[int]] = {}  # per column: rows whose value is old
        self._perms: dict[tuple[int, bool], list[int]] = {}  # a fresh sort's order per column
        # and each row's place in it (a cursor is found again by a binary search on it)
        self._ranks: dict[tuple[int, bool], list[int]] = {}
        self._ints: list[int] | None = None  # 0..n-1, shared by the orders (one int object each)
        self._text_cols: set[int] = set()
        self.filter: RowFilter = parse_filter("")
        self._match: bytearray | None = None  # the filter's complete mask (None: no filter)
        # A row predicate by key besides the text filter (a tab's expression filter), and its
        # answers once every row has been asked.
        self.where: Callable[[str], bool] | None = None
        self._where_mask: bytearray | None = None
        # Masks of the last few filters over the current rows (any change to a row clears it):
        # Backspace is a lookup, and one more typed letter searches only what was shown.
        self._masks: dict[str, tuple[RowFilter, bytearray, int]] = {}  # (filter, mask, rows shown)
        self.sort_col: int | None = None
        self.sort_reverse = False
        self._order: list[int] | None = None  # every base index in sort order; None: base order
        # The base indices shown so far, in order (a range: every row, in the order given).
        self._view: list[int] | range = []
        self._scan: _Scan | None = None

    # -- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def pos(self) -> dict[str, int]:
        """Base index by row key (built in idle time after a load; at once when asked first)."""
        if self._pos is None:
            self._build_pos(len(self.keys))
            assert self._pos is not None
        return self._pos

    def _build_pos(self, upto: int) -> None:
        done = len(self._pos_part)
        self._pos_part.update(zip(self.keys[done:upto], range(done, upto), strict=True))
        if upto >= len(self.keys):
            self._pos, self._pos_part = self._pos_part, {}

    @property
    def view(self) -> list[int]:
        """The base indices shown, in order: the whole view (a pending scan is finished)."""
        self.complete()
        if type(self._view) is range:
            self._view = list(self._view)
        return self._view

    @property
    def pending(self) -> bool:
        """Whether the view is still being scanned (`known` rows of it are built)."""
        return self._scan is not None

    def known(self) -> int:
        """How many rows of the view are built (all of them when nothing is pending)."""
        return len(self._view)

    def window(self, top: int, height: int, deadline: float | None = None) -> list[int]:
        """The base indices shown at ``top:top + height``, scanning as far as that needs."""
        self.ensure(top + height, deadline)
        return list(self._view[top : top + height])

    def key_at(self, i: int) -> str:
        if i >= len(self._view):
            self.ensure(i + 1)
        return self.keys[self._view[i]]

    def row(self, key: str) -> Sequence[Cell]:
        return self.cells[self.pos[key]]

    def view_index(self, key: str, hint: int = -1) -> int | None:
        """Where ``key`` is shown, or None; ``hint`` is where it was (checked first). A pending
        scan goes only as far as the row's place in the order."""
        view = self._view
        if 0 <= hint < len(view) and self.keys[view[hint]] == key:
            return hint  # (without the key index: a first frame does not wait for it)
        base = self.pos.get(key)
        if base is None:
            return None
        scan = self._scan
        if scan is not None:
            place = base if isinstance(scan.order, range) else self._locate(scan.order, base)
            if place is None:
                return None
            while self._scan is not None and self._scan.pos <= place:
                self._step(self.step)
            if scan.mask is not None and not scan.mask[base]:
                return None
        elif self._match is not None and not self._match[base]:
            return None
        if self.where is not None:
            answers = self._where_mask
            if not (answers[base] if answers is not None else self.where(key)):
                return None
        view = self._view
        if self._order is None:  # base order: the view is ascending
            at = bisect.bisect_left(view, base)
            return at if at < len(view) and view[at] == base else None
        return self._locate(view, base)

    def _locate(self, seq: Sequence[int], base: int) -> int | None:
        """Where ``base`` is in ``seq``, a part of the sorted order: a binary search by the
        sorted column's value, then a look through the rows that tie with it."""
        assert self.sort_col is not None
        col, rev = self.sort_col, self.sort_reverse
        if self._order is not None and self._perms.get((col, rev)) is self._order:
            # the order of a fresh sort: by the rows' places in it, no sort value needed
            rank = self._rank(col, rev)
            at = bisect.bisect_left(seq, rank[base], key=rank.__getitem__)
            return at if at < len(seq) and seq[at] == base else None
        values = self._values(col)
        value = values[base]

        def first(pred: Callable[[SortValue], bool]) -> int:
            lo, hi = 0, len(seq)
            while lo < hi:
                mid = (lo + hi) // 2
                if pred(values[seq[mid]]):
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        if value is None:  # missing values are last
            lo, hi = first(lambda x: x is not None), len(seq)
        elif rev:
            lo = first(lambda x: x is not None and x > value)  # type: ignore[operator]
            hi = first(lambda x: x is not None and x >= value)  # type: ignore[operator]
        else:
            lo = first(lambda x: x is not None and x < value)  # type: ignore[operator]
            hi = first(lambda x: x is not None and x <= value)  # type: ignore[operator]
        try:
            return seq.index(base, lo, hi)
        except ValueError:
            return None

    def texts(self) -> list[str]:
        """The row texts the filter searches (built on first use, or ahead by `warm`)."""
        if self._texts is None or self._texts_done < len(self.keys):
            self._build_texts(len(self.keys))
        assert self._texts is not None
        if self._stale:
            texts, cells = self._texts, self.cells
            for i in self._stale:
                texts[i] = row_text(cells[i])
            self._stale.clear()
        return self._texts

    def prepare(self) -> None:
        self.texts()

    @property
    def prepared(self) -> bool:
        return self._texts is not None and self._texts_done >= len(self.keys)

    # -- writing ------------------------------------------------------------------------------

    def set_rows(self, rows: Mapping[str, Sequence[Cell]]) -> Changes:
        """Replace every row. Same keys in the same order: only changed rows are touched."""
        changed = self.changed_rows(rows)
        if changed is None:
            return self._rebuild(list(rows), list(rows.values()))
        return self.update_rows(changed)

    def changed_rows(self, rows: Mapping[str, Sequence[Cell]]) -> dict[str, Sequence[Cell]] | None:
        """The rows of ``rows`` that differ from those held, or None when the keys (or their
        order) differ. Rows given as the same objects are passed over in C."""
        if len(rows) != len(self.keys) or not self.keys:
            return None
        keys = list(rows)
        if keys != self.keys:
            return None
        cells, values = self.cells, list(rows.values())
        check_styles = bool(self._text_cols)
        out: dict[str, Sequence[Cell]] = {}
        for i in itertools.compress(range(len(values)), map(operator.is_not, cells, values)):
            old, new = cells[i], values[i]
            if old == new and not (check_styles and self._styles_differ(old, new)):
                continue
            out[keys[i]] = new
        return out

    def update_rows(self, rows: Mapping[str, Sequence[Cell]], removed: Iterable[str] = ()) -> Changes:
        """Change or add some rows (and drop ``removed``): the cost follows the rows given."""
        pos = self.pos
        gone = {k for k in removed if k in pos}
        if gone:
            keep = [k for k in self.keys if k not in gone]
            merged = {k: self.cells[pos[k]] for k in keep}
            merged.update(rows)
            return self._rebuild(list(merged), list(merged.values()))
        self.complete()
        changes = Changes()
        redo = False
        cells = self.cells
        if self._order is not None and any(k not in pos for k in rows):
            self._order = list(self._order)  # rows are appended to it: the shown one stays as it is
        changed: list[int] = []
        flagged = changes.cells
        for key, new in rows.items():
            i = pos.get(key)
            if i is None:
                self._append(key, new)
                changes.structural = redo = True
                continue
            old = cells[i]
            if old is new:
                continue
            cols = changed_columns(old, new)
            if cols:
                flagged[key] = cols
                cells[i] = new
                changed.append(i)
        touched = set(itertools.chain.from_iterable(flagged.values()))
        self._refilter(self._updated(changed, touched) or redo)
        return changes

    def _styles_differ(self, old: Sequence[Cell], new: Sequence[Cell]) -> bool:
        return any(not _same(old[c], new[c]) for c in self._text_cols if c < len(old) and c < len(new))

    def _updated(self, rows: list[int], touched: set[int]) -> bool:
        """After rows ``rows`` changed in columns ``touched``: new versions; row texts and sort
        values to redo when next needed; the sorted orders of those columns dropped. True when
        a row's place in the view may have changed."""
        if not rows:
            return False
        self._masks.clear()
        if type(self.versions) is range:
            self.versions = list(self.versions)
        versions, tick = self.versions, self._tick
        for i in rows:
            tick += 1
            versions[i] = tick
        self._tick = tick
        if touched - self._text_cols:
            cells = self.cells
            for col in touched - self._text_cols:
                # (a sample, as at a load: a column holds rich Text in every row or in none)
                if any(col < len(cells[i]) and isinstance(cells[i][col], Text) for i in rows[:_TEXT_SAMPLE]):
                    self._text_cols.add(col)
        if self._texts is not None:
            self._stale.update(rows)
        for col in touched:
            if col in self._sortvals:
                self._stale_values.setdefault(col, set()).update(rows)
            for rev in (False, True):
                self._perms.pop((col, rev), None)
                self._ranks.pop((col, rev), None)
        moved = self.sort_col in touched
        if self._match is not None:
            flt, match, cells = self.filter, self._match, self.cells
            for i in rows:
                now = flt.matches_text(row_text(cells[i]))
                if match[i] != now:
                    match[i] = now
                    moved = True
        if self.where is not None:
            answers, keys, pred = self._where_mask, self.keys, self.where
            if answers is None:
                moved = True  # not asked yet: the view is scanned again (lazily)
            else:
                for i in rows:
                    now = pred(keys[i])
                    if answers[i] != now:
                        answers[i] = now
                        moved = True
        return moved

    def _append(self, key: str, new: Sequence[Cell]) -> None:
        i = len(self.keys)
        self._masks.clear()
        self._perms.clear()
        self._ranks.clear()
        if self._ints is not None:
            self._ints.append(i)
        self.keys.append(key)
        self.pos[key] = i
        self.cells.append(new)
        self._tick += 1
        if type(self.versions) is range:
            self.versions = list(self.versions)
        self.versions.append(self._tick)
        self._note_text(new)
        if self._texts is not None and self._texts_done == i:
            self._texts.append(row_text(new))
            self._texts_done += 1
        for col, values in self._sortvals.items():
            if self._sortvals_done.get(col, 0) == i:
                values.append(sort_value(new[col] if col < len(new) else None, self.columns[col].numeric))
                self._sortvals_done[col] = i + 1
        if self._match is not None:
            self._match.append(self.filter.matches_text(row_text(new)))
        if self._where_mask is not None and self.where is not None:
            self._where_mask.append(self.where(key))
        if self._order is not None:
            self._order.append(i)

    def _note_text(self, row: Sequence[Cell]) -> None:
        for c, cell in enumerate(row):
            if isinstance(cell, Text):
                self._text_cols.add(c)

    def _rebuild(self, keys: list[str], rows: list[Sequence[Cell]]) -> Changes:
        old_pos = self._pos if self._pos is not None else self.pos
        old_cells, old_versions = self.cells, self.versions
        changes = Changes(structural=True)
        self.keys = keys
        self.cells = rows
        versions: list[int] = []
        self.versions = versions
        self._text_cols.clear()
        for row in rows[:_TEXT_SAMPLE]:
            self._note_text(row)
        if not old_pos:  # the first load: nothing to compare with; keys are looked up later
            self._pos_part = {}
            self._pos = None if len(keys) > self.lazy_rows else dict(zip(keys, range(len(keys)), strict=True))
            self.versions = range(self._tick + 1, self._tick + 1 + len(keys))
            self._tick += len(keys)
        else:
            self._pos = dict(zip(keys, range(len(keys)), strict=True))
        for key, row in zip(keys, rows, strict=True) if old_pos else ():
            j = old_pos.get(key)
            if j is not None:
                old = old_cells[j]
                if old is row or (len(row) == len(old) and all(map(_same, old, row))):
                    versions.append(old_versions[j])
                    continue
                changes.cells[key] = changed_columns(old, row)
            self._tick += 1
            versions.append(self._tick)
        self._texts = None
        self._texts_done = 0
        self._stale.clear()
        self._masks.clear()
        self._sortvals = {}
        self._sortvals_done = {}
        self._stale_values = {}
        self._perms = {}
        self._ranks = {}
        self._ints = None
        self._order = None
        self._match = None
        self._where_mask = None
        self._scan = None
        if self.sort_col is not None:
            self._order = self._perm(self.sort_col, self.sort_reverse)
        self._start_view(cold=self.filter.active)
        return changes

    # -- filter and sort ----------------------------------------------------------------------

    def apply_filter(self, flt: RowFilter) -> None:
        self._scan = None
        self.filter = flt
        self._match = None
        self._start_view(cold=flt.active)

    def set_where(self, where: Callable[[str], bool] | None) -> None:
        """Show only the rows whose key ``where`` accepts (None: all), besides the filter. It
        is asked lazily, as the view is scanned; give a new one when its answers change."""
        self.complete()  # the text filter's mask is then known
        self.where = where
        self._where_mask = None
        self._start_view(cold=False)

    def sort(self, col: int | None, reverse: bool = False) -> None:
        self.complete()  # the filter's mask is then known: the new view is a lookup per row
        self.sort_col, self.sort_reverse = col, reverse
        self._order = None if col is None else self._perm(col, reverse)
        self._start_view(cold=False)

    def _start_view(self, *, cold: bool) -> None:
        """Begin the view for the current order and filter: at once for a small table, else
        a scan that `ensure`/`advance` carry on."""
        order: list[int] | range = self._order if self._order is not None else range(len(self.keys))
        self._scan = None
        flt = self.filter
        where, answers, rows = self.where, self._where_mask, len(self.keys)
        if not flt.active:
            self._match = None
            if where is None:
                # (not a copy: the order lists are replaced, never changed in place, once shown)
                self._view = order
                return
            scan = _Scan(order, None, None, None, rows, where, answers)
        else:
            if cold:
                key = self._mask_key(flt)
                hit = self._masks.pop(key, None)
                if hit is not None:
                    self._masks[key] = hit
                    self._match = hit[1]
            if self._match is not None:
                scan = _Scan(order, flt, self._match, None, rows, where, answers)
            else:
                wider = [(count, m) for f, m, count in self._masks.values() if flt.narrows(f)]
                within = min(wider, key=operator.itemgetter(0))[1] if wider else None
                scan = _Scan(order, flt, None, within, rows, where, answers)
        self._scan = scan
        self._view = []
        if len(self.keys) <= self.lazy_rows:
            self.complete()

    @staticmethod
    def _mask_key(flt: RowFilter) -> str:
        return ("!" if flt.inverted else "") + flt.text

    def ensure(self, rows: int, deadline: float | None = None) -> None:
        """Scan until the view has ``rows`` rows (or is whole, or ``deadline`` has passed)."""
        while self._scan is not None and len(self._view) < rows:
            self._step(self.step)
            if deadline is not None and time.perf_counter() >= deadline:
                break

    def advance(self, deadline: float, slices: int | None = None) -> bool:
        """Scan until ``deadline`` (or for ``slices`` slices); True when the view is whole."""
        while self._scan is not None and slices != 0:
            self._step(self.step)
            slices = None if slices is None else slices - 1
            if time.perf_counter() >= deadline:
                break
        return self._scan is None

    def complete(self) -> None:
        while self._scan is not None:
            self._step(1 << 20)

    def _step(self, rows: int) -> None:
        scan = self._scan
        assert scan is not None
        a = scan.pos
        b = min(len(scan.order), a + rows)
        chunk = scan.order[a:b]
        ranged = isinstance(chunk, range)
        found: Sequence[int]
        if scan.flt is None:
            found = chunk
        elif scan.known is not None:
            picks = scan.known[a:b] if ranged else map(scan.known.__getitem__, chunk)
            found = list(itertools.compress(chunk, picks))
        else:
            rows_in: Sequence[int] = chunk
            if scan.within is not None:
                picks = scan.within[a:b] if ranged else map(scan.within.__getitem__, chunk)
                rows_in = list(itertools.compress(chunk, picks))
            texts = self.texts()
            whole = ranged and scan.within is None
            sub = texts[a:b] if whole else list(map(texts.__getitem__, rows_in))
            hits = scan.flt.mask(sub)
            found = list(itertools.compress(rows_in, hits))
            assert scan.mask is not None
            if whole:
                scan.mask[a:b] = hits
            else:
                mask = scan.mask
                for i in found:
                    mask[i] = 1
        if scan.where is not None:
            if scan.where_known is not None:
                found = list(itertools.compress(found, map(scan.where_known.__getitem__, found)))
            else:
                keys, pred = self.keys, scan.where
                answers = bytearray(pred(keys[i]) for i in found)
                built = scan.where_built
                if built is not None:  # asked of every row of the chunk: kept
                    if ranged:
                        built[a:b] = answers
                    else:
                        for i in itertools.compress(found, answers):
                            built[i] = 1
                found = list(itertools.compress(found, answers))
        self._view.extend(found)  # type: ignore[union-attr]
        scan.pos = b
        if b >= len(scan.order):
            self._scan = None
            if scan.where_built is not None:
                self._where_mask = scan.where_built
            if scan.flt is not None and scan.known is None:
                assert scan.mask is not None
                self._match = scan.mask
                # most recent last
                self._masks[self._mask_key(scan.flt)] = (scan.flt, scan.mask, scan.mask.count(1))
                while len(self._masks) > _MASKS_KEPT:
                    del self._masks[next(iter(self._masks))]

    def _refilter(self, redo: bool) -> None:
        if redo:
            self._sort(again=True)
            self._start_view(cold=False)

    def _values(self, col: int, upto: int | None = None) -> list[SortValue]:
        """Column ``col``'s sort values, built as far as ``upto`` (all rows by default)."""
        n = len(self.keys) if upto is None else upto
        values = self._sortvals.setdefault(col, [])
        done = self._sortvals_done.get(col, 0)
        if done < n:
            numeric = self.columns[col].numeric
            cells = self.cells
            values.extend(sort_value(r[col] if col < len(r) else None, numeric) for r in cells[done:n])
            self._sortvals_done[col] = n
        stale = self._stale_values.pop(col, None)
        if stale:
            numeric = self.columns[col].numeric
            for i in stale:
                if i < len(values):  # the rows beyond are built from their new cells
                    r = self.cells[i]
                    values[i] = sort_value(r[col] if col < len(r) else None, numeric)
        return values

    def _base_ints(self) -> list[int]:
        if self._ints is None or len(self._ints) != len(self.keys):
            self._ints = list(range(len(self.keys)))
        return self._ints

    def _perm(self, col: int, reverse: bool) -> list[int]:
        """The order of a fresh sort by ``col`` (ties in base order, missing values last)."""
        perm = self._perms.get((col, reverse))
        if perm is None:
            values = self._values(col)
            rows = self._base_ints()
            present = list(itertools.compress(rows, map(operator.is_not, values, repeat(None))))
            # With reverse=True CPython reverses, sorts stably and reverses back: ties stay in order.
            present.sort(key=values.__getitem__, reverse=reverse)  # type: ignore[arg-type]
            if len(present) < len(rows):
                present.extend(itertools.compress(rows, map(operator.is_, values, repeat(None))))
            perm = self._perms[(col, reverse)] = present
        return perm

    def _rank(self, col: int, reverse: bool) -> list[int]:
        """Each row's place in `_perm(col, reverse)`."""
        rank = self._ranks.get((col, reverse))
        if rank is None:
            perm = self._perm(col, reverse)
            ints = self._base_ints()
            rank = [0] * len(perm)
            for place, base in zip(ints, perm, strict=True):
                rank[base] = place
            self._ranks[(col, reverse)] = rank
        return rank

    def _sort(self, again: bool = False) -> None:
        col = self.sort_col
        if col is None:
            self._order = None
            return
        if not again or self._order is None or len(self._order) != len(self.keys):
            self._order = self._perm(col, self.sort_reverse)
            return
        values = self._values(col)
        start = self._order
        present = [i for i in start if values[i] is not None]
        missing = [i for i in start if values[i] is None] if len(present) < len(self.keys) else []
        # From the previous order (a refresh) the list is nearly sorted: the sort is near-linear.
        present.sort(key=values.__getitem__, reverse=self.sort_reverse)  # type: ignore[arg-type]
        missing.sort()
        self._order = present + missing

    # -- idle work ----------------------------------------------------------------------------

    def _build_texts(self, upto: int) -> None:
        if self._texts is None:
            self._texts = []
            self._texts_done = 0
        done = self._texts_done
        if done < upto:
            self._texts.extend(map(row_text, self.cells[done:upto]))
            self._texts_done = upto

    def warm(self, deadline: float, slices: int | None = None) -> bool:
        """Do the per-row work ahead, until ``deadline``: key lookup, row texts, then a sorted
        order per column (the next one `s` would pick first). True when nothing is left."""
        n = len(self.keys)
        if n <= self.lazy_rows:
            return True
        while time.perf_counter() < deadline and slices != 0:
            slices = None if slices is None else slices - 1
            if self._scan is not None:
                self._step(self.step)
            elif self._pos is None:
                self._build_pos(min(n, len(self._pos_part) + self.step))
            elif not self.prepared:
                self._build_texts(min(n, self._texts_done + self.step))
            else:
                work = self._next_work()
                if work is None:
                    self._drop_values()
                    return True
                what, col, rev = work
                if what == "values":
                    self._values(col, min(n, self._sortvals_done.get(col, 0) + self.step))
                elif what == "perm":
                    self._perm(col, rev)
                else:
                    self._rank(col, rev)
        return False

    def _drop_values(self) -> None:
        """Sort values are kept for the sorted column only (a refresh re-sorts by them): a
        sort uses its column's order and ranks, and 100k rows of values per column add up."""
        for col in [c for c in self._sortvals if c != self.sort_col]:
            del self._sortvals[col]
            self._sortvals_done.pop(col, None)
            self._stale_values.pop(col, None)

    def _next_work(self) -> tuple[str, int, bool] | None:
        """What to build next: each column's order (its values first, a slice at a time) and
        ranks, from the one after the sorted column on (`s` goes there), then the sorted
        column's other direction (`S`)."""
        count, n = len(self.columns), len(self.keys)
        start = 0 if self.sort_col is None else self.sort_col + 1
        wanted = [((start + step) % count, False) for step in range(count)]
        if self.sort_col is not None:
            wanted.append((self.sort_col, not self.sort_reverse))
        for col, rev in wanted:
            if (col, rev) not in self._perms:
                built = self._sortvals_done.get(col, 0) if col in self._sortvals else 0
                return ("values" if built < n else "perm", col, rev)
            if (col, rev) not in self._ranks:
                return ("rank", col, rev)
        return None
