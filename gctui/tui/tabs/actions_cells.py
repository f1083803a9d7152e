"""What the Data actions table shows: its columns, one row's cells, its export record, and a row
after a timeout change (recomputed here: no network). Server text reaches these functions cleaned
by the service (``build_row`` cleans names, categories, ids, methods and hosts); cells are plain
strings or rich ``Text`` and are never read as markup."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from gctui.tui.widgets.dataview import Cell, Column

if TYPE_CHECKING:
    from gctui.config.models import ActionsConfig
    from gctui.services.actions import ActionRow

# At 80 columns the first eight fit (the name takes what they leave); the rest scroll sideways.
COLUMNS = (
    Column("name", "Name", 23, flex=True),
    Column("timeout", "Timeout", 8, numeric=True),
    Column("p99", "p99", 5, numeric=True),
    Column("headroom", "Room", 6, numeric=True),
    Column("risk", "Risk", 4),
    Column("suggested", "Sugg", 4, numeric=True),
    Column("used_by", "Used", 4, numeric=True),
    Column("executions", "Runs", 6, numeric=True),
    Column("p95", "p95", 5, numeric=True),
    Column("errors", "Err", 4, numeric=True),
    Column("timeouts", "T/O", 4, numeric=True),
    Column("category", "Category", 14),
    Column("integration", "Integration", 12),
    Column("secure", "Sec", 3),
    Column("method", "Meth", 5),
    Column("host", "Host", 20),
    Column("reason", "Why this suggestion", 60),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
UNKNOWN = "…"  # used-by not looked up yet
FAILED = "?"  # used-by lookup failed
RISK = Text("RISK", style="bold red")


def timeout_cell(row: ActionRow) -> str:
    """``5s`` as configured, or ``10s dflt`` when the platform default (from the config) applies."""
    return f"{row.effective_timeout}s dflt" if row.timeout_is_default else f"{row.effective_timeout}s"


def suggested_cell(row: ActionRow) -> Cell:
    if row.suggested_timeout is None:
        return "few"  # too few executions in the window to judge (the reason column says how many)
    return Text(f"{row.suggested_timeout}s", style="bold" if row.suggestion_changes else "dim")


def used_cell(used: int | str | None) -> Cell:
    """A count of flows, ``…`` until it is known, ``?`` when the lookup failed."""
    if used is None:
        return UNKNOWN
    return used if isinstance(used, int) else FAILED


def _number(value: int | None) -> Cell:
    return "-" if value is None else value


def cells(row: ActionRow, used: int | str | None) -> list[Cell]:
    return [
        row.name,
        timeout_cell(row),
        _number(row.p99_ms),
        _number(row.headroom_ms),
        RISK if row.risk else "",
        suggested_cell(row),
        used_cell(used),
        _number(row.executions),
        _number(row.p95_ms),
        row.errors,
        row.timeouts,
        row.category,
        row.integration_id,
        "yes" if row.secure else "",
        row.method or "-",
        row.host or "-",
        row.suggestion_reason,
    ]


def record(row: ActionRow, used: int | str | None) -> dict[str, object]:
    """The row for `e`/`E`: the record ``gctui actions list --json`` gives, plus ``usedBy``
    (how many flows use the action; None when it was not looked up)."""
    from gctui.services.actions.rows import row_record

    return {**row_record(row), "usedBy": used if isinstance(used, int) else None}


def retimed(
    row: ActionRow, configured: int | None, version: int | None, settings: ActionsConfig
) -> ActionRow:
    """``row`` once its configured timeout is ``configured`` (None: the platform default) at
    ``version``: the effective timeout, headroom, risk and suggestion follow, as the service
    computes them; the statistics stay (they describe past executions)."""
    from gctui.services.actions.timeouts import assess, headroom_ms

    effective = configured if configured is not None else settings.platform_default_timeout
    verdict = assess(
        effective,
        row.executions,
        row.p99_ms,
        row.timeouts,
        factor=settings.suggestion_factor,
        min_executions=settings.min_executions,
        risk_share=settings.risk_share,
    )
    return dataclasses.replace(
        row,
        version=version if version is not None else row.version,
        configured_timeout=configured,
        effective_timeout=effective,
        timeout_is_default=configured is None,
        headroom_ms=headroom_ms(effective, row.p99_ms),
        risk=verdict.risk,
        risk_reason=verdict.risk_reason,
        suggested_timeout=verdict.suggested,
        suggestion_reason=verdict.suggestion_reason,
    )


def detail_text(
    row: ActionRow, flows: Sequence[tuple[str, str | None]] | None, used_error: str | None
) -> Text:
    """The row in full (Enter): every field, the reasons in words, and the flows that use it."""
    text = Text()
    text.append(row.name, style="bold")
    text.append(f"  {row.id}\n")
    text.append(f"category {row.category or '-'} · integration {row.integration_id or '-'}")
    text.append(f" · {'secure' if row.secure else 'not secure'} · version {row.version}\n")
    text.append(f"request {row.method or '-'} {row.host or '-'}\n")
    configured = "not configured (platform default)" if row.configured_timeout is None else "configured"
    text.append(f"timeout {row.effective_timeout} s, {configured}\n")
    runs = "no statistics" if row.executions is None else f"{row.executions:,} executions"
    text.append(f"{runs} · p95 {_ms(row.p95_ms)} · p99 {_ms(row.p99_ms)} · headroom {_ms(row.headroom_ms)}")
    text.append(f" · {row.errors} errors · {row.timeouts} timeouts\n")
    text.append("risk: ")
    text.append("yes" if row.risk else "no", style="bold red" if row.risk else "")
    text.append(f" ({row.risk_reason})\n")
    sugg = "-" if row.suggested_timeout is None else f"{row.suggested_timeout} s"
    text.append(f"suggested timeout {sugg}: {row.suggestion_reason}\n")
    if used_error is not None:
        text.append(f"used by: lookup failed: {used_error}")
    elif flows is None:
        text.append("used by: not looked up yet")
    elif not flows:
        text.append("used by: no flow")
    else:
        text.append(f"used by {len(flows)} flow{'s' * (len(flows) != 1)}:\n")
        text.append("\n".join(f"  {name}" + (f" (version {ver})" if ver else "") for name, ver in flows))
    return text


def _ms(value: int | None) -> str:
    return "-" if value is None else f"{value:,} ms"
