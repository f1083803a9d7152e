"""`gctui sim` refuses bad knobs with one line on stderr and exit 2, before anything starts."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from gctui.cli.main import main
from gctui.sim import SimConfig, SimConfigError
from gctui.sim.config import MAX_ENTITIES, MAX_LATENCY_MS
from gctui.sim.server import SimServer

BAD_FLAGS = [
    (["--rate-window", "nan"], "--rate-window nan must be a finite number of seconds > 0"),
    (["--rate-window", "inf"], "--rate-window inf must be a finite number of seconds > 0"),
    (["--rate-window", "0"], "--rate-window 0 must be a finite number of seconds > 0"),
    (["--rate-window", "-2.5"], "--rate-window -2.5 must be a finite number of seconds > 0"),
    (["--latency-ms", "99999999999"], f"--latency-ms 99999999999 is out of range (0-{MAX_LATENCY_MS} ms)"),
    (["--latency-ms", "-1"], f"--latency-ms -1 is out of range (0-{MAX_LATENCY_MS} ms)"),
    (["--fault-rate", "1.5"], "--fault-rate 1.5 is out of range (a number from 0 to 1)"),
    (["--fault-rate", "-0.1"], "--fault-rate -0.1 is out of range (a number from 0 to 1)"),
    (["--fault-rate", "nan"], "--fault-rate nan is out of range (a number from 0 to 1)"),
    (["--actions", "-1"], f"--actions -1 is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--flows", "-5"], f"--flows -5 is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--queues", "-1"], f"--queues -1 is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--edges", "-1"], f"--edges -1 is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--actions", "100000000"], f"--actions 100000000 is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--queues", str(MAX_ENTITIES + 1)], f"is out of range (0-{MAX_ENTITIES} per collection)"),
    (["--token-ttl", "0"], "--token-ttl 0 must be at least 1 second"),
    (["--token-ttl", "-60"], "--token-ttl -60 must be at least 1 second"),
    (["--port", "65536"], "--port 65536 is out of range (0-65535; 0 picks a free port)"),
    (["--port", "-1"], "--port -1 is out of range (0-65535; 0 picks a free port)"),
    (["--rate-limit", "0"], "--rate-limit 0 must be at least 1"),
    (["--token-rate-limit", "-1"], "--token-rate-limit -1 must be at least 1"),
    (["--client-secret", ""], "--client-secret '' must be a non-empty string"),
    (["--client-id", "a:b"], "--client-id 'a:b' must not contain ':'"),
]


@pytest.fixture
def no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    async def started(self: SimServer) -> None:
        raise AssertionError("the simulator was started")

    monkeypatch.setattr(SimServer, "start", started)


@pytest.mark.parametrize(("flags", "message"), BAD_FLAGS, ids=[" ".join(f) for f, _ in BAD_FLAGS])
def test_bad_flag_is_one_line_and_exit_2(
    flags: list[str], message: str, no_start: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sim", *flags]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("gctui: ") and message in err


def test_bad_flag_in_a_real_process_starts_nothing() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gctui", "sim", "--port", "0", "--latency-ms", "99999999999"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"gctui: --latency-ms 99999999999 is out of range (0-{MAX_LATENCY_MS} ms)\n"


def test_maxima_are_documented_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["sim", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"0-{MAX_ENTITIES}" in text and f"at most {MAX_ENTITIES}" in text
    assert f"0-{MAX_LATENCY_MS}" in text and "0-65535" in text


@pytest.mark.parametrize(
    ("knobs", "field"),
    [
        ({"rate_window": math.nan}, "rate_window"),
        ({"rate_window": math.inf}, "rate_window"),
        ({"latency_ms": 10**11}, "latency_ms"),
        ({"actions": MAX_ENTITIES + 1}, "actions"),
        ({"fault_rate": math.nan}, "fault_rate"),
        ({"token_ttl": 0}, "token_ttl"),
        ({"port": 65536}, "port"),
        ({"actions": "10"}, "actions"),
        ({"fault_rate": True}, "fault_rate"),
    ],
)
async def test_library_users_get_the_same_validation(knobs: dict[str, object], field: str) -> None:
    config = SimConfig(**knobs)  # type: ignore[arg-type]
    with pytest.raises(SimConfigError) as exc:
        config.validate()
    assert exc.value.field == field and str(exc.value).startswith(f"{field} ")
    sim = SimServer(config)
    with pytest.raises(SimConfigError):
        await sim.start()
    assert sim.base_url == ""


def test_maxima_themselves_are_accepted() -> None:
    SimConfig(latency_ms=MAX_LATENCY_MS, port=65535, rate_window=0.001, fault_rate=1.0).validate()
    SimConfig(actions=MAX_ENTITIES, flows=MAX_ENTITIES, queues=MAX_ENTITIES, edges=MAX_ENTITIES).validate()
