"""`gctui` entry point: global flags, then a command (git/kubectl style)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from gctui import __version__
from gctui.errors import EXIT_USAGE, GctuiError

# Each command module exposes ``register(subparsers)`` which adds its parser and sets
# ``func=<callable(args) -> int>``. Modules are imported here but must keep heavy imports
# (textual, starlette, pandas) inside their run functions so `gctui --version` stays fast.
_COMMAND_MODULES = (
    "gctui.cli.actions_cmd",
    "gctui.cli.config_cmd",
    "gctui.cli.flows_cmd",
    "gctui.cli.health_cmd",
    "gctui.cli.routing_cmd",
    "gctui.cli.scale_cmd",
    "gctui.cli.sim_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gctui",
        description="Keyboard-driven console for Genesys Cloud CX integration engineers.",
        epilog=(
            "Without a COMMAND, gctui opens the console for the configured org; `gctui --demo` opens it "
            "against the embedded simulated org. Exit codes: 0 ok, 1 a check failed, 2 usage or config "
            "error. Global flags go before the command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"gctui {__version__}")
    parser.add_argument("--config", metavar="FILE", help="config file (default: platform config dir)")
    parser.add_argument("--profile", metavar="NAME", help="named org profile from the config file")
    parser.add_argument(
        "--read-only", action="store_true", default=None, help="refuse every write at the transport"
    )
    parser.add_argument("--demo", action="store_true", help="run against the embedded simulated org")
    parser.add_argument("--region", help="region name, AWS region, domain or base URL")
    parser.add_argument("--api-url", metavar="URL", help="explicit API base URL (proxy, simulator)")
    parser.add_argument("--client-id", metavar="ID", help="OAuth client id")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command still being built
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    try:
        if func is None:
            from gctui.cli.launch import launch

            return launch(args)
        return func(args)
    except GctuiError as exc:
        print(f"gctui: {exc.message}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("gctui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        import os

        from gctui.genesys.errors import describe_unexpected

        if os.environ.get("GCTUI_DEBUG"):
            raise
        print(f"gctui: {describe_unexpected(exc)} (set GCTUI_DEBUG=1 for a traceback)", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValueError) else 1
