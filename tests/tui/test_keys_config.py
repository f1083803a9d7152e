"""[keys] rebinds are checked against the action registry, everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gctui.cli.main import main
from gctui.tui import actions

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_every_action_id_in_the_example_exists_even_commented_ones() -> None:
    keys_section = EXAMPLE.read_text().split("[keys]", 1)[1]
    ids = re.findall(r'^#?\s*"([a-z_]+(?:\.[a-z_]+)+)"\s*=', keys_section, flags=re.M)
    assert ids, "the example should show how to rebind"
    assert actions.unknown_ids(dict.fromkeys(ids, "x")) == []


def test_config_check_refuses_an_unknown_action_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[keys]\n"health.refresh" = "f5"\n')
    assert main(["--config", str(cfg), "--demo", "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "unknown action id health.refresh" in err and "health.run" in err


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ('"health.run" = "q"', "'q' is bound to both app.quit and health.run"),
        ('"health.run" = "notakey!!"', "is not a key name"),
        ('"health.pause" = "ctrl+bogus+p"', "is not a key name"),
    ],
)
def test_keys_that_cannot_work_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: str, message: str
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[keys]\n{keys}\n")
    assert main(["--config", str(cfg), "--demo", "config", "check"]) == 2
    assert message in capsys.readouterr().err


def test_good_rebinds_pass() -> None:
    actions.check_keymap({"health.run": "space,f5", "health.pause": "ctrl+r", "app.quit_ctrl_c": "ctrl+q"})
