"""`clean`: what a server sends is shown, never acted on by the terminal, and never shifts columns."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from gctui.text import clean, spreadsheet_safe


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Org\x1b]0;pwned\x07\x1b[2J", "Org\\x1b]0;pwned\\x07\\x1b[2J"),
        ("a\tb\nc", "a b c"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("zero\u200bwidth\u200d joiner", "zero\\u200bwidth\\u200d joiner"),
        ("\ufeffBOM \u200eLRM \u2060WJ soft\xadhyphen", "\\ufeffBOM \\u200eLRM \\u2060WJ soft\\xadhyphen"),
        ("Müller 東京 ✓", "Müller 東京 ✓"),  # printable text stays as it is
    ],
)
def test_clean_escapes_what_a_terminal_would_act_on_or_draw_invisibly(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_cleaned_text_takes_the_width_it_shows() -> None:
    """Invisible format characters would make a cell wider on some terminals than Rich counts."""
    for raw in ("a\u200bb", "x\u2060y", "\ufeffz"):
        out = clean(raw)
        assert cell_len(out) == len(out)


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", " =1"),  # a tab is a space after `clean`: a spreadsheet no longer sees "="
        ("-", "-"),
        ("-12", "-12"),
        ("+1,234.5", "+1,234.5"),
        ("Get customer", "Get customer"),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_safe_defuses_what_a_spreadsheet_would_run(raw: str, cell: str) -> None:
    assert spreadsheet_safe(raw) == cell
