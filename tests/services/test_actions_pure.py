"""The pure parts of the actions service: validation, risk and suggestion, URL hosts, rows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from gctui.config.models import ActionsConfig, Settings
from gctui.genesys.models import Action
from gctui.services.actions import (
    ExecStats,
    TimeoutValueError,
    assess,
    build_row,
    host_of,
    parse_timeout,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 60 ", 60), (5, 5), ("+7", 7)])
def test_timeout_accepts_whole_seconds_in_range(value: object, expected: int) -> None:
    assert parse_timeout(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "timeout 0 is out of range (1-60 seconds)"),
        ("61", "timeout 61 is out of range (1-60 seconds)"),
        (61, "timeout 61 is out of range (1-60 seconds)"),
        ("-3", "timeout -3 is out of range (1-60 seconds)"),
        ("abc", "timeout 'abc' is not a whole number of seconds (1-60 seconds)"),
        ("2.5", "timeout '2.5' is not a whole number of seconds (1-60 seconds)"),
        ("", "timeout is empty; expected whole seconds (1-60 seconds)"),
        ("   ", "timeout is empty; expected whole seconds (1-60 seconds)"),
        (None, "timeout is empty; expected whole seconds (1-60 seconds)"),
        (True, "timeout True is not a whole number of seconds (1-60 seconds)"),
        ("٣", "timeout '٣' is not a whole number of seconds (1-60 seconds)"),
        ("--5", "timeout '--5' is not a whole number of seconds (1-60 seconds)"),
        ("+-5", "timeout '+-5' is not a whole number of seconds (1-60 seconds)"),
        ("9" * 5000, f"timeout {'9' * 20}… is out of range (1-60 seconds)"),
    ],
)
def test_timeout_refusals_say_the_allowed_range(value: object, message: str) -> None:
    with pytest.raises(TimeoutValueError) as info:
        parse_timeout(value)
    assert info.value.message == message
    assert info.value.code == 2


def judge(timeout: int, executions: int | None, p99: int | None, timeouts: int = 0):  # type: ignore[no-untyped-def]
    return assess(timeout, executions, p99, timeouts, factor=1.5, min_executions=20, risk_share=0.8)


def test_suggestion_is_ceil_p99_times_factor_with_its_reason() -> None:
    a = judge(3, 500, 2730)
    assert a.suggested == 5  # ceil(2730 * 1.5 / 1000) = ceil(4.095)
    assert a.suggestion_reason.startswith("p99 2,730 ms x 1.5 = 4.1 s → 5 s")
    assert a.risk and a.risk_reason == "p99 2,730 ms is 91% of the 3 s timeout"


def test_suggestion_clamps_to_the_api_range() -> None:
    slow = judge(30, 500, 50_000)
    assert slow.suggested == 60 and "capped at the 60 s maximum" in slow.suggestion_reason
    fast = judge(10, 500, 12)
    assert fast.suggested == 1 and "lower than the current 10 s" in fast.suggestion_reason
    exact = judge(3, 500, 2000)
    assert exact.suggested == 3 and "already matches" in exact.suggestion_reason


def test_an_action_with_timeouts_is_never_suggested_a_lower_timeout() -> None:
    a = judge(8, 500, 3014, timeouts=40)
    assert a.suggested == 8 and "kept at the current 8 s, not lowered: 40 timed out" in a.suggestion_reason
    above = judge(3, 500, 9_000, timeouts=40)  # the p99 says more than the timeout: raise it
    assert above.suggested == 14 and above.suggestion_reason.startswith("p99 9,000 ms x 1.5")
    # Applying the suggestion does not make the next one grow while the window still holds the
    # old timeouts: p99 x factor stays the answer.
    again = judge(14, 500, 9_000, timeouts=40)
    assert again.suggested == 14 and "already matches" in again.suggestion_reason


def test_too_few_executions_give_no_suggestion_and_say_so() -> None:
    a = judge(3, 19, 2900)
    assert a.suggested is None
    assert a.suggestion_reason == "no suggestion: 19 executions in the window, 20 needed"
    assert not a.risk  # p99 of 19 executions is noise
    none = judge(3, None, None)
    assert none.suggested is None and "0 executions" in none.suggestion_reason


def test_timeout_failures_are_a_risk_even_with_few_executions() -> None:
    a = judge(3, 5, 900, timeouts=1)
    assert a.risk and a.risk_reason == "1 execution timed out"
    many = judge(3, 500, 3000, timeouts=12)
    assert many.risk_reason == "12 executions timed out"
    assert "timed-out executions hide the true tail" in many.suggestion_reason


def test_risk_threshold_is_the_configured_share() -> None:
    assert not judge(5, 100, 3999).risk  # 79.98 % of 5 s
    assert judge(5, 100, 4000).risk  # 80 %
    safe = judge(5, 100, 1000)
    assert safe.risk_reason == "p99 1,000 ms leaves 4,000 ms headroom"


@pytest.mark.parametrize(
    ("template", "host"),
    [
        ("https://crm.example.com/x", "crm.example.com"),
        ("HTTPS://CRM.Example.com/x", "crm.example.com"),
        ("https://${input.host}/x", "${input.host}"),
        ("https://${input.host}", "${input.host}"),
        ("$!{input.base}/orders", "$!{input.base}"),
        ("https://${esc.url(${input.x})}.example.com/a/b", "${esc.url(${input.x})}.example.com"),
        ("https://api.example.com:8443/${input.path}", "api.example.com"),
        ("https://api.example.com:${input.port}/x", "api.example.com"),
        ("https://user:pw@h.example.com/a", "h.example.com"),
        ("https://h.example.com?x=${input.a/b}", "h.example.com"),
        ("https://h.example.com/${input.id}?q=1", "h.example.com"),
        ("http://[::1]:80/x", "[::1]"),
        ("crm.example.com/path", "crm.example.com"),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_host_is_parsed_from_the_url_template(template: str | None, host: str | None) -> None:
    assert host_of(template) == host


def action(**config: object) -> Action:
    return Action.model_validate(
        {
            "id": "a1",
            "name": "Order \x1b[31mlookup",
            "category": "Salesforce",
            "integrationId": "i1",
            "version": 4,
            "secure": False,
            "config": {"request": {"requestUrlTemplate": "https://CRM.example.com/o", "requestType": "post"}}
            | config,
        }
    )


def test_row_uses_the_configured_platform_default_and_flags_it() -> None:
    settings = ActionsConfig(platform_default_timeout=7)
    row = build_row(action(), ExecStats(executions=100, p95_ms=1000, p99_ms=2000), settings)
    assert row.configured_timeout is None and row.effective_timeout == 7 and row.timeout_is_default
    assert row.timeout_label == "7 s (default)"
    assert row.headroom_ms == 5000 and row.method == "POST" and row.host == "crm.example.com"
    assert row.name == "Order \\x1b[31mlookup"  # server text never reaches the terminal raw


def test_row_with_configured_timeout_and_no_statistics() -> None:
    row = build_row(action(timeoutSeconds=3), None, ActionsConfig())
    assert (row.effective_timeout, row.timeout_is_default, row.timeout_label) == (3, False, "3 s")
    assert row.executions is None and row.headroom_ms is None and row.suggested_timeout is None
    assert not row.suggestion_changes


def test_actions_config_defaults_and_example_agree() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    section = tomllib.loads(text)["actions"]
    assert set(section) == set(ActionsConfig.model_fields)
    for key, value in section.items():
        assert ActionsConfig.model_fields[key].default == value, key
    assert re.search(r"UNVERIFIED", text)
    assert Settings().actions == ActionsConfig()


@pytest.mark.parametrize(
    "bad", [{"platform_default_timeout": 0}, {"platform_default_timeout": 61}, {"suggestion_factor": 0.5}]
)
def test_actions_config_refuses_values_out_of_range(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ActionsConfig(**bad)  # type: ignore[arg-type]
