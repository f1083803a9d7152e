"""`gctui health` against the repros of issues 8 and 9: blind probes, corrupt history, the
rate governor's delays, bad input, hostile server text, the rate-budget alert."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.cli.test_health_cli import config, org, run  # noqa: F401 - fixtures
from tests.services.test_health_support import FakeOrg

HOSTILE = "\x1b]0;x\x07\x1b[2J"
QUEUES = "/api/v2/routing/queues"


def _no_control(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text


def test_a_probe_that_could_not_run_is_not_healthy(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    calls = []

    def fail_the_lookup_once(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.params.get("pageSize") == "1" and len(calls) == 1:
            return httpx.Response(500, json={"code": "internal", "message": "boom", "status": 500})
        return httpx.Response(200, json={"entities": [{"id": "queue-1"}], "pageSize": 1})

    org.handlers[QUEUES] = fail_the_lookup_once
    assert run(config, "--json", "--no-history") == 1
    doc = json.loads(capsys.readouterr().out)
    analytics = next(p for p in doc["probes"] if p["name"] == "analytics")
    assert analytics["status"] == "unknown" and "no queue id" in analytics["lastError"]
    assert doc["status"] == "degraded"


def test_a_corrupt_history_file_warns_and_probes_anyway(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str], tmp_path: Path  # noqa: F811
) -> None:
    history = tmp_path / "health.sqlite3"
    history.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)  # truncated
    assert run(config, "--history", str(history)) == 0
    out, err = capsys.readouterr()
    assert "healthy" in out.splitlines()[0]
    assert err.startswith("gctui: warning: probe history disabled") and err.count("\n") == 1
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database" * 100)
    assert run(config, "--history", str(garbage), "--json") == 0
    assert json.loads(capsys.readouterr().out)["status"] == "healthy"


def test_an_empty_history_path_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    assert run(config, "--history", "") == 2
    err = capsys.readouterr().err
    assert err.startswith("gctui: --history needs a file name") and err.count("\n") == 1


@pytest.mark.parametrize("value", ["nan", "inf", "99999"])
def test_watch_outside_the_range_is_refused(
    config: Path, capsys: pytest.CaptureFixture[str], value: str  # noqa: F811
) -> None:
    assert run(config, "--watch", value) == 2
    assert "is out of range (5-3600 seconds)" in capsys.readouterr().err


def test_hostile_server_text_never_reaches_the_terminal(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    org.handlers["/api/v2/organizations/me"] = lambda r: httpx.Response(
        200, json={"id": "org-1", "name": f"Evil{HOSTILE}Org"}
    )
    org.handlers["/api/v2/flows"] = lambda r: httpx.Response(
        503,
        json={"message": f"down{HOSTILE}", "code": f"bad{HOSTILE}", "status": 503},
        headers={"ININ-Correlation-Id": f"corr{HOSTILE}"},
    )
    org.handlers["/api/v2/integrations/actions"] = lambda r: httpx.Response(
        418, headers={"ININ-Correlation-Id": f"c{HOSTILE}"}
    )
    assert run(config, "--no-history") == 1
    out, err = capsys.readouterr()
    _no_control(out + err)
    assert "Evil\\x1b]0;x\\x07\\x1b[2JOrg" in out  # shown escaped, not obeyed
    (flows,) = [line for line in out.splitlines() if line.startswith("flows ")]
    assert "503 bad\\x1b" in flows
    assert run(config, "--no-history", "--json") == 1
    out = capsys.readouterr().out
    _no_control(json.loads(out)["probes"][4]["lastError"] + json.loads(out)["org"])


def test_rate_budget_past_its_alert_share_exits_1(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    org.router.get(
        "https://api.mypurecloud.ie/api/v2/organizations/limits/namespaces/platform.api"
    ).mock(
        return_value=httpx.Response(
            200, json={"entities": [{"key": "client.credentials.token.rate.per.minute", "value": 10}]}
        )
    )
    assert run(config, "--no-history", "--json") == 1  # every request of the 10 allowed: > 80%
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert {p["status"] for p in doc["probes"]} == {"healthy"}
    assert doc["rateLimit"]["alert"] is True and doc["rateLimit"]["usedShare"] >= 0.8
    assert "rate budget 100% used (10 of 10), past the 80% alert share" in err
    # The [health] alert_webhook was told.
    hooks = [json.loads(c.request.content) for c in org.router.calls if "hooks.example" in str(c.request.url)]
    assert any(h.get("alert") == "rate_budget" and h["firing"] for h in hooks)


def test_a_run_delayed_by_the_rate_budget_is_said_on_stderr_and_in_json(
    config: Path, org: FakeOrg, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from gctui.services.health import runner

    real_run = runner.ProbeRunner.run

    async def queued_run(self: runner.ProbeRunner, spec: object) -> runner.ProbeResult:
        import dataclasses

        result = await real_run(self, spec)  # type: ignore[arg-type]
        return dataclasses.replace(result, queued_s=38.0)  # as if each waited 38 s for the budget

    monkeypatch.setattr(runner.ProbeRunner, "run", queued_run)
    assert run(config, "--watch", "5", "--count", "1", "--json", "--no-history") == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["rateLimit"]["state"] == "pacing" and doc["rateLimit"]["delayedSeconds"] == 38
    assert "the rate budget delayed this run by 38 s" in err
