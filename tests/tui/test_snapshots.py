"""SVG snapshots of what a user sees (pytest-textual-snapshot).

After a deliberate change of the screen, look at the report of the failing run, then regenerate
the baselines (tests/tui/__snapshots__/test_snapshots/) with:

    pytest tests/tui/test_snapshots.py --snapshot-update

Deterministic by construction, not by timing: the simulator is seeded (no latency, no faults);
the health monitor gets a frozen monotonic clock (every latency is 0 ms) and a fixed wall clock;
the poller's clock ("next in") and the table's (changed-cell marks) are frozen; token and rate-budget statuses have their
time- and traffic-dependent fields set to fixed values; times are shown in UTC. Each test also
takes two screenshots more than a tick apart (1 s timers) and requires them to be equal, so a
new clock leak fails at once, on every run, instead of now and then. The client secret must not
appear in any snapshot.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from gctui.config import ResolvedProfile
from gctui.config.models import HealthConfig
from gctui.genesys.auth import TokenManager
from gctui.genesys.options import ClientOptions
from gctui.genesys.ratelimit import RateGovernor
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.services import health as health_service
from gctui.services.health import HealthMonitor
from gctui.sim import SimConfig
from gctui.sim.server import SimThread
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.actions_usedby import window_keys
from gctui.tui.widgets.confirm import BlastRadius, Change, ConfirmScreen
from gctui.tui.widgets.dataview import DataView
from gctui.tui.widgets.header import StatusHeader
from tests.tui.conftest import SECRET, wait_for
from tests.tui.test_dialogs_support import DialogHost

FIXED_NOW = datetime(2025, 3, 4, 9, 30, 0, tzinfo=UTC)
FROZEN_MONOTONIC = 10_000.0
ORG = "Simulated Contact Center"
TICK = 1.1  # more than the 1 s header / tab timers

Compare = Callable[..., bool]


class DemoSource:
    """The seeded simulator under the profile name "demo" (the header shows "simulator", not
    the loopback port, which changes from run to run)."""

    label = "demo"

    def __init__(self) -> None:
        config = SimConfig(seed=7, latency_ms=0, fault_rate=0.0, rate_limit=100_000, token_rate_limit=1000)
        config.client_secret = SECRET
        self._sim = SimThread(config)

    def open(self) -> ResolvedProfile:
        self._sim.start()
        return ResolvedProfile(
            name="demo",
            options=ClientOptions(
                region=resolve_region(self._sim.base_url),
                client_id="gctui-demo",
                client_secret=Secret(SECRET),
            ),
            health=HealthConfig(),
        )

    def close(self) -> None:
        self._sim.stop()


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every clock the Health tab shows, frozen."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()

    make_monitor = HealthMonitor.from_profile.__func__  # type: ignore[attr-defined]

    def frozen_monitor(cls: type[HealthMonitor], session: Any, profile: Any, **kwargs: Any) -> HealthMonitor:
        kwargs.update(store=None, clock=lambda: FROZEN_MONOTONIC, now=lambda: FIXED_NOW)
        return make_monitor(cls, session, profile, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(HealthMonitor, "from_profile", classmethod(frozen_monitor))
    # The poller's clock: the first run is due at once, and the countdown never moves.
    make_poller = health_service.health_poller

    def frozen_poller(monitor: HealthMonitor, interval: float, **kwargs: Any) -> Any:
        return make_poller(monitor, interval, **{**kwargs, "clock": lambda: FROZEN_MONOTONIC})

    monkeypatch.setattr(health_service, "health_poller", frozen_poller)
    # Changed cells are marked for a moment: on a frozen clock the mark neither fades nor moves.
    view_init = DataView.__init__

    def frozen_view(self: DataView, *args: Any, **kwargs: Any) -> None:
        view_init(self, *args, **{**kwargs, "clock": lambda: FROZEN_MONOTONIC})

    monkeypatch.setattr(DataView, "__init__", frozen_view)

    token_status = TokenManager.status
    budget_status = RateGovernor.status

    def fixed_token(self: TokenManager) -> Any:
        s = token_status(self)
        return dataclasses.replace(
            s,
            age=None if s.age is None else 60.0,
            expires_in=None if s.expires_in is None else (s.lifetime or 86_400) - 60.0,
            breaker_retry_in=0.0,
        )

    def fixed_budget(self: RateGovernor) -> Any:
        s = budget_status(self)
        return dataclasses.replace(
            s, used=12, in_flight=0, requests_per_minute=12, slot_free_in=0.0, held_for=0.0, waiting=0
        )

    monkeypatch.setattr(TokenManager, "status", fixed_token)
    monkeypatch.setattr(RateGovernor, "status", fixed_budget)
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def frozen_actions(frozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``frozen``, and the Data actions tab's statistics window ends at ``FIXED_NOW`` (the
    simulator's execution counts and percentiles follow the window's hours)."""
    from gctui.services import actions as actions_service

    load_rows = actions_service.load_rows

    async def fixed_window(*args: Any, **kwargs: Any) -> Any:
        return await load_rows(*args, **{**kwargs, "now": FIXED_NOW})

    monkeypatch.setattr(actions_service, "load_rows", fixed_window)


def health_app(tmp_path: Path) -> GctuiApp:
    return GctuiApp(DemoSource(), export_dir=tmp_path / "exports", history_path=tmp_path / "h.sqlite3")


async def settled(pilot: Pilot[Any]) -> None:
    """The org is known and a probe run has been drawn."""
    app: Any = pilot.app
    tab = app.query_one("#health-tab")
    await wait_for(pilot, lambda: app.query_one(StatusHeader).state.org == ORG, timeout=20)
    await wait_for(pilot, lambda: tab.monitor is not None and tab.monitor.runs >= 1, timeout=20)
    await wait_for(pilot, lambda: not tab.monitor.running and tab.data_view().row_count == 7)
    await pilot.pause(TICK)


async def actions_settled(pilot: Pilot[Any]) -> None:
    """The Health tab settled, then `2`: every action listed, the journal open, and "used by"
    known for every row on screen (and the margin looked up ahead), none in flight."""
    await settled(pilot)
    await pilot.press("2")
    tab = pilot.app.query_one(DataActionsTab)
    view = tab.data_view()
    await wait_for(pilot, lambda: tab.loaded and tab.writes.writer is not None, timeout=20)
    await wait_for(
        pilot,
        lambda: (
            bool(view.region.area)
            and all(tab.used.value(k) is not None for k in window_keys(view))
            and not tab.used.pending
        ),
        timeout=20,
    )
    assert view.total == SimConfig().actions
    await pilot.pause(TICK)


async def flows_settled(pilot: Pilot[Any]) -> None:
    """The Health tab settled, then `3`: every flow read, cycles and problems known; then `c`,
    the pane, and Enter on the first cycle: the tree opens at it, its nodes marked."""
    from gctui.tui.tabs.flows import FlowsTab

    await settled(pilot)
    await pilot.press("3")
    tab = pilot.app.query_one(FlowsTab)
    await wait_for(
        pilot,
        lambda: tab.result is not None and tab.analysis is not None and not tab._analysing and tab.problems is not None,
        timeout=20,
    )
    await pilot.press("c", "tab", "down", "enter")
    await wait_for(pilot, lambda: tab.tree().has_focus)
    await pilot.pause(TICK)


class Steady:
    """run_before for snap_compare: ``steps``, then two screenshots a tick apart."""

    def __init__(self, *steps: Callable[[Pilot[Any]], Any]) -> None:
        self.steps = steps
        self.shots: list[str] = []

    async def __call__(self, pilot: Pilot[Any]) -> None:
        for step in self.steps:
            await step(pilot)
        await pilot.pause()
        self.shots.append(pilot.app.export_screenshot())
        await pilot.pause(TICK)
        self.shots.append(pilot.app.export_screenshot())

    def check(self) -> None:
        assert len(self.shots) == 2, "the screenshots were not taken"
        assert self.shots[0] == self.shots[1], "the screen changed on its own: something is not frozen"
        for svg in self.shots:
            assert SECRET not in svg, "the client secret is on the screen"


def keys(*names: str) -> Callable[[Pilot[Any]], Any]:
    async def press(pilot: Pilot[Any]) -> None:
        await pilot.press(*names)

    return press


def snap(compare: Compare, app: App[Any], size: tuple[int, int], *steps: Callable[[Pilot[Any]], Any]) -> None:
    steady = Steady(*steps)
    matched = compare(app, terminal_size=size, run_before=steady)
    steady.check()
    assert matched


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_health_tab(snap_compare: Compare, frozen: None, tmp_path: Path, size: tuple[int, int]) -> None:
    snap(snap_compare, health_app(tmp_path), size, settled)


def test_keys_dialog(snap_compare: Compare, frozen: None, tmp_path: Path) -> None:
    snap(snap_compare, health_app(tmp_path), (80, 24), settled, keys("question_mark"))


def test_filtered_table(snap_compare: Compare, frozen: None, tmp_path: Path) -> None:
    """`/` then a pattern, Enter keeps it: one row of seven, and the line says so."""
    snap(snap_compare, health_app(tmp_path), (80, 24), settled, keys("slash", "f", "l", "o", "enter"))


def test_actions_tab(snap_compare: Compare, frozen_actions: None, tmp_path: Path) -> None:
    """Tab 2 at 80x24: the status line, the first eight columns (the rest scroll sideways), the
    used-by counts of the rows on screen, the footer with the tab's keys."""
    snap(snap_compare, health_app(tmp_path), (80, 24), actions_settled)


def test_flows_tab(snap_compare: Compare, frozen: None, tmp_path: Path) -> None:
    """Tab 3 at 80x24: flows by type, the first cycle opened in the tree (⟳ marks), the cycles pane."""
    snap(snap_compare, health_app(tmp_path), (80, 24), flows_settled)


def test_confirm_dialog(snap_compare: Compare) -> None:
    radius = BlastRadius(
        title="Set the timeout of data actions",
        noun="data actions",
        changes=[
            Change(f"Salesforce lookup account {i:02d}", "timeoutSeconds", 10, 10 if i % 4 == 0 else 30)
            for i in range(40)
        ],
        hidden=3,
        affected=["used by 3 published flows: Main IVR, Billing, VIP"],
    )
    snap(snap_compare, DialogHost(ConfirmScreen(radius)), (80, 24))
