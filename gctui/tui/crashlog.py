"""Crash logs: the traceback of a bug or of a failed worker, in the data dir. Never local
variables (they can hold tokens); known secrets are masked in what is left."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

MASK = "**********"


def crash_text(exc: BaseException, heading: str = "", redact: Iterable[str] = ()) -> str:
    """``heading`` and the traceback of ``exc`` (frames and source lines, no locals)."""
    text = heading + ("\n" if heading else "") + "".join(traceback.format_exception(exc))
    for secret in redact:
        if secret:
            text = text.replace(secret, MASK)
    return text


def write_crash_log(text: str, directory: Path | None = None) -> Path | None:
    try:
        if directory is None:
            import platformdirs

            directory = platformdirs.user_data_path("gctui") / "crash"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"crash-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the start
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path
    except OSError:
        return None
