"""The README's quick start is exactly two commands, and CI runs exactly the second."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Quick start") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_in_a_venv() -> None:
    install, tests = _quick_start()
    # PEP 668: a system Python may refuse `pip install`; the first command makes its own venv.
    assert install.startswith("python3 -m venv .venv && ")
    assert "pip install -e '.[test]'" in install and install.endswith("gctui --demo")
    assert "pytest" in tests


def test_ci_runs_the_readme_commands() -> None:
    install, tests = _quick_start()
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci.splitlines()
    setup = install.removesuffix(" && .venv/bin/gctui --demo")
    assert setup.replace("pip install -e", "pip install --quiet -e") in ci
