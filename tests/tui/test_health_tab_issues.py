"""The Health tab against issue 8 and 10: bad intervals refused with the range, a line that
fits 80 columns while the rate governor holds the probes."""

from __future__ import annotations

from pathlib import Path

from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.tui.conftest import make_app, wait_for


def _line(app) -> str:  # type: ignore[no-untyped-def]
    return "".join(str(w.render()) for w in app.query("#health-line Static"))


async def test_interval_out_of_range_is_refused_with_the_range(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = app.query_one("#health-tab")
        await wait_for(pilot, lambda: tab.poller is not None)
        for value in ("inf", "99999", "nan", "-5"):
            await pilot.press("colon", *f"interval {value}", "enter")
            await pilot.pause()
            assert tab.poller.interval == 30
            toast = [n for n in app._notifications if "interval" in n.message][-1]
            assert f"interval {float(value):g} is out of range (5-3600 seconds); unchanged" in toast.message
        await wait_for(pilot, lambda: "every 30s" in _line(app))


async def test_rate_waits_fit_the_line_at_80_columns(tmp_path: Path) -> None:
    # 8 requests per run against a limit of 5 per minute: the run waits for the budget.
    async with SimServer(SimConfig(token_rate_limit=1000, rate_limit=5)) as slow:
        app = make_app(slow, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            tab = app.query_one("#health-tab")
            await wait_for(pilot, lambda: tab.poller is not None and tab.poller.running)
            await wait_for(pilot, lambda: "wait rate" in _line(app) and _laid_out(app))
            line = _line(app)
            assert len(line) <= 78, line  # 80 columns less the padding
            assert "wait rate" in line and "per min" in line
            for part in app.query("#health-line Static"):  # each part drawn whole, on screen
                text = str(part.render())
                assert part.region.right <= 80 and part.region.width >= len(text), text


def _laid_out(app) -> bool:  # type: ignore[no-untyped-def]
    """The layout has caught up with the text (it is computed on the next refresh)."""
    return all(w.region.width >= len(str(w.render())) for w in app.query("#health-line Static"))
