"""The shell's plain helpers: the `:` line's words, `?`'s rows, and exporting the shown rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gctui.tui.widgets.help import HelpRow

if TYPE_CHECKING:
    from gctui.tui.actions import ActionSpec, Entry
    from gctui.tui.tabs.base import FeatureTab
    from gctui.tui.widgets.dataview import DataView

ALIASES = {"q": "quit", "q!": "quit", "h": "help"}  # vi/k9s habits

TABLE_KEYS = (
    HelpRow("↑↓ PgUp PgDn", "Move (Home/End: ends)", "table"),
    HelpRow("←→", "Scroll sideways", "table"),
    HelpRow("s S", "Sort next column / reverse", "table"),
)
MARK_KEYS = (
    HelpRow("space", "Mark the row", "table"),
    HelpRow("^space", "Mark from last mark to here", "table"),
    HelpRow("^\\", "Clear the marks", "table"),
)


def parse(line: str) -> tuple[str, str | None]:
    """':interval 7' -> ('interval', '7'); ':pause' -> ('pause', None)."""
    word, _, rest = line.strip().lstrip(":").partition(" ")
    return ALIASES.get(word, word), rest.strip() or None


def help_rows(
    entries: list[Entry], key_display: Callable[[ActionSpec], str], *, markable: bool = False
) -> list[HelpRow]:
    """The keys (rebinds applied), then the `:` commands with their arguments, then the
    table's own navigation keys."""
    rows = [HelpRow(key_display(e.spec), e.spec.text, e.spec.id) for e in entries]
    own = {e.spec.command.name for e in entries if e.tab is not None and e.spec.command is not None}
    for e in entries:
        cmd = e.spec.command
        if cmd is not None and not (e.tab is None and cmd.name in own):  # the tab's one wins
            usage = f" {cmd.usage}" if cmd.usage else ""
            rows.append(HelpRow(f":{cmd.name}{usage}", e.spec.text, "command"))
    return rows + list(TABLE_KEYS) + (list(MARK_KEYS) if markable else [])


def export_view(tab: FeatureTab, view: DataView, fmt: str, directory: Path | None) -> tuple[str, bool]:
    """Write the rows ``view`` shows (as filtered) to a file: (toast text, whether it worked)."""
    from gctui.tui.export import default_export_dir, export_records, export_rows

    keys = view.visible_keys()
    directory = directory or default_export_dir()
    try:
        records = tab.export_records(keys)
        if records is not None:
            path = export_records(records, fmt=fmt, directory=directory, stem=tab.TAB.id)
        else:
            rows = view.visible_plain_rows()
            path = export_rows(view.column_labels(), rows, fmt=fmt, directory=directory, stem=tab.TAB.id)
    except OSError as exc:
        return f"export failed: {exc}", False
    hidden = view.total - len(keys)
    extra = f" ({hidden} hidden by the filter)" if hidden else ""
    noun = "row" if len(keys) == 1 else "rows"
    return f"exported {len(keys)} {noun}{extra} to {path}", True
