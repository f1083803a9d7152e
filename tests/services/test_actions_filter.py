"""The ``:filter`` / ``--filter`` expression language."""

from __future__ import annotations

import dataclasses
import random

import pytest

from gctui.config.models import ActionsConfig
from gctui.genesys.models import Action
from gctui.services.actions import ActionRow, ExecStats, FilterError, build_row, compile_filter


def make_row(
    name: str, *, timeout: int | None, p99: int | None, secure: bool = False, timeouts: int = 0, **kw: str
) -> ActionRow:
    config: dict[str, object] = {
        "request": {"requestUrlTemplate": kw.get("url", "https://crm.example.com/x"), "requestType": "GET"}
    }
    if timeout is not None:
        config["timeoutSeconds"] = timeout
    act = Action.model_validate(
        {"id": name, "name": name, "category": kw.get("category", "Salesforce"), "integrationId": "i",
         "version": 1, "secure": secure, "config": config}
    )  # fmt: skip
    stats = None if p99 is None else ExecStats(500, p99 // 2, p99, errors=timeouts, timeouts=timeouts)
    return build_row(act, stats, ActionsConfig(platform_default_timeout=10))


ROWS = [
    make_row("Order lookup", timeout=3, p99=2700),
    make_row("Order create", timeout=3, p99=900, secure=True),
    make_row("Ticket sync", timeout=None, p99=4000, category="Zendesk", url="https://${input.host}/t"),
    make_row("Slow report", timeout=30, p99=29000, timeouts=4, category="Reporting", url="https://bi.corp/x"),
    make_row("Quiet", timeout=5, p99=None, category="Zendesk"),
]


def names(expr: str) -> list[str]:
    keep = compile_filter(expr)
    return [r.name for r in ROWS if keep(r)]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("timeout<=3 and p99>2500", ["Order lookup"]),
        ("risk", ["Order lookup", "Slow report"]),
        ("host~crm", ["Order lookup", "Order create", "Quiet"]),
        ("not secure", ["Order lookup", "Ticket sync", "Slow report", "Quiet"]),
        ("category=salesforce", ["Order lookup", "Order create"]),
        ('name~"order lookup"', ["Order lookup"]),
        ("name~'ORDER'", ["Order lookup", "Order create"]),
        ("(risk or secure) and timeout<10", ["Order lookup", "Order create"]),
        ("risk or secure and timeout>=30", ["Order lookup", "Slow report"]),  # and binds tighter
        ("not (risk or secure)", ["Ticket sync", "Quiet"]),
        ("default", ["Ticket sync"]),
        ("timeout=10", ["Ticket sync"]),  # the effective timeout: the platform default
        ("configured=10", []),
        ("p99>2.5s", ["Order lookup", "Ticket sync", "Slow report"]),
        ("timeout<=3000ms", ["Order lookup", "Order create"]),
        ("p99>0", ["Order lookup", "Order create", "Ticket sync", "Slow report"]),  # missing: no match
        ("not p99>0", ["Quiet"]),
        ("host~'${input'", ["Ticket sync"]),
        ("host!~crm and category!=zendesk", ["Slow report"]),
        ("timeouts>0", ["Slow report"]),
        ("secure=false and risk=true", ["Order lookup", "Slow report"]),
        ("RISK AND NOT SECURE", ["Order lookup", "Slow report"]),
        ("headroom<1000", ["Order lookup"]),
        ("headroom<=1s", ["Order lookup", "Slow report"]),
        ("", [r.name for r in ROWS]),
    ],
)
def test_expressions_select_the_rows_a_user_expects(expr: str, expected: list[str]) -> None:
    assert names(expr) == expected


@pytest.mark.parametrize(
    ("expr", "position", "fragment"),
    [
        ("timeout<=", 10, "expected a value after '<='"),
        ("hots~crm", 1, "unknown field 'hots'; did you mean 'host'?"),
        ("p99", 1, "p99: number (milliseconds) needs a comparison, e.g. p99>2500"),
        ('name~"abc', 6, "unterminated quoted string"),
        ("risk and", 9, "expected a field name"),
        ("(risk", 6, "expected ')' to close the '(' opened at position 1"),
        ("risk)", 5, "unexpected ')' without '('"),
        ("risk secure", 6, "unexpected 'secure'; join conditions with 'and' or 'or'"),
        ("timeout~3", 8, "compares with =, !=, <, <=, > or >="),
        ("host>3", 5, "host is text"),
        ("p99>abc", 5, "p99 expects a number (a unit of s or ms may follow), got 'abc'"),
        ("executions>5ms", 12, "executions expects a number, got '5ms'"),
        ("secure=maybe", 7, "secure is true/false"),
        ("!risk", 1, "unexpected '!'"),
        ("__import__('os')", 1, "unknown field '__import__'"),
    ],
)
def test_bad_expressions_say_what_and_where(expr: str, position: int, fragment: str) -> None:
    with pytest.raises(FilterError) as info:
        compile_filter(expr)
    err = info.value
    assert err.message.startswith(f"filter error at position {position}: ")
    assert fragment in err.message
    assert err.code == 2
    assert err.caret.splitlines()[1] == " " * (position - 1) + "^"


def test_random_input_either_compiles_or_raises_filter_error() -> None:
    """A fuzz in place of hypothesis (not installed): the parser never fails any other way, and a
    compiled filter never raises on a row."""
    rng = random.Random(1234)
    alphabet = [*list("()<>=!~\"' \t"), "and", "or", "not", "risk", "p99", "host", "3", "2.5s", "crm", "x"]
    compiled = 0
    for _ in range(3000):
        expr = "".join(rng.choice(alphabet) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8)))
        try:
            keep = compile_filter(expr)
        except FilterError as exc:
            assert 0 <= exc.position <= len(expr)
            continue
        compiled += 1
        for row in ROWS:
            assert keep(row) in (True, False)
    assert compiled > 50  # the fuzz reached valid expressions too


def test_rows_are_frozen_so_a_filter_cannot_change_them() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ROWS[0].risk = False  # type: ignore[misc]
