"""A DataTable that is diffed by row key (never cleared and refilled), filtered by `/`, and
exported as shown. Cursor, scroll and selection survive every refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from gctui.tui.filtering import RowFilter, parse_filter

Cell = str | Text


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None = None
    # One flexible column takes the width left over (never less than ``width``).
    flex: bool = False


def plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return "" if cell is None else str(cell)


class DataView(DataTable[Cell]):
    DEFAULT_CSS = """
    DataView { height: 1fr; }
    """

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.view_columns = list(columns)
        self._all: dict[str, list[Cell]] = {}
        self._order: list[str] = []
        self.filter: RowFilter = parse_filter("")

    def on_mount(self) -> None:
        for col in self.view_columns:
            self.add_column(col.label, key=col.key, width=col.width)

    def on_resize(self) -> None:
        flex = next((c for c in self.view_columns if c.flex and c.width), None)
        if flex is None or flex.width is None:
            return
        pad = 2 * self.cell_padding
        fixed = sum((c.width or 0) + pad for c in self.view_columns if c is not flex)
        width = max(flex.width, self.size.width - fixed - pad - 1)
        column = self.columns.get(ColumnKey(flex.key))
        if column is not None and column.width != width:
            column.width = width
            self._clear_caches()
            self._require_update_dimensions = True
            self.refresh()

    # -- data ---------------------------------------------------------------------------------

    def set_rows(self, rows: Mapping[str, Sequence[Cell]]) -> None:
        """Replace the data: changed cells are updated in place, rows added/removed by key."""
        self._all = {k: list(v) for k, v in rows.items()}
        self._order = list(rows)
        self._sync()

    def _visible_keys(self) -> list[str]:
        f = self.filter
        if not f.active:
            return list(self._order)
        return [k for k in self._order if f.matches_any(plain(c) for c in self._all[k])]

    def _sync(self) -> None:
        want = self._visible_keys()
        current = [row.key.value for row in self.ordered_rows]
        same = 0
        for have, need in zip(current, want, strict=False):
            if have != need:
                break
            same += 1
        for key in current[same:]:
            if key is not None:
                self.remove_row(key)
        col_keys = [c.key for c in self.view_columns]
        for key in want[:same]:
            for col, old, new in zip(col_keys, self.get_row(key), self._all[key], strict=False):
                if old is not new and (plain(old) != plain(new) or old != new):
                    self.update_cell(key, col, new)
        for key in want[same:]:
            self.add_row(*self._all[key], key=key)

    # -- filter / export ----------------------------------------------------------------------

    def apply_filter(self, expr: str) -> RowFilter:
        self.filter = parse_filter(expr)
        self._sync()
        return self.filter

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return self.row_count

    def visible_keys(self) -> list[str]:
        return self._visible_keys()

    def visible_plain_rows(self) -> list[list[str]]:
        return [[plain(c) for c in self._all[k]] for k in self._visible_keys()]

    def column_labels(self) -> list[str]:
        return [c.label for c in self.view_columns]

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return key
