"""Files only the user may read: the probe history, exports (they hold org data).

New directories are created 0700 and new files 0600, whatever the umask. An existing directory
is tightened only when it is gctui's own (under the platform data/config/cache/state dir named
``gctui``); a user's own directory (``--export-dir ~/Downloads``) is never chmod-ed.
Imports nothing else of gctui."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import TextIO

import platformdirs

APP_NAME = "gctui"
DIR_MODE = 0o700
FILE_MODE = 0o600


def app_dirs() -> tuple[Path, ...]:
    """gctui's own directories (read at call time: tests and users set XDG_* variables)."""
    return (
        platformdirs.user_data_path(APP_NAME),
        platformdirs.user_config_path(APP_NAME),
        platformdirs.user_cache_path(APP_NAME),
        platformdirs.user_state_path(APP_NAME),
    )


def is_app_path(path: Path) -> bool:
    """True for one of gctui's own directories or anything below one."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in app_dirs())


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700; tighten it (and its ancestors up to the
    app dir) when it already exists and is gctui's own. Returns ``path``."""
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass
    for directory in (path, *path.parents):
        if not is_app_path(directory):
            break
        _tighten(directory)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists as a file only the user can read and write: created 0600 when
    missing, tightened to 0600 when it exists (for gctui's own files: the history DB)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    _tighten(path)
    return path


def open_new_private(path: Path, *, newline: str | None = None) -> TextIO:
    """Open a NEW file for writing, 0600; FileExistsError if ``path`` exists (never overwrites,
    and O_EXCL refuses a symlink planted there too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def open_private_db(path: Path, *, synchronous: str = "FULL") -> sqlite3.Connection:
    """A SQLite file for the user's eyes only: its folder 0700, the file and the WAL/shared
    memory files beside it 0600 (SQLite gives those the database's mode; old ones are
    tightened). Autocommit, WAL, usable from any thread (callers hold their own lock)."""
    private_dir(path.parent)
    private_file(path)
    for suffix in ("-wal", "-shm"):
        if (side := path.with_name(path.name + suffix)).exists():
            private_file(side)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    return db


def _tighten(path: Path) -> None:
    """Drop group and other permissions (owner bits unchanged)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(mode & ~0o077)
