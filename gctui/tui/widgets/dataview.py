"""DataView: the one table for every list, on Textual's Line API (`ScrollView.render_line`).

The rows live in a `RowStore` (filter, sort, diff); the widget draws only the lines on screen,
each from a Strip cache keyed by row id + row version + what decorates it (cursor, mark,
changed cells). Every change (refresh, filter, sort, cursor, marks, a highlight fading) compares
the visible lines before and after and repaints only the lines that differ: on a slow SSH link
a refresh that changes one cell sends one line. The cursor is kept by row id, marks are row ids.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from gctui.tui.filtering import RowFilter, parse_filter
from gctui.tui.widgets.marks import Marks
from gctui.tui.widgets.rowpaint import RowStyles, column_widths, header_strip, line_width, row_strip
from gctui.tui.widgets.rowstore import Cell, Changes, Column, RowStore, plain

# The synchronous share of a filter or a sort on a big table: scan until the window is full or
# this long has passed; the rest is scanned in slices of `_SLICE` between frames and keys.
_SYNC_SECONDS = 0.006
_SLICE_SECONDS = 0.004
_FIRST_SLICE_DELAY = 0.02
# From this many changed rows, `update_rows` changes those off screen after the frame.
_DEFER_ROWS = 200

__all__ = ["Cell", "Column", "DataView", "RowKey", "plain"]

_CACHE_LIMIT = 1024


class RowKey(NamedTuple):
    """A row id as DataTable callers know it (``.value``)."""

    value: str


class DataView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"dataview--header", "dataview--cursor", "dataview--marked", "dataview--changed"}
    DEFAULT_CSS = """
    DataView {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .dataview--header { text-style: bold; background: $panel; color: $foreground; }
        & > .dataview--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .dataview--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .dataview--marked { background: $accent 25%; }
        & > .dataview--changed { text-style: bold underline; }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "ends(-1)", "First row", show=False),
        Binding("end", "ends(1)", "Last row", show=False),
        Binding("left", "sideways(-1)", "Scroll left", show=False),
        Binding("right", "sideways(1)", "Scroll right", show=False),
        Binding("enter", "select", "Select", show=False),
        Binding("s", "sort_next", "Sort", show=False),
        Binding("S", "sort_reverse", "Reverse sort", show=False),
        Binding("space", "toggle_mark", "Mark", show=False),
        # A terminal sends Ctrl+Space as NUL, which Textual reports as ctrl+@.
        Binding("ctrl+space,ctrl+@", "mark_range", "Mark range", show=False),
        Binding("ctrl+backslash", "clear_marks", "Clear marks", show=False),
    ]
    _MARK_ACTIONS = frozenset({"toggle_mark", "mark_range", "clear_marks"})

    # namespace "data_table": apps that handled DataTable's messages keep working unchanged.
    class RowHighlighted(Message, namespace="data_table"):
        """The cursor moved to another row (``key`` None: the table shows no row)."""

        def __init__(self, view: DataView, key: str | None) -> None:
            super().__init__()
            self.view = view
            self.key = key

        @property
        def control(self) -> DataView:
            return self.view

    class RowSelected(Message, namespace="data_table"):
        """Enter on a row."""

        def __init__(self, view: DataView, key: str) -> None:
            super().__init__()
            self.view = view
            self.key = key
            self.row_key = RowKey(key)

        @property
        def control(self) -> DataView:
            return self.view

    class Counted(Message):
        """A filter or sort that was still being scanned after its first frame is whole: the
        counts (`shown`) are final."""

        def __init__(self, view: DataView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> DataView:
            return self.view

    class FilterApplied(Message):
        """A filter given to `filter_soon` was applied (after the typing pause)."""

        def __init__(self, view: DataView, flt: RowFilter) -> None:
            super().__init__()
            self.view = view
            self.filter = flt

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        id: str | None = None,
        markable: bool = False,
        flash_seconds: float = 2.0,
        filter_delay: float = 0.15,
        clock: Callable[[], float] = time.monotonic,
        lazy_rows: int = 2000,
    ) -> None:
        super().__init__(id=id)
        self.view_columns = list(columns)
        self.store = RowStore(columns, lazy_rows=lazy_rows)
        self.markable = markable
        self.marks = Marks()
        self.flash_seconds = flash_seconds
        self.filter_delay = filter_delay
        self.clock = clock
        self._cursor = 0
        self._cursor_key: str | None = None
        self._flash: dict[str, tuple[frozenset[int], float]] = {}
        self._fade_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._widths: list[int] = []
        self._lines: dict[tuple[Any, ...], Strip] = {}
        self._header: Strip | None = None
        self._styles: RowStyles | None = None
        self._idle_timer: Timer | None = None
        self._warm = False  # idle work left (row texts, sorted orders)
        self._deferred: dict[str, Sequence[Cell]] = {}  # changed rows off screen, for after the frame
        self._deferred_all: Mapping[str, Sequence[Cell]] | None = None  # set_rows, after the frame
        self._frozen_at = 0  # rows held when this table last froze the heap (gc.freeze)
        self._counting = False  # a scan was left pending: `Counted` is owed

    # -- data ---------------------------------------------------------------------------------

    def set_rows(self, rows: Mapping[str, Sequence[Cell]]) -> Changes:
        """Replace the data; unchanged rows cost nothing to draw, changed cells are highlighted.
        The same rows in the same order: only those that changed are given on (`update_rows`)."""
        self._flush()
        store = self.store
        if len(rows) == len(store.keys) > store.lazy_rows and self._may_defer():
            # A big table given as many rows as it holds: those on screen are compared and
            # changed before the frame, the rest of the mapping right after it (kept as given:
            # the caller hands over a mapping it no longer changes). Whether the keys are the
            # same, in the same order, is checked then too: if not, the table is rebuilt.
            keys, cells = store.keys, store.cells
            top = round(self.scroll_y)
            now: dict[str, Sequence[Cell]] = {}
            for i in store.window(top, self._body_height()):
                new = rows.get(keys[i])
                if new is None:
                    break  # a row on screen is gone: rebuilt now
                if new is not cells[i]:
                    now[keys[i]] = new
            else:
                self._deferred_all = rows
                changes = self._change(lambda: store.update_rows(now))
                self._after_frame()
                return changes
        changed = store.changed_rows(rows)
        if changed is not None:
            return self.update_rows(changed)
        return self._change(lambda: store.set_rows(rows))

    def _may_defer(self) -> bool:
        """Changed rows off screen can wait for the frame: they cannot move rows into view
        (no filter, predicate or sort) and the table is drawn."""
        store = self.store
        return self.is_mounted and not store.filter.active and store.where is None and store.sort_col is None

    def update_rows(self, rows: Mapping[str, Sequence[Cell]], removed: Sequence[str] = ()) -> Changes:
        """Change or add only ``rows``, drop ``removed``: the cost follows the rows given.

        Many changed rows of a table neither filtered nor sorted: the rows on screen are
        changed before the frame, the others right after it (anything that reads the rows
        first has them changed at once). The returned changes are then those on screen."""
        self._flush()
        store = self.store
        if len(rows) >= _DEFER_ROWS and not removed and self._may_defer():
            pos = store.pos
            if all(k in pos for k in rows):
                keys = store.keys
                top = round(self.scroll_y)
                shown = {keys[i] for i in store.window(top, self._body_height())}
                now = {k: r for k, r in rows.items() if k in shown}
                self._deferred = {k: r for k, r in rows.items() if k not in shown}
                changes = self._change(lambda: store.update_rows(now))
                self._after_frame()
                return changes
        return self._change(lambda: store.update_rows(rows, removed))

    def _flush(self) -> None:
        """Apply the changed rows `update_rows` and `set_rows` left for after the frame."""
        if self._deferred_all is not None:
            rows_all, self._deferred_all = self._deferred_all, None
            changed = self.store.changed_rows(rows_all)
            if changed is None:  # other keys, or in another order: rebuilt
                self._change(lambda: self.store.set_rows(rows_all))
            elif changed:
                self._change(lambda: self.store.update_rows(changed))
        if self._deferred:
            rows, self._deferred = self._deferred, {}
            self._change(lambda: self.store.update_rows(rows))

    def _change(self, apply: Callable[[], Changes]) -> Changes:
        before = self._window()
        first = not self.store.keys
        changes = apply()
        rows = len(self.store)
        if changes.structural and rows > self.store.lazy_rows and rows >= 2 * self._frozen_at:
            # A big table's rows live as long as the table: out of the collector's reach,
            # the next young-generation collections (several per frame) do not walk its
            # 100k-entry lists, nor do full collections its million cells. (Cyclic garbage
            # alive at that moment is never collected: so once per doubling of the rows.)
            gc.freeze()
            self._frozen_at = rows
        if first or (changes.structural and not self._widths_fixed()):
            self._layout_columns()
        if changes.cells and not first and self.flash_seconds > 0:
            until = self.clock() + self.flash_seconds
            for key, cols in changes.cells.items():
                self._flash[key] = (frozenset(cols), until)
            self._arm_fade()
        self._settle(before)
        if changes.structural or changes.cells:
            # Row texts and sorted orders, built in slices after the frame: the first `/`
            # keystroke or sort after a (re)load then costs what the rows shown cost.
            self._warm = True
            self._after_frame()
        return changes

    # -- work between frames ------------------------------------------------------------------

    def _work_left(self) -> bool:
        busy = (
            bool(self._deferred)
            or self._deferred_all is not None
            or self.store.pending
            or self._warm
            or self._counting
        )
        return busy and self.is_mounted and self._idle_timer is None

    def _after_frame(self) -> None:
        if self.store.pending:
            self._counting = True  # `Counted` follows once the scan is whole, however it ends
        if self._work_left():
            self.call_after_refresh(self._arm_idle)

    def _arm_idle(self, going: bool = False) -> None:
        if self._work_left():
            # The frame of the change and the keys of the moment go first (a screen's update
            # comes within 1/60 s), then the rest runs a slice at a time.
            delay = 0.001 if going else _FIRST_SLICE_DELAY
            self._idle_timer = self.set_timer(delay, self._idle)

    def _idle(self) -> None:
        """One slice: carry on a pending scan (then update the counts and the scrollbar), else
        the store's work ahead."""
        self._idle_timer = None
        store = self.store
        deadline = time.perf_counter() + _SLICE_SECONDS
        if self._deferred or self._deferred_all is not None:
            self._flush()
        elif store.pending:
            before = self._window()
            store.advance(deadline)
            self._settle(before)
        else:
            self._warm = not store.warm(deadline)
        if self._counting and not store.pending:
            # whole now: by this slice, or by a key or a read that needed every row
            self._counting = False
            self._settle(self._window())  # the scrollbar's length, kept while it was scanned
            self.post_message(self.Counted(self))
        self._arm_idle(going=True)

    def shown_count(self) -> int | None:
        """How many rows are shown, or None while a big table is still being scanned (a
        `Counted` message follows)."""
        self._flush()
        return None if self.store.pending else len(self.store.view)

    # -- filter and sort ----------------------------------------------------------------------

    @property
    def filter(self) -> RowFilter:
        return self.store.filter

    def apply_filter(self, expr: str) -> RowFilter:
        """Filter now (synchronous); `filter_soon` is the debounced form for typing."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        self._flush()
        before = self._window()
        self.store.apply_filter(parse_filter(expr))
        self._settle(before)
        self._after_frame()
        return self.store.filter

    def set_where(self, where: Callable[[str], bool] | None) -> None:
        """Show only the rows whose key ``where`` accepts (None: all), besides the `/` filter
        (a tab's expression filter): asked as the view is scanned, so a big table shows its
        first rows at once. Give a new predicate when its answers change for unchanged rows."""
        self._flush()
        before = self._window()
        self.store.set_where(where)
        self._settle(before)
        self._after_frame()

    def filter_soon(self, expr: str) -> None:
        """Apply ``expr`` once typing pauses for ``filter_delay``; posts `FilterApplied`."""
        if self._filter_timer is not None:
            self._filter_timer.stop()

        def apply() -> None:
            self._filter_timer = None
            self.post_message(self.FilterApplied(self, self.apply_filter(expr)))

        self._filter_timer = self.set_timer(self.filter_delay, apply)

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort by the column with key ``column`` (None: the order rows were given in)."""
        col = None if column is None else [c.key for c in self.view_columns].index(column)
        self._flush()
        before = self._window()
        self.store.sort(col, reverse)
        self._header = None
        self.refresh(Region(0, 0, self.size.width, 1))
        self._settle(before)
        self._after_frame()

    @property
    def sort_column(self) -> str | None:
        col = self.store.sort_col
        return None if col is None else self.view_columns[col].key

    def action_sort_next(self) -> None:
        col = self.store.sort_col
        nxt = 0 if col is None else col + 1
        self.sort_by(None if nxt >= len(self.view_columns) else self.view_columns[nxt].key)

    def action_sort_reverse(self) -> None:
        if self.store.sort_col is None:
            self.sort_by(self.view_columns[0].key, reverse=True)
        else:
            self.sort_by(self.sort_column, not self.store.sort_reverse)

    # -- reading (the API the tabs, the app and the tests use) --------------------------------

    @property
    def total(self) -> int:
        return len(self.store)

    @property
    def shown(self) -> int:
        self._flush()
        return len(self.store.view)

    row_count = shown

    @property
    def rows(self) -> list[RowKey]:
        """The shown rows' ids, in order (as DataTable's ``rows`` keys)."""
        return [RowKey(k) for k in self.visible_keys()]

    def visible_keys(self) -> list[str]:
        self._flush()
        keys = self.store.keys
        return [keys[i] for i in self.store.view]

    def visible_plain_rows(self) -> list[list[str]]:
        self._flush()
        cells = self.store.cells
        return [[plain(c) for c in cells[i]] for i in self.store.view]

    def column_labels(self) -> list[str]:
        return [c.label for c in self.view_columns]

    def get_row(self, key: str) -> list[Cell]:
        self._flush()
        return list(self.store.row(key))

    def get_row_at(self, index: int) -> list[Cell]:
        self._flush()
        return list(self.store.cells[self.store.window(index, 1)[0]])

    def current_key(self) -> str | None:
        return self._cursor_key

    @property
    def cursor_row(self) -> int:
        return self._cursor

    # -- marks --------------------------------------------------------------------------------

    def marked_keys(self) -> list[str]:
        """Marked row ids that still exist, in the order the rows were given."""
        return self.marks.existing(self.store.keys, self.store.pos)

    def targets(self) -> list[str]:
        """What an action applies to: the marks, else the cursor row."""
        marked = self.marked_keys()
        if marked:
            return marked
        return [self._cursor_key] if self._cursor_key is not None else []

    def mark_status(self) -> str:
        """E.g. "3 marked (1 hidden by the filter)"; "" when nothing is marked."""
        marked = self.marked_keys()
        if not marked:
            return ""
        store = self.store
        hidden = sum(1 for k in marked if store.view_index(k) is None)
        return f"{len(marked)} marked" + (f" ({hidden} hidden by the filter)" if hidden else "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Marking is opt-in: on other tables these keys reach the tab (space = "run now").
        return self.markable or action not in self._MARK_ACTIONS

    def action_toggle_mark(self) -> None:
        if self._cursor_key is not None:
            before = self._window()
            self.marks.toggle(self._cursor_key)
            self._settle(before)

    def action_mark_range(self) -> None:
        key = self._cursor_key
        if key is None:
            return
        before = self._window()
        anchor = self.marks.anchor
        start = self.store.view_index(anchor) if anchor is not None else None
        lo, hi = sorted((self._cursor if start is None else start, self._cursor))
        self.marks.add_all([self.store.key_at(i) for i in range(lo, hi + 1)], last=key)
        self._settle(before)

    def action_clear_marks(self) -> None:
        before = self._window()
        self.marks.clear()
        self._settle(before)

    # -- cursor -------------------------------------------------------------------------------

    def move_cursor(self, key: str) -> bool:
        """Put the cursor on row ``key`` if it is shown."""
        index = self.store.view_index(key)
        if index is None:
            return False
        self._move_to(index)
        return True

    def action_cursor(self, delta: int) -> None:
        self._move_to(self._cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self._cursor + direction * max(1, self._body_height() - 1))

    def action_ends(self, direction: int) -> None:
        self._move_to(0 if direction < 0 else self.shown - 1)

    def action_sideways(self, direction: int) -> None:
        self.scroll_to(x=self.scroll_x + direction * 4, animate=False)

    def action_select(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key))

    def _move_to(self, index: int) -> None:
        self._flush()  # rows coming into view are changed before they are drawn
        before = self._window()
        self._cursor = max(0, min(index, self.shown - 1))
        self._settle(before, follow=False)

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # -- changed-cell highlight ---------------------------------------------------------------

    def fade_changes(self) -> None:
        """Drop the highlights whose time is up (the timer calls this) and repaint their lines."""
        now = self.clock()
        before = self._window()
        self._flash = {k: v for k, v in self._flash.items() if v[1] > now}
        self._settle(before)
        self._arm_fade()

    def changed_cells(self, key: str) -> frozenset[int]:
        """Column indexes of ``key`` highlighted as just changed."""
        self._flush()
        flash = self._flash.get(key)
        return flash[0] if flash is not None else frozenset()

    def _arm_fade(self) -> None:
        if self._fade_timer is not None:
            self._fade_timer.stop()
            self._fade_timer = None
        if self._flash and self.is_mounted:
            due = min(until for _, until in self._flash.values())
            self._fade_timer = self.set_timer(max(0.05, due - self.clock()), self.fade_changes)

    # -- repaint by difference ----------------------------------------------------------------

    def _window(self) -> list[tuple[Any, ...]]:
        """What each visible line shows: a line is repainted only when its tuple changes."""
        store = self.store
        top = round(self.scroll_y)
        view = store.window(top, self._body_height())
        keys, versions = store.keys, store.versions
        window = []
        for offset, base in enumerate(view):
            key = keys[base]
            flash = self._flash.get(key)
            window.append(
                (
                    key,
                    versions[base],
                    top + offset == self._cursor,
                    key in self.marks,
                    flash[0] if flash else None,
                )
            )
        return window

    def _settle(self, before: list[tuple[Any, ...]], *, follow: bool = True) -> None:
        """After any change: keep the cursor on its row id (``follow``), resize, scroll to the
        cursor, repaint the lines that differ from ``before``."""
        store = self.store
        deadline = time.perf_counter() + _SYNC_SECONDS
        if follow and self._cursor_key is not None:
            found = store.view_index(self._cursor_key, self._cursor)
            if found is not None:
                self._cursor = found
        # A scan still pending: as many rows as the window needs (within the time allowed).
        store.ensure(max(self._cursor, round(self.scroll_y)) + self._body_height() + 1, deadline)
        shown = store.known()
        self._cursor = max(0, min(self._cursor, shown - 1))
        key = store.key_at(self._cursor) if shown else None
        moved = key != self._cursor_key
        self._cursor_key = key
        height = shown + 1
        if store.pending:
            # Until the scan is whole the scrollbar keeps its length (no repaint for a guess)
            height = max(height, self.virtual_size.height)
        size = Size(line_width(self._widths, self._gutter()), height)
        if size != self.virtual_size:
            self.virtual_size = size
        top = round(self.scroll_y)
        height = self._body_height()
        if self._cursor < top:
            top = self._cursor
        elif self._cursor >= top + height:
            top = self._cursor - height + 1
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, force=True, immediate=True)
        after = self._window()
        # The lines that differ, a run of neighbours as one region (a sort or a scroll
        # changes every line: one region, as a full repaint of the body).
        width, run = self.size.width, -1
        for y, line in enumerate(after):
            if y >= len(before) or before[y] != line:
                if run < 0:
                    run = y
            elif run >= 0:
                self.refresh(Region(0, run + 1, width, y - run))
                run = -1
        if len(before) > len(after):
            run = len(after) if run < 0 else run
            self.refresh(Region(0, run + 1, width, len(before) - run))
        elif run >= 0:
            self.refresh(Region(0, run + 1, width, len(after) - run))
        if moved:
            self.post_message(self.RowHighlighted(self, key))

    # -- drawing ------------------------------------------------------------------------------

    def _gutter(self) -> int:
        return 2 if self.markable else 0

    def _widths_fixed(self) -> bool:
        return all(c.width is not None for c in self.view_columns)

    def _layout_columns(self) -> None:
        sample = [self.store.cells[i] for i in self.store.window(0, 200, time.perf_counter())]
        widths = column_widths(
            self.view_columns, sample, self.scrollable_content_region.width, self._gutter()
        )
        if widths != self._widths:
            self._widths = widths
            self._lines.clear()
            self._header = None
            self.refresh()

    def on_resize(self) -> None:
        self._flush()
        self._layout_columns()
        self._settle(self._window())

    def on_mount(self) -> None:
        self._layout_columns()
        self._settle([])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._header = None
        self._lines.clear()

    def _row_styles(self) -> RowStyles:
        if self._styles is None:
            self._styles = RowStyles(
                base=self.rich_style,
                header=self.get_component_rich_style("dataview--header"),
                cursor=self.get_component_rich_style("dataview--cursor", partial=True),
                marked=self.get_component_rich_style("dataview--marked", partial=True),
                changed=self.get_component_rich_style("dataview--changed", partial=True),
            )
        return self._styles

    def on_focus(self) -> None:
        self._styles = None
        self._lines.clear()
        self._refresh_cursor_line()

    def on_blur(self) -> None:
        self._styles = None
        self._lines.clear()
        self._refresh_cursor_line()

    def _refresh_cursor_line(self) -> None:
        y = self._cursor - round(self.scroll_y) + 1
        self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        x = round(self.scroll_x)
        styles = self._row_styles()
        if y == 0:
            if self._header is None:
                col, rev = self.store.sort_col, self.store.sort_reverse
                sort = None if col is None else (col, rev)
                self._header = header_strip(
                    self.column_labels(), self._widths, self._gutter(), styles.header, sort
                )
            return self._header.crop_extend(x, x + width, styles.header)
        index = round(self.scroll_y) + y - 1
        store = self.store
        if index >= store.known():
            return Strip.blank(width, styles.base)
        base = store.window(index, 1)[0]
        key = store.keys[base]
        flash = self._flash.get(key)
        changed = flash[0] if flash else frozenset()
        cache_key = (key, store.versions[base], index == self._cursor, key in self.marks, changed)
        strip = self._lines.get(cache_key)
        if strip is None:
            if len(self._lines) > _CACHE_LIMIT:
                self._lines.clear()
            strip = row_strip(
                store.cells[base],
                self._widths,
                self._gutter(),
                styles,
                self.app.console,
                cursor=index == self._cursor,
                marked=key in self.marks,
                changed=changed,
            )
            self._lines[cache_key] = strip
        return strip.crop_extend(x, x + width, styles.base)
