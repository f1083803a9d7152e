"""The one error family at the bottom of the package: an expected failure that carries its exit
code. Config, the TUI and the CLI raise it; ``gctui.cli.main`` prints ``gctui: <message>`` and
exits with ``code``. Imports nothing else of gctui."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class GctuiError(Exception):
    """An expected failure: one line for the user and an exit code, never a traceback."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
