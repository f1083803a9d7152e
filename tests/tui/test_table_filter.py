"""The filter's fast paths (row text, substring, joined regex) agree with the per-cell rule."""

from __future__ import annotations

import random

import pytest

from gctui.tui.filtering import cell_safe, parse_filter, row_text

WORDS = ["Zendesk", "web", "ok", "a b", "-", "", "1,234", "12 ms", "Müller", "x\ny", "ab", "b a"]
PATTERNS = [
    "zen",
    "ZEN",
    "^ok$",
    "^web",
    "ms$",
    r"\d+ ms",
    "a b",
    r"a\sb",
    "[^x]b",
    "b$|^a",
    r"\bab\b",
    "!ok",
    "!^$",
    "(",
    "m.ller",
    r"\Aweb",
    "(?=ok)o",
    r"\w+ \w+",
    r"\Db",
    "x.y",
    "",
    "!",
    ".*",
]


def random_rows(n: int) -> list[list[str]]:
    rnd = random.Random(7)
    return [[rnd.choice(WORDS) for _ in range(4)] for _ in range(n)]


@pytest.mark.parametrize("expr", PATTERNS)
def test_mask_matches_the_per_cell_rule(expr: str) -> None:
    rows = random_rows(400)
    flt = parse_filter(expr)
    texts = [row_text(r) for r in rows]
    expected = [flt.matches_any([c.replace("\n", " ") for c in r]) for r in rows]
    assert [bool(b) for b in flt.mask(texts)] == expected
    assert [flt.matches_text(t) for t in texts] == expected


def test_cell_safety() -> None:
    assert cell_safe(r"\d+ ms") and cell_safe("^ok$") and cell_safe(r"a\.b")
    for unsafe in (r"a\sb", "[^x]", r"\Aab", "(?=a)", r"\W", r"\1"):
        assert not cell_safe(unsafe)
