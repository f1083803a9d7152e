"""Crash logs: the traceback of a bug, without local variables, in the data dir."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path


def write_crash_log(text: str, directory: Path | None = None) -> Path | None:
    try:
        if directory is None:
            import platformdirs

            directory = platformdirs.user_data_path("gctui") / "crash"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"crash-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.log"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        return path
    except OSError:
        return None
