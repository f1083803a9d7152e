"""Export a table's filtered view to CSV or JSON. Pure Python; the caller shows the path.

Exports hold org data: each file is new (never overwrites) and readable by the user only (0600,
in a 0700 directory when gctui creates it). CSV cells are passed through :func:`gctui.text.clean`
(a spreadsheet or ``cat`` must not receive a server's control characters); JSON escapes them itself
and keeps the raw strings."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from gctui.files import open_new_private, private_dir
from gctui.text import clean, spreadsheet_safe


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    if not words:
        return "column"
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


def export_records(records: Sequence[Mapping[str, object]], *, fmt: str, directory: Path, stem: str) -> Path:
    """Write typed records (stable camelCase keys, numbers as numbers, ISO-8601 UTC times)."""
    columns = list(records[0]) if records else []
    if fmt == "json":
        return _write_json(directory, stem, list(records))
    return export_rows(
        columns, [[r.get(c) for c in columns] for r in records], fmt=fmt, directory=directory, stem=stem
    )


def _open_new(directory: Path, stem: str, fmt: str, *, newline: str | None = None) -> tuple[Path, TextIO]:
    """A new private file ``gctui-STEM-STAMP[-N].FMT`` in ``directory`` (created 0700 if missing)."""
    private_dir(directory)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    n = 1
    while True:
        path = directory / (f"gctui-{stem}-{stamp}.{fmt}" if n == 1 else f"gctui-{stem}-{stamp}-{n}.{fmt}")
        try:
            return path, open_new_private(path, newline=newline)
        except FileExistsError:
            n += 1


def _write_json(directory: Path, stem: str, data: object) -> Path:
    path, fh = _open_new(directory, stem, "json")
    with fh:
        fh.write(json.dumps(data, indent=2, default=str) + "\n")
    return path


def _csv_cell(value: object) -> object:
    """Numbers stay numbers; text is cleaned of control characters and a formula defused
    (`spreadsheet_safe`); None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return spreadsheet_safe(value)


def export_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    fmt: str,
    directory: Path,
    stem: str,
) -> Path:
    """Write rows (already filtered, as shown) and return the file's path."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt!r}; use csv or json")
    if fmt == "json":
        keys = [_camel(c) for c in columns]
        return _write_json(directory, stem, [dict(zip(keys, row, strict=False)) for row in rows])
    path, fh = _open_new(directory, stem, "csv", newline="")
    with fh:
        writer = csv.writer(fh)
        writer.writerow([clean(c) for c in columns])
        writer.writerows([[_csv_cell(c) for c in row] for row in rows])
    return path


def default_export_dir() -> Path:
    """``<platform data dir>/gctui/exports``: never litters the directory gctui was started in
    (often a checkout); the toast shows the full path."""
    import platformdirs

    return platformdirs.user_data_path("gctui") / "exports"


def export_text(text: str, *, ext: str, directory: Path, stem: str) -> Path:
    """Write a text export (DOT, Mermaid) to a new private file; the text is already escaped
    for its format by whoever made it."""
    path, fh = _open_new(directory, stem, ext)
    with fh:
        fh.write(text)
    return path
