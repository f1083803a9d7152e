"""``gctui routing score``: the scored queues (or routing methods) as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING, Any

from gctui.cli.actions_common import emit_json, render_table
from gctui.cli.routing_common import ScoreRequest, execute, fetch, scored
from gctui.errors import EXIT_OK
from gctui.text import clean, spreadsheet_safe

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.routing import Dataset


def run_score(args: argparse.Namespace) -> int:
    async def work(session: Session, profile: ResolvedProfile, req: ScoreRequest) -> int:
        dataset = await fetch(session, profile, req)
        _, records = scored(dataset, req)
        if args.json:
            emit_json(score_doc(dataset, req, records))
        elif args.csv:
            write_csv(records, req.by)
        else:
            print_table(dataset, req, records)
        return EXIT_OK

    return execute(args, work)


def score_doc(dataset: Dataset, req: ScoreRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    from gctui.services.routing import settings_doc

    return {
        "interval": dataset.interval.iso(),
        "intervalLabel": dataset.interval.label,
        "timeZone": dataset.interval.time_zone,
        "query": {"mode": dataset.mode, "jobId": dataset.job_id},
        "by": req.by,
        **settings_doc(req.settings),
        "count": len(records),
        "ranked": sum(1 for r in records if not r["lowVolume"]),
        "rows": records,
    }


def _key(by: str) -> str:
    return {"queue": "queueId", "method": "method", "used": "usedRouting"}[by]


def write_csv(records: list[dict[str, Any]], by: str) -> None:
    from gctui.services.routing import CSV_COLUMNS

    columns = list(CSV_COLUMNS)
    if by != "queue":
        columns = [
            c for c in columns if c not in ("queueId", "name", "method", "waiting", "interacting", "onQueue")
        ]
        columns.insert(1, _key(by))
        columns.insert(2, "queues")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow([_cell(r.get(c)) for c in columns])
    sys.stdout.flush()


def _cell(value: Any) -> object:
    """Numbers as numbers; text through ``clean``, a leading = + - @ defused (spreadsheets)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return spreadsheet_safe(value)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "s":
        return f"{value / 1000:.1f}s"
    if kind == "score":
        return f"{value:.3f}"
    return str(value)


def print_table(dataset: Dataset, req: ScoreRequest, records: list[dict[str, Any]]) -> None:
    weights = ", ".join(f"{k}={v:g}" for k, v in req.settings.active().items())
    print(
        f"{len(records)} {'queue' if req.by == 'queue' else 'routing method'}"
        f"{'s' * (len(records) != 1)} over {dataset.interval.iso()} ({dataset.interval.label}); "
        f"weights {weights}; {req.settings.normalization}; min offered {req.settings.min_offered}"
    )
    first, second = ("NAME", "METHOD") if req.by == "queue" else (req.by.upper(), "QUEUES")
    header = (
        "RANK", first, second, "SCORE", "PCTL", "OFFERED", "ANSWERED", "ABANDON", "ASA", "AHT", "SL", "XFER",
    )  # fmt: skip
    rows = []
    for r in records:
        name = r["name"] if req.by == "queue" else r[_key(req.by)]
        second = r["method"] if req.by == "queue" else str(r["queues"])
        rank = "low vol" if r["lowVolume"] else str(r["rank"])
        rows.append(
            [
                rank,
                clean(str(name))[:40],
                second,
                _fmt(r["score"], "score"),
                "-" if r["percentile"] is None else f"{r['percentile']:.0f}",
                str(r["offered"]),
                str(r["answered"]),
                _fmt(r["abandonRate"], "pct"),
                _fmt(r["asaMs"], "s"),
                _fmt(r["ahtMs"], "s"),
                _fmt(r["serviceLevel"], "pct"),
                _fmt(r["transferRate"], "pct"),
            ]
        )
    print(render_table(header, rows, frozenset({0, 3, 4, 5, 6, 7, 8, 9, 10, 11})))
    sys.stdout.flush()
