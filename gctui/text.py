"""Small text helpers shared by the CLI twins, the services and the TUI (no dependencies).

``clean`` is the gate for text that came from a server (org names, error messages, codes,
correlation ids): a terminal must never receive its control characters."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, the Unicode bidi overrides/isolates and marks that can
# make a line read differently from what it holds, and the invisible format characters (zero
# width space/joiners, word joiner, invisible operators, BOM, soft hyphen) that terminals draw
# with a width of their own and so shift the columns after them.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_NAMES = {"\t": " ", "\n": " ", "\r": " "}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def clean(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` safe to show on a terminal: control characters are shown escaped (``\\x1b``);
    tabs and line breaks become spaces unless ``keep_newlines``. None becomes ""."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if not _CONTROL.search(s):
        return s
    if keep_newlines:
        return "\n".join(_CONTROL.sub(_escape, line) for line in s.replace("\r\n", "\n").split("\n"))
    return _CONTROL.sub(_escape, s)


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"); tab and CR survive
# `clean` as spaces, so the first character is all that is left to check.
_FORMULA_START = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def spreadsheet_safe(text: object) -> str:
    """``clean`` text for a CSV cell: one that starts as a formula would (``=``, ``+``, ``-``,
    ``@``) gets a leading ``'``, so a spreadsheet shows it as text. A plain number such as
    "-12" and the lone "-" of a missing value stay as they are."""
    s = clean(text)
    if s[:1] in _FORMULA_START and s != "-" and not _PLAIN_NUMBER.fullmatch(s):
        return "'" + s
    return s


def clean_optional(text: object) -> str | None:
    """``clean`` that keeps None as None (for optional fields)."""
    return None if text is None else clean(text)


def duration(seconds: float | None) -> str:
    """60 -> '1m', 86399 -> '23h59m', 42 -> '42s', None -> '-'."""
    if seconds is None:
        return "-"
    s = round(seconds)
    if s < 0:
        return "-" + duration(-s)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        m, rest = divmod(s, 60)
        return f"{m}m{rest:02d}s" if rest else f"{m}m"
    h, rest = divmod(s, 3600)
    if h < 48:
        return f"{h}h{rest // 60:02d}m"
    d, h = divmod(h, 24)
    return f"{d}d{h:02d}h"
