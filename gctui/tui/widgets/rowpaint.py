"""Turn a row's cells into one Strip (a line of segments): the only drawing the table does.

Columns are padded by one space each side; a markable table has a two-cell gutter (``●``).
Plain cells become one Segment each; rich `Text` cells keep their colours, truncated to width.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from gctui.tui.widgets.rowstore import Cell, Column

PAD = 1
MARK = "● "


@dataclass(frozen=True, slots=True)
class RowStyles:
    base: Style
    header: Style
    cursor: Style
    marked: Style
    changed: Style


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], available: int, gutter: int
) -> list[int]:
    """Fixed widths as given; width None: the widest of the label and the sampled cells; the
    flex column takes what is left of ``available`` (never less than its own width)."""
    widths: list[int] = []
    for c, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        sample = (cell_len(_plain(r[c])) for r in rows if c < len(r))
        widths.append(max(cell_len(col.label), max(sample, default=0)))
    flex = next((i for i, col in enumerate(columns) if col.flex), None)
    if flex is not None:
        used = gutter + sum(widths) + 2 * PAD * len(widths) - widths[flex]
        widths[flex] = max(widths[flex], available - used)
    return widths


def line_width(widths: Sequence[int], gutter: int) -> int:
    return gutter + sum(widths) + 2 * PAD * len(widths)


def header_strip(
    labels: Sequence[str], widths: Sequence[int], gutter: int, style: Style, sort: tuple[int, bool] | None
) -> Strip:
    """The header; the sort column ends in ▲ (ascending) or ▼, kept visible in a narrow column."""
    segments = [Segment(" " * gutter, style)] if gutter else []
    for c, (label, width) in enumerate(zip(labels, widths, strict=True)):
        if sort is not None and sort[0] == c and width > 1:
            text = set_cell_size(label, min(cell_len(label), width - 1)) + ("▼" if sort[1] else "▲")
        else:
            text = label
        segments.append(Segment(" " + set_cell_size(text, width) + " ", style))
    return Strip(segments, line_width(widths, gutter))


def row_strip(
    cells: Sequence[Cell],
    widths: Sequence[int],
    gutter: int,
    styles: RowStyles,
    console: Console,
    *,
    cursor: bool = False,
    marked: bool = False,
    changed: Collection[int] = (),
) -> Strip:
    base = styles.base + styles.marked if marked else styles.base
    segments: list[Segment] = []
    if gutter:
        segments.append(Segment(set_cell_size(MARK if marked else "", gutter), base))
    for c, width in enumerate(widths):
        cell = cells[c] if c < len(cells) else ""
        post = styles.changed if c in changed else None
        if isinstance(cell, Text):
            text = cell.copy()
            text.truncate(width, overflow="ellipsis", pad=True)
            parts = [Segment(" "), *text.render(console), Segment(" ")]
            segments.extend(Segment.apply_style(parts, base, post))
        else:
            style = base + post if post is not None else base
            segments.append(Segment(" " + set_cell_size(_plain(cell), width) + " ", style))
    if cursor:
        segments = list(Segment.apply_style(segments, None, styles.cursor))
    return Strip(segments, line_width(widths, gutter))


def _plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return "" if cell is None else str(cell)
