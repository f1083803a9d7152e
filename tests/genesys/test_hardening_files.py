"""Issue 8, items 6-7: the history DB and exports are the user's eyes only (0600 files in 0700
directories gctui creates), and CSV cells never carry a server's control characters."""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from gctui.services.health.store import HistoryStore, default_history_path
from gctui.tui.export import default_export_dir, export_records, export_rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")

HOSTILE = "queue\x1b]0;pwned\x07\x1b[2J\x9b31m"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    """A common umask (022) would make new files 0644 and directories 0755 by default."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_history_db_and_its_new_directory_are_private() -> None:
    path = default_history_path()
    assert not path.parent.exists()
    with HistoryStore(path, scope="s"):
        pass
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    for side in path.parent.iterdir():  # -wal / -shm too, while they exist
        assert mode(side) == 0o600, side.name


def test_gctui_own_existing_loose_data_dir_and_db_are_tightened() -> None:
    path = default_history_path()
    path.parent.mkdir(parents=True, mode=0o755)
    path.parent.chmod(0o755)
    path.touch()
    path.chmod(0o644)
    with HistoryStore(path, scope="s"):
        pass
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)


def test_a_users_existing_directory_is_not_chmodded(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    with HistoryStore(shared / "history.sqlite3", scope="s"):
        pass
    exported = export_rows(["a"], [["1"]], fmt="csv", directory=shared, stem="t")
    assert mode(shared) == 0o755  # the user's directory, left as they made it
    assert mode(shared / "history.sqlite3") == 0o600 and mode(exported) == 0o600


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_and_the_export_dir_are_private(fmt: str) -> None:
    directory = default_export_dir()
    data_dir = platformdirs.user_data_path("gctui")
    assert not data_dir.exists()
    first = export_rows(["Name"], [["x"]], fmt=fmt, directory=directory, stem="queues")
    second = export_records([{"name": "y"}], fmt=fmt, directory=directory, stem="queues")
    assert first != second  # a second export never overwrites the first
    assert (mode(data_dir), mode(directory)) == (0o700, 0o700)
    assert (mode(first), mode(second)) == (0o600, 0o600)


def test_an_existing_loose_export_dir_of_gctui_is_tightened() -> None:
    directory = default_export_dir()
    directory.mkdir(parents=True)
    directory.chmod(0o777)
    path = export_rows(["a"], [["1"]], fmt="csv", directory=directory, stem="t")
    assert (mode(directory), mode(path)) == (0o700, 0o600)


def test_csv_cells_are_cleaned_of_control_characters(tmp_path: Path) -> None:
    path = export_rows(
        ["Name\x1b[2J", "Waiting"], [[HOSTILE, 3], [None, 2.5]], fmt="csv", directory=tmp_path, stem="q"
    )
    text = path.read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\x1b\x07\x9b")
    rows = list(csv.reader(text.splitlines()))
    assert rows == [
        ["Name\\x1b[2J", "Waiting"],
        ["queue\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m", "3"],
        ["", "2.5"],
    ]


def test_csv_records_are_cleaned_too(tmp_path: Path) -> None:
    path = export_records([{"name": HOSTILE, "n": 1}], fmt="csv", directory=tmp_path, stem="q")
    assert "\x1b" not in path.read_text(encoding="utf-8")


def test_json_exports_keep_the_raw_string_escaped_by_json(tmp_path: Path) -> None:
    path = export_rows(["Name"], [[HOSTILE]], fmt="json", directory=tmp_path, stem="q")
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and json.loads(text) == [{"name": HOSTILE}]
