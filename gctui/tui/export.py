"""Export a table's filtered view to CSV or JSON. Pure Python; the caller shows the path."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    if not words:
        return "column"
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


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
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"gctui-{stem}-{stamp}.{fmt}"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"gctui-{stem}-{stamp}-{n}.{fmt}"
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
    """The current directory when writable (where the user ran gctui), else the data dir."""
    import os

    cwd = Path.cwd()
    if os.access(cwd, os.W_OK):
        return cwd
    import platformdirs

    return platformdirs.user_data_path("gctui") / "exports"
