"""The Health tab as a user drives it: keys in, what the screen shows out."""

from __future__ import annotations

from pathlib import Path

from gctui.sim.server import SimServer
from gctui.tui.widgets.header import StatusHeader
from gctui.tui.widgets.help import HelpScreen
from tests.tui.conftest import cells, make_app, wait_for

PROBES = {"org", "token", "queues", "trunks", "flows", "actions", "analytics"}


def _probe_names(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(k.value) for k in app.query_one("#probes").rows}


def _all_healthy(app) -> bool:  # type: ignore[no-untyped-def]
    try:
        return all(cells(app, p)[1] == "healthy" for p in PROBES)
    except Exception:
        return False


async def test_matrix_fills_in_and_header_shows_org(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        assert _probe_names(app) == PROBES
        header = app.query_one(StatusHeader).state
        await wait_for(pilot, lambda: app.query_one(StatusHeader).state.org == "Simulated Contact Center")
        header = app.query_one(StatusHeader).state
        assert header.read_only is False and header.token.startswith("token ")
        assert header.budget.startswith("rate ") and "/300" not in header.budget  # the sim's limit is read
        row = cells(app, "org")
        assert row[6] == "200" and row[7] == "0" and row[2].isdigit()


async def test_probe_turns_critical_on_faults_and_recovers(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        sim.control.script_fault("GET", "/api/v2/flows", status=503, count=3)
        for _ in range(3):
            await pilot.press("space")
            await wait_for(pilot, lambda: not app.query_one("#health-tab").monitor.running)
            await pilot.pause(0.05)
        row = cells(app, "flows")
        assert row[1] == "critical" and row[6] == "503"
        assert "503" in row[8] and "service.unavailable" in row[8]
        assert cells(app, "org")[1] == "healthy"  # the other probes are unaffected
        assert any("flows" in n.message and "critical" in n.message for n in app._notifications)
        await pilot.press("space")
        await wait_for(pilot, lambda: cells(app, "flows")[1] == "healthy")


async def test_token_expiry_mid_session_is_invisible_except_in_the_token_panel(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        before = sim.control.stats()["tokensIssued"]
        sim.control.expire_tokens()
        await pilot.press("space")
        await wait_for(pilot, lambda: sim.control.stats()["tokensIssued"] == before + 1)
        await wait_for(pilot, lambda: not app.query_one("#health-tab").monitor.running)
        assert _all_healthy(app)
        assert all(cells(app, p)[7] == "0" for p in PROBES)  # no probe saw an error
        await pilot.pause(1.1)
        panel = str(app.query_one("#token-panel").render())
        assert "refreshes 2" in panel


async def test_help_lists_the_keys_of_the_screen(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path, keymap={"health.pause": "P"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        ids = {r[2]: r[0] for r in rows}
        assert {"app.quit", "app.filter", "app.export_csv", "health.run", "health.retime"} <= set(ids)
        assert ids["health.pause"] == "P"  # the rebind shows up
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_slash_filters_and_escape_clears(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        await pilot.press("slash", "f", "l", "o")
        await pilot.pause()
        assert _probe_names(app) == {"flows"}
        await pilot.press("enter")  # keep the filter
        await pilot.press("e")  # export what is shown
        await pilot.pause()
        exported = list((tmp_path / "exports").glob("gctui-health-*.csv"))
        assert len(exported) == 1
        lines = exported[0].read_text().splitlines()
        assert lines[0].startswith("name,method,path,status,statusCode,latencyMs") and len(lines) == 2
        assert lines[1].startswith("flows,GET,/api/v2/flows?pageSize=1,healthy,200,")
        await pilot.press("E")
        await pilot.pause()
        import json

        (doc_path,) = (tmp_path / "exports").glob("gctui-health-*.json")
        (doc,) = json.loads(doc_path.read_text())
        assert doc["name"] == "flows" and isinstance(doc["latencyMs"], (int, float))
        assert doc["checkedAt"].endswith("Z") or "+00:00" in doc["checkedAt"]
        await pilot.press("slash", "exclamation_mark", "o", "r", "g", "enter")
        await pilot.pause()
        assert "org" not in _probe_names(app) and len(_probe_names(app)) == 6
        await pilot.press("escape")
        await pilot.pause()
        assert _probe_names(app) == PROBES


async def test_pause_stops_polling_and_commands_work(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        tab = app.query_one("#health-tab")
        await pilot.press("p")
        assert tab.poller.paused
        await pilot.press("colon", *"interval 2", "enter")
        await pilot.pause()
        assert tab.poller.interval == 30  # below the 5 s floor: refused, unchanged
        assert any("out of range (5-3600 seconds); unchanged" in n.message for n in app._notifications)
        await pilot.press("colon", *"interval 7", "enter")
        await pilot.pause()
        assert tab.poller.interval == 7
        await pilot.press("colon", *"bogus", "enter")
        await pilot.pause()
        assert any("unknown command 'bogus'" in n.message for n in app._notifications)
        runs = tab.monitor.runs
        await pilot.pause(0.3)
        assert tab.monitor.runs == runs  # paused: nothing sent


async def test_read_only_shows_ro(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))  # analytics probe still works read-only
        assert app.query_one(StatusHeader).state.read_only is True
        assert app.session is not None and app.session.client.read_only


async def test_bad_credentials_show_a_message_and_the_app_keeps_running(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path, secret="wrong-secret", breaker_cooldown=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.query_one("#connection")
        await wait_for(pilot, lambda: "invalid_client" in str(banner.render()))
        assert app.query_one(StatusHeader).state.problem in ("login failed", "login blocked")
        assert "check the client id and secret" in str(banner.render())
        await wait_for(pilot, lambda: app.query_one("#health-tab").monitor.runs >= 1)
        await pilot.pause(0.1)
        row = cells(app, "org")
        assert row[1] in ("degraded", "critical") and "invalid_client" in row[8]
        assert "wrong-secret" not in str(banner.render())
        await pilot.press("question_mark")  # still responsive
        assert isinstance(app.screen, HelpScreen)


async def test_polling_waits_while_a_dialog_is_open(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        tab = app.query_one("#health-tab")
        await pilot.press("question_mark")  # a dialog is open...
        tab.poller._due = 0.0  # ...when a run falls due
        tab.poller.wake()
        runs = tab.monitor.runs
        await pilot.pause(0.6)
        assert tab.monitor.runs == runs and tab.poller.blocked_skips >= 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: tab.monitor.runs > runs)


async def test_palette_lists_registry_actions(sim: SimServer, tmp_path: Path) -> None:
    from textual.command import CommandPalette

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"pause")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.query_one("#health-tab").poller.paused


async def test_a_dropped_link_is_said_plainly_and_recovers(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        sim.control.script_fault("*", "/api/v2/*", status="drop", count=1000)
        await pilot.press("space")
        banner = app.query_one("#connection")
        await wait_for(pilot, lambda: "Link down" in str(banner.render()))
        assert "connection dropped" in str(banner.render())
        assert app.query_one(StatusHeader).state.problem == "offline"
        sim.control.clear_faults()
        await wait_for(pilot, lambda: not app.query_one("#health-tab").monitor.running)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.query_one(StatusHeader).state.problem is None)
        await wait_for(pilot, lambda: not app.query_one("#connection").has_class("shown"))


async def test_alert_toast_keeps_bracketed_correlation_ids(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: _all_healthy(app))
        sim.control.script_fault("GET", "/api/v2/flows", status=502, count=1)
        await pilot.press("space")
        await wait_for(pilot, lambda: any("Probe alert" == n.title for n in app._notifications))
        toast = next(n for n in app._notifications if n.title == "Probe alert")
        corr = app.query_one("#health-tab").monitor.rows()[4].correlation_id
        assert "degraded: flows (502 bad.gateway [" in toast.message and corr[:8] in toast.message
        assert toast.markup is False
