"""``gctui actions list``: the Data actions table as text, JSON or CSV."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gctui.cli import interrupt
from gctui.cli.actions_common import Throttle, compile_or_report, emit_json, render_table, say, warn
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from gctui.services.actions.rows import RECORD_FIELDS, row_record
from gctui.text import clean, spreadsheet_safe

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.api import GenesysApi
    from gctui.genesys.models import Dependency
    from gctui.services.actions import ActionRow, Loaded, Predicate


USED_BY_NOTE = 50  # more lookups than this: say how many before starting


@dataclass(frozen=True, slots=True)
class UsedBy:
    flows: tuple[Dependency, ...] = ()
    error: str | None = None


def run_list(args: argparse.Namespace) -> int:
    keep = compile_or_report(args.filter) if args.filter is not None else None
    if args.filter is not None and keep is None:
        return EXIT_USAGE
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        loaded, rows, used_by = interrupt.run(_load(args, profile, keep))
    if loaded.stats_error:
        warn(f"execution statistics could not be read ({loaded.stats_error}): rows carry none")
    if args.json:
        emit_json(_document(args, profile, loaded, rows, used_by))
    elif args.csv:
        _write_csv(rows, used_by, with_used_by=args.used_by)
    else:
        _print_table(profile, loaded, rows, used_by, with_used_by=args.used_by)
    failures = [r for r in rows if (u := used_by.get(r.id)) is not None and u.error]
    if failures:
        say(f"used by: {len(failures)} lookup{'s' * (len(failures) != 1)} failed (listed)")
        return EXIT_FAILED
    return EXIT_OK


async def _load(
    args: argparse.Namespace, profile: ResolvedProfile, keep: Predicate | None
) -> tuple[Loaded, list[ActionRow], dict[str, UsedBy]]:
    from gctui.genesys.session import Session
    from gctui.services.actions import load_rows

    throttle = Throttle()

    def pages(done: int, total: int) -> None:
        if total > 1 and done < total and throttle.due():
            say(f"listing actions: page {done}/{total}")

    async with Session.create(profile.options) as session:
        loaded = await load_rows(session.api, session.pool, profile.actions, on_progress=pages)
        rows = [r for r in loaded.rows if keep is None or keep(r)]
        used_by = {}
        if args.used_by:
            flows = profile.actions.used_by_flow_filter
            used_by = await _used_by(session.api, rows, session.options.concurrency, flows)
    return loaded, rows, used_by


async def _used_by(
    api: GenesysApi, rows: Sequence[ActionRow], concurrency: int, flow_filter: str
) -> dict[str, UsedBy]:
    """One dependency-tracking lookup per listed action (through the cache, a few at a time)."""
    from gctui.genesys.errors import GenesysError
    from gctui.services.actions import UsedByCache

    if len(rows) > USED_BY_NOTE:
        say(f"used by: looking up {len(rows)} actions, one dependency-tracking call each")
    cache = UsedByCache(api, flow_filter)
    gate = asyncio.Semaphore(max(1, concurrency))
    throttle = Throttle()
    done = 0

    async def one(row: ActionRow) -> tuple[str, UsedBy]:
        nonlocal done
        async with gate:
            try:
                found = UsedBy(tuple(await cache.get(row.id, row.version, secure=row.secure)))
            except GenesysError as exc:
                found = UsedBy(error=clean(exc))
        done += 1
        if done < len(rows) and throttle.due():
            say(f"used by: {done}/{len(rows)} actions looked up")
        return row.id, found

    return dict(await asyncio.gather(*(one(r) for r in rows)))


COLUMNS = RECORD_FIELDS
USED_BY_COLUMNS = ("usedBy", "usedByError")


def record(row: ActionRow, used_by: UsedBy | None) -> dict[str, Any]:
    """One action with stable camelCase keys (JSON and CSV share them); ``usedBy`` only when
    it was looked up."""
    doc: dict[str, Any] = row_record(row)
    if used_by is not None:
        doc["usedBy"] = [
            {"id": d.id, "name": d.name, "type": d.type, "version": d.version} for d in used_by.flows
        ]
        doc["usedByError"] = used_by.error
    return doc


def _document(
    args: argparse.Namespace,
    profile: ResolvedProfile,
    loaded: Loaded,
    rows: list[ActionRow],
    used_by: dict[str, UsedBy],
) -> dict[str, Any]:
    return {
        "loadedAt": loaded.loaded_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "windowDays": profile.actions.analytics_window_days,
        "platformDefaultTimeoutSeconds": profile.actions.platform_default_timeout,
        "filter": args.filter,
        "total": len(loaded.rows),
        "count": len(rows),
        "statsError": loaded.stats_error,
        "actions": [record(r, used_by.get(r.id) if args.used_by else None) for r in rows],
    }


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return spreadsheet_safe(value)


def _write_csv(rows: list[ActionRow], used_by: dict[str, UsedBy], *, with_used_by: bool) -> None:
    """The same columns as the JSON keys; every text cell through ``clean``."""
    columns = [*COLUMNS, *USED_BY_COLUMNS] if with_used_by else list(COLUMNS)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        rec = record(row, used_by.get(row.id, UsedBy()) if with_used_by else None)
        if with_used_by:
            rec["usedBy"] = "; ".join(f["name"] or f["id"] for f in rec["usedBy"])
        writer.writerow([_csv_cell(rec[c]) for c in columns])
    sys.stdout.flush()


_HEADER = (
    "NAME", "CATEGORY", "INTEGRATION", "SECURE", "REQUEST", "TIMEOUT", "EXEC", "P95", "P99", "ERR",
    "TMO", "HEADROOM", "RISK", "SUGGESTED", "REASON",
)  # fmt: skip
_RIGHT = frozenset({6, 7, 8, 9, 10, 11, 13})


def _ms(value: int | None) -> str:
    return "-" if value is None else f"{value:,} ms"


def _cells(row: ActionRow) -> list[str]:
    request = " ".join(p for p in (row.method, row.host) if p) or "-"
    suggested = "-" if row.suggested_timeout is None else f"{row.suggested_timeout} s"
    return [
        row.name,
        row.category or "-",
        row.integration_id or "-",
        "yes" if row.secure else "no",
        request,
        row.timeout_label,
        "-" if row.executions is None else f"{row.executions:,}",
        _ms(row.p95_ms),
        _ms(row.p99_ms),
        str(row.errors),
        str(row.timeouts),
        _ms(row.headroom_ms),
        "at risk" if row.risk else "-",
        suggested,
        row.suggestion_reason,
    ]


def _used_by_cell(found: UsedBy | None) -> str:
    if found is None:
        return "-"
    if found.error:
        return f"error: {found.error}"
    return ", ".join(clean(d.name or d.id) for d in found.flows) or "none"


def _print_table(
    profile: ResolvedProfile,
    loaded: Loaded,
    rows: list[ActionRow],
    used_by: dict[str, UsedBy],
    *,
    with_used_by: bool,
) -> None:
    settings = profile.actions
    shown = f"{len(rows)} of {len(loaded.rows)} actions" if len(rows) != len(loaded.rows) else None
    title = shown or f"{len(rows)} action{'s' * (len(rows) != 1)}"
    title += f" · statistics over {settings.analytics_window_days} days to {loaded.loaded_at:%Y-%m-%d %H:%M}Z"
    title += f" · default timeout {settings.platform_default_timeout} s (actions without one)"
    header = (*_HEADER, "USED BY") if with_used_by else _HEADER
    body = [[*_cells(r), _used_by_cell(used_by.get(r.id))] if with_used_by else _cells(r) for r in rows]
    print(clean(title))
    print(render_table(header, body, _RIGHT))
    sys.stdout.flush()
