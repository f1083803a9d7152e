"""The headless core must not drag in the UI or the heavy data libraries."""

import subprocess
import sys

CODE = """
import sys, pkgutil, importlib
import gctui.genesys as pkg
import gctui.services as svc
for m in [*pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."), *pkgutil.walk_packages(svc.__path__, svc.__name__ + ".")]:
    importlib.import_module(m.name)
bad = sorted(n for n in sys.modules if n.split(".")[0] in {"textual", "pandas", "networkx"})
print(",".join(bad))
"""


def test_core_imports_no_textual_pandas_or_networkx() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"gctui.genesys imported: {out.stdout.strip()}"


FIRST_FRAME = """
import sys
import gctui.cli.launch, gctui.tui.app  # what `gctui --demo` imports before its first frame
heavy = {"pydantic", "pydantic_settings", "httpx", "pandas", "networkx", "pyarrow", "uvicorn", "starlette"}
print(",".join(sorted(n for n in sys.modules if n.split(".")[0] in heavy)))
"""


def test_the_console_draws_before_the_config_models_and_the_network_stack_load() -> None:
    """Every tab's module is imported at start-up: none may pull in pydantic (~100 ms), httpx or
    the simulator before the first frame (those load in the worker that opens the org)."""
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported before the first frame: {out.stdout.strip()}"
