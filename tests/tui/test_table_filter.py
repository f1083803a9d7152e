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


def test_typing_and_backspace_give_the_same_rows_as_a_fresh_filter() -> None:
    """Each keystroke reuses the masks of earlier ones (narrowing, Backspace from the cache):
    the rows shown are always those a fresh filter over every row would show."""
    from gctui.tui.widgets.rowstore import Column, RowStore

    rnd = random.Random(11)
    vocab = ["zendesk", "zen", "web", "webhook", "müller", "12 ms", "1,234", "ab", "b a", "ok"]
    rows = {f"k{i}": [rnd.choice(vocab), rnd.choice(vocab), str(i)] for i in range(500)}
    store = RowStore([Column("a", "A"), Column("b", "B"), Column("n", "N")])
    store.set_rows(rows)

    def fresh(expr: str) -> list[str]:
        flt = parse_filter(expr)
        return [k for k, r in rows.items() if flt.matches_any(r)]

    def check(typed: str) -> None:
        store.apply_filter(parse_filter(typed))
        assert [store.key_at(i) for i in range(len(store.view))] == fresh(typed), typed

    shown = set()
    for n, word in enumerate(rnd.choices(vocab, k=60)):
        typed = ""
        for ch in word:  # type it, with the odd Backspace and retype
            typed += ch
            check(typed)
            shown.add(len(store.view))
            if rnd.random() < 0.3:
                check(typed[:-1])
                check(typed)
        if n == 30:  # a refresh: masks kept from before must not survive it
            for key in list(rows)[:40]:
                rows[key] = ["webhook zendesk", "ok", key]
                store.update_rows({key: rows[key]})
            check(typed)
        for cut in range(len(typed) - 1, -1, -1):  # Backspace to empty: cached masks
            check(typed[:cut])
    assert len(shown) > 10  # the words select many different row sets
