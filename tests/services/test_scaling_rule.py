"""The threshold matrix (refusals with clear messages) and the seed's scaling rule."""

from __future__ import annotations

import pytest

from gctui.config import CliOverrides, load_settings
from gctui.config.errors import ConfigError
from gctui.config.scaling import ScalingConfig
from gctui.services.scaling import (
    Forecast,
    Kind,
    NodeGroup,
    ThresholdError,
    ThresholdMatrix,
    recommend,
    step_for,
)

M = ThresholdMatrix()


def test_seed_defaults() -> None:
    assert (M.cpu_warning, M.cpu_critical, M.memory_warning, M.memory_critical) == (0.75, 0.90, 0.80, 0.95)
    assert M.max_nodes == 50 and M.step == 0.25 and M.sessions_per_node == 1.2 and M.cooldown_seconds == 600


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cpu_warning": 0.95}, "cpu_warning (0.95) is above cpu_critical (0.9)"),
        (
            {"memory_warning": 0.9, "memory_critical": 0.85},
            "memory_warning (0.9) is above memory_critical (0.85)",
        ),
        ({"cpu_critical": 1.2}, "cpu_critical 1.2 is out of range (0-1)"),
        ({"memory_warning": -0.1}, "memory_warning -0.1 is out of range (0-1)"),
        ({"max_nodes": 0}, "max_nodes 0 is out of range (1-10000)"),
        ({"cpu_warning": "high"}, "cpu_warning: input should be a valid number"),
        ({"cpu_warn": 0.5}, "cpu_warn: extra inputs are not permitted"),
    ],
)
def test_bad_matrices_are_refused_with_the_value_named(values: dict[str, object], message: str) -> None:
    with pytest.raises(ThresholdError) as exc:
        ThresholdMatrix.parse(values)
    assert str(exc.value).startswith(message)


def test_max_nodes_below_the_current_count_is_refused() -> None:
    matrix = ThresholdMatrix(max_nodes=3)
    with pytest.raises(ThresholdError, match=r"max_nodes \(3\) is below the 4 nodes node group 'Paris'"):
        recommend(group(4), [hot(0.99)], matrix)


def test_the_config_file_refuses_the_same(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "c.toml"  # type: ignore[operator]
    path.write_text("[scaling.thresholds]\ncpu_warning = 0.95\ncpu_critical = 0.9\n")
    with pytest.raises(ConfigError) as exc:
        load_settings(CliOverrides(config_path=path), {})
    assert "cpu_warning (0.95) is above cpu_critical (0.9)" in str(exc.value)
    path.write_text('[scaling]\nwebhook_url = "ftp://secret-token@hooks.example/x"\n')
    with pytest.raises(ConfigError) as exc:
        load_settings(CliOverrides(config_path=path), {})
    assert "secret-token" not in str(exc.value) and "webhook_url" in str(exc.value)
    path.write_text("[scaling.webhook_headers]\nX-Secret = 42\n")
    with pytest.raises(ConfigError) as exc:
        load_settings(CliOverrides(config_path=path), {})
    said = str(exc.value).replace(str(path), "FILE")  # the tmp path may hold "42" (pytest-420)
    assert "42" not in said and "X-Secret" in said


def test_config_channels_and_template() -> None:
    cfg = ScalingConfig(trunk_channels=30, trunk_channels_by_trunk={"t-1": 23, "Big trunk": 240})
    assert cfg.channels_for("t-1") == 23 and cfg.channels_for("t-9", "Big trunk") == 240
    assert cfg.channels_for("t-9", "other") == 30
    with pytest.raises(ValueError, match=r"unknown placeholder \$\{bogus\}"):
        ScalingConfig(payload_template='{"x": "${bogus}"}')
    with pytest.raises(ValueError, match="not valid JSON"):
        ScalingConfig(payload_template="{x")


# ------------------------------------------------------------------------------------------- rule
def group(nodes: int, sessions: int = 0, gid: str = "g1") -> NodeGroup:
    return NodeGroup(gid, "Paris", tuple(f"e{i}" for i in range(nodes)), sessions)


def hot(
    current: float,
    *,
    kind: Kind = Kind.CPU,
    to_critical: float | None = None,
    name: str = "e0",
    gid: str = "g1",
) -> Forecast:
    critical = 0.9 if kind is Kind.CPU else 0.95
    at_now = 0.0 if current >= critical else to_critical
    return Forecast(
        f"edge:{name}:{kind}", kind, name, gid, "Paris", current, current, 0.75, critical, "holt", 10, 300,
        0.1, "trend", 3600, None, at_now,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("nodes", "step"), [(1, 1), (3, 1), (4, 1), (7, 1), (8, 2), (10, 2), (12, 3), (40, 10)]
)
def test_step_is_max_1_floor_a_quarter(nodes: int, step: int) -> None:
    assert step_for(nodes, M) == step


def test_critical_now_scales_up_by_a_quarter() -> None:
    rec = recommend(group(8), [hot(0.93)], M)
    assert (rec.current_nodes, rec.requested_nodes) == (8, 10) and rec.scale_up
    assert rec.reasons[0] == "e0 cpu 93% is at or above critical 90%"
    assert rec.reasons[-1] == "+2: max(1, 0.25 x 8 nodes)"
    assert rec.trigger is not None and rec.trigger.current == 0.93


def test_a_forecast_crossing_triggers_with_the_soonest_as_trigger() -> None:
    later = hot(0.6, to_critical=1800, name="e1")
    sooner = hot(0.7, kind=Kind.MEMORY, to_critical=600, name="e2")
    rec = recommend(group(2), [later, sooner], M)
    assert rec.requested_nodes == 3
    assert rec.trigger is sooner
    assert rec.reasons[0].startswith("e2 memory forecast to reach critical 95% in 10m (")
    assert rec.reasons[1].startswith("e1 cpu forecast to reach critical 90% in 30m (")


def test_sessions_rule() -> None:
    assert recommend(group(2, sessions=3), [], M).requested_nodes == 3  # 3 >= 1.2 x 2
    quiet = recommend(group(2, sessions=2), [hot(0.5)], M)  # 2 < 2.4, nothing hot
    assert quiet.requested_nodes == 2 and not quiet.scale_up
    assert quiet.reasons == ("no change: every node below critical, no crossing forecast",)


def test_capped_at_max_nodes_never_fewer_than_now() -> None:
    capped = recommend(group(48), [hot(0.99)], M)
    assert capped.requested_nodes == 50 and capped.reasons[-1] == "+12 capped at max_nodes 50"
    at_cap = recommend(group(50), [hot(0.99)], M)
    assert at_cap.requested_nodes == 50 and not at_cap.scale_up
    assert at_cap.reasons[-1] == "capped: already at max_nodes 50; no change requested"


def test_other_groups_and_trunks_are_ignored() -> None:
    other = hot(0.99, gid="g2")
    trunk = Forecast("trunk:t", Kind.TRUNK, "t", "g1", "Paris", 2.0, 2.0, 0.75, 0.9, "holt", 5, 300, 0, "flat",
                     3600, 0.0, 0.0)  # fmt: skip
    rec = recommend(group(2), [other, trunk], M)
    assert not rec.scale_up


def test_the_example_config_documents_every_scaling_key_with_its_true_default() -> None:
    import re
    import tomllib
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text(encoding="utf-8")
    section = text[text.index("\n[scaling]\n") :]
    for model in (ScalingConfig, ThresholdMatrix):
        for key in model.model_fields:
            assert re.search(rf"^({key}\s*=|\[scaling\.{key}\])", section, re.MULTILINE), (
                f"{key} undocumented"
            )
    doc = tomllib.loads(section)["scaling"]
    assert ScalingConfig.model_validate(doc) == ScalingConfig()  # every value shown is the default
