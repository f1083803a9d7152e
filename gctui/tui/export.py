"""Export a table's filtered view to CSV or JSON. Pure Python; the caller shows the path."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    if not words:
        return "column"
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


def export_records(records: Sequence[Mapping[str, object]], *, fmt: str, directory: Path, stem: str) -> Path:
    """Write typed records (stable camelCase keys, numbers as numbers, ISO-8601 UTC times)."""
    columns = list(records[0]) if records else []
    if fmt == "json":
        return _write(directory, stem, fmt, json.dumps(list(records), indent=2, default=str) + "\n")
    return export_rows(
        columns, [[r.get(c) for c in columns] for r in records], fmt=fmt, directory=directory, stem=stem
    )


def _write(directory: Path, stem: str, fmt: str, text: str) -> Path:
    path = _new_path(directory, stem, fmt)
    path.write_text(text, encoding="utf-8")
    return path


def _new_path(directory: Path, stem: str, fmt: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"gctui-{stem}-{stamp}.{fmt}"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"gctui-{stem}-{stamp}-{n}.{fmt}"
    return path


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
    path = _new_path(directory, stem, fmt)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([["" if c is None else c for c in row] for row in rows])
    else:
        keys = [_camel(c) for c in columns]
        data = [dict(zip(keys, row, strict=False)) for row in rows]
        path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def default_export_dir() -> Path:
    """``<platform data dir>/gctui/exports``: never litters the directory gctui was started in
    (often a checkout); the toast shows the full path."""
    import platformdirs

    return platformdirs.user_data_path("gctui") / "exports"
