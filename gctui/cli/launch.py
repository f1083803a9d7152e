"""`gctui` / `gctui --demo`: validate the config (exit 2 on a bad one), then open the console."""

from __future__ import annotations

import argparse


def launch(args: argparse.Namespace) -> int:
    from gctui.cli.profile import DemoSource, check_demo_flags
    from gctui.config import load, load_settings, overrides_from_args
    from gctui.tui import actions
    from gctui.tui.source import ProfileSource, StaticSource

    overrides = overrides_from_args(args)
    source: ProfileSource
    if args.demo:
        check_demo_flags(args)
        settings = load_settings(overrides)  # a broken config file is still reported
        keymap = dict(settings.keys)
        read_only = bool(args.read_only)
        source = DemoSource(args)
    else:
        profile = load(overrides)
        keymap = dict(profile.keys)
        read_only = profile.options.read_only
        source = StaticSource(profile)
    actions.check_keymap(keymap)

    from gctui.tui.app import GctuiApp

    app = GctuiApp(source, keymap=keymap, read_only=read_only)
    app.run()
    return app.return_code or 0
