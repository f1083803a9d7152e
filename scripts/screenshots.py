"""Regenerate screenshots/*.svg from the real app against the embedded simulator (fixed seed).

    python scripts/screenshots.py

Latencies and clock times are real, so they differ from run to run; everything else is fixed by
the simulator's seed. Uses a throwaway history file so the user's own history is not touched.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from gctui.cli.profile import DemoSource
from gctui.tui.app import GctuiApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def _settle(pilot, app: GctuiApp) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await pilot.pause(0.05)
        table = app.query_one("#probes")
        monitor = app.query_one("#health-tab").monitor  # type: ignore[attr-defined]
        if monitor is not None and monitor.runs >= 1 and table.row_count and not monitor.running:
            break
    await pilot.pause(1.2)  # let the header and panels tick once


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h.sqlite3", export_dir=Path(tmp))
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot, app)
            # A few more runs so the sparklines and percentiles have something to show.
            for _ in range(5):
                await pilot.press("space")
                await pilot.pause(0.4)
            await pilot.pause(1.1)
            app.save_screenshot("health.svg", str(OUT))
            await pilot.press("question_mark")
            await pilot.pause(0.3)
            app.save_screenshot("help.svg", str(OUT))
            await pilot.press("escape", "slash", "a", "c", "t")
            await pilot.pause(0.3)
            app.save_screenshot("filter.svg", str(OUT))
        small = GctuiApp(DemoSource(seed=7), history_path=Path(tmp) / "h2.sqlite3", export_dir=Path(tmp))
        async with small.run_test(size=(80, 24)) as pilot:
            await _settle(pilot, small)
            small.save_screenshot("health-80x24.svg", str(OUT))
    for name in sorted(OUT.glob("*.svg")):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
