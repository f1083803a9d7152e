"""The simulator stands apart: nothing in gctui.sim imports the rest of gctui, not even lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import gctui.sim

SIM_DIR = Path(gctui.sim.__file__).parent


def _outside_imports(path: Path) -> list[str]:
    """``gctui.*`` modules outside ``gctui.sim`` that ``path`` imports anywhere (lazy ones too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            inside = name == "gctui.sim" or name.startswith("gctui.sim.")
            if (name == "gctui" or name.startswith("gctui.")) and not inside:
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_no_sim_module_imports_the_rest_of_gctui() -> None:
    bad = [hit for path in sorted(SIM_DIR.rglob("*.py")) for hit in _outside_imports(path)]
    assert bad == []


def test_importing_every_sim_module_loads_no_other_gctui_module() -> None:
    code = (
        "import sys, pkgutil, importlib, gctui.sim as p\n"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(p.__path__, 'gctui.sim.')]\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith('gctui.')"
        " and not n.startswith('gctui.sim'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_gctui_sim_command_is_registered_from_the_cli_package() -> None:
    from gctui.cli.main import build_parser

    args = build_parser().parse_args(["sim", "--port", "0"])
    assert args.func.__module__ == "gctui.cli.sim_cmd"
