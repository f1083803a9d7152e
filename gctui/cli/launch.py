"""`gctui` / `gctui --demo`: validate the config (exit 2 on a bad one), then open the console.

Everything that can be wrong is checked before the first frame; nothing more. `--demo` with no
config file and no flag naming another org has nothing to validate, so the config models
(pydantic, ~100 ms of imports) and the simulator are loaded after the first frame, in the
worker that opens the org."""

from __future__ import annotations

import argparse
import gc
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gctui.cli.profile import DemoSource
    from gctui.config import ResolvedProfile
    from gctui.tui.source import ProfileSource

_ORG_FLAGS = ("config", "profile", "region", "api_url", "client_id")


def launch(args: argparse.Namespace) -> int:
    # Start-up allocates a few hundred thousand objects (Textual, the app, its widgets) and
    # leaves next to no garbage: the collector's passes meanwhile cost ~15-30 ms before the first
    # frame for nothing. It is off until the app has drawn (GctuiApp turns it back on then).
    gc.disable()
    try:
        return _launch(args)
    finally:
        gc.enable()


def _launch(args: argparse.Namespace) -> int:
    keymap: dict[str, str] = {}
    source: ProfileSource
    if args.demo and _nothing_to_validate(args):
        read_only = bool(args.read_only)
        source = LazyDemoSource(args)
    elif args.demo:
        from gctui.cli.profile import DemoSource, check_demo_flags
        from gctui.config import load_settings, overrides_from_args

        check_demo_flags(args)
        settings = load_settings(overrides_from_args(args))  # a broken config file is still reported
        keymap = dict(settings.keys)
        read_only = bool(args.read_only)
        source = DemoSource(args)
    else:
        from gctui.config import load, overrides_from_args
        from gctui.tui.source import StaticSource

        profile = load(overrides_from_args(args))
        keymap = dict(profile.keys)
        read_only = profile.options.read_only
        source = StaticSource(profile)
    if keymap:
        from gctui.tui.actions import check_keymap

        check_keymap(keymap)

    from gctui.tui.app import GctuiApp

    app = GctuiApp(source, keymap=keymap, read_only=read_only)
    app.run()
    return app.return_code or 0


def _nothing_to_validate(args: argparse.Namespace) -> bool:
    """No flag that --demo would refuse or read, no config file named or present."""
    if any(getattr(args, flag, None) for flag in _ORG_FLAGS) or os.environ.get("GCTUI_CONFIG"):
        return False
    import platformdirs  # where gctui.config.default_config_path() looks

    return not (platformdirs.user_config_path("gctui") / "config.toml").exists()


class LazyDemoSource:
    """The embedded simulated org; its modules are imported when the app opens it."""

    label = "demo"

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._demo: DemoSource | None = None

    def open(self) -> ResolvedProfile:
        from gctui.cli.profile import DemoSource

        self._demo = DemoSource(self._args)
        return self._demo.open()

    def close(self) -> None:
        if self._demo is not None:
            self._demo.close()
