"""What set-timeout and undo print: the plan (the diff, the blast radius) and the batch report,
as text or as one JSON document with stable camelCase keys."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gctui.text import clean

if TYPE_CHECKING:
    from gctui.services.actions import BatchReport, Plan, PlannedChange


def print_plan(plan: Plan, reasons: Mapping[str, str], *, to_stderr: bool) -> None:
    out = sys.stderr if to_stderr else sys.stdout
    print(clean(plan.blast_radius()), file=out)
    for change, line in zip(plan.changes, plan.lines(), strict=True):
        why = reasons.get(change.action_id)
        print(
            f"  {clean(line)}  [{clean(change.action_id)}]" + (f"  ({clean(why)})" if why else ""), file=out
        )
    out.flush()


def plan_document(plan: Plan, reasons: Mapping[str, str], *, dry_run: bool) -> dict[str, Any]:
    def change(c: PlannedChange) -> dict[str, Any]:
        doc = {
            "actionId": c.action_id,
            "name": c.name,
            "category": c.category,
            "version": c.version,
            "before": c.before,
            "after": c.after,
            "current": c.current,
            "drifted": c.drifted,
        }
        if c.action_id in reasons:
            doc["reason"] = reasons[c.action_id]
        return doc

    return {
        "dryRun": dry_run,
        "platformDefaultTimeoutSeconds": plan.platform_default,
        "blastRadius": plan.blast_radius(),
        "changes": [change(c) for c in plan.changes],
        "unchanged": [change(c) for c in plan.unchanged],
        "missing": list(plan.missing),
    }


def print_report(report: BatchReport) -> None:
    from gctui.services.actions import State

    print(clean(report.summary()))
    unverified = {o.entry_id for o in report.not_verified}
    for o in report.outcomes:
        if o.state is State.DONE:
            continue
        label = "not verified" if o.entry_id in unverified else str(o.state)
        ctx = f" (correlation id {clean(o.correlation_id)})" if o.correlation_id else ""
        print(f"  {label}: {clean(o.name)} [{clean(o.action_id)}]: {clean(o.error or '')}{ctx}")
    batch = report.batch.id
    if report.with_state(State.DONE):
        print(f"batch {batch}: undo it with `gctui actions undo {batch}`")
    else:
        print(f"batch {batch}: nothing changed")


def report_document(report: BatchReport) -> dict[str, Any]:
    unverified = {o.entry_id for o in report.not_verified}
    counts: dict[str, int] = {}
    for o in report.outcomes:
        counts[str(o.state)] = counts.get(str(o.state), 0) + 1
    return {
        "batchId": report.batch.id,
        "kind": str(report.batch.kind),
        "originBatch": report.batch.origin_batch,
        "ok": report.ok,
        "cancelled": report.cancelled,
        "summary": report.summary(),
        "counts": counts,
        "outcomes": [
            {
                "entryId": o.entry_id,
                "batchId": report.batch.id,
                "actionId": o.action_id,
                "name": o.name,
                "before": o.before,
                "after": o.after,
                "state": str(o.state),
                "verified": o.entry_id not in unverified and str(o.state) == "done",
                "version": o.version,
                "error": o.error,
                "correlationId": o.correlation_id,
            }
            for o in report.outcomes
        ],
        "notVerified": [o.action_id for o in report.not_verified],
    }
