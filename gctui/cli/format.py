"""Small text formatters shared by the CLI twins and the TUI (no dependencies)."""

from __future__ import annotations


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
