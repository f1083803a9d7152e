"""Data actions: rows, filter language, timeout rules, and journaled bulk timeout changes.

Plain Python on :mod:`gctui.genesys` (never Textual). The Data actions tab and
``gctui actions …`` are thin views over it::

    settings = settings.actions                                   # [actions] of the config file
    loaded = await load_rows(session.api, session.pool, settings, on_progress=pages)
    keep = compile_filter("timeout<=3 and p99>2500")              # FilterError: message + .caret
    rows = [r for r in loaded.rows if keep(r)]
    flows = await UsedByCache(session.api).get(row.id, row.version, secure=row.secure)

    journal = Journal(default_journal_path(), scope)              # scope: history_scope(...)
    writer = ActionsWriter(session.api, session.pool, journal, verify_seconds=settings.verify_retry_seconds)
    plan = await plan_timeouts(session.api, {r.id: 5 for r in rows}, settings.platform_default_timeout)
    print(plan.blast_radius(), *plan.lines(), sep="\\n")          # the dry run / confirm dialog
    report = await writer.apply(plan, cancel=event, on_progress=tick)
    report.ok, report.summary(), report.with_state(State.CONFLICT), report.not_verified
    undo_report = await undo(writer, report.batch.id, settings.platform_default_timeout)
    pending = await reconcile(writer)   # at start: landed → done; pending.not_landed → retry/dismiss
"""

from __future__ import annotations

from gctui.services.actions.apply import CancelFlag, Outcome
from gctui.services.actions.batch import ActionsWriter, BatchReport, ProgressFn
from gctui.services.actions.filter_fields import FIELDS, fields_help
from gctui.services.actions.filter_parse import FilterError, Predicate, compile_filter
from gctui.services.actions.journal import (
    Batch,
    Entry,
    Journal,
    Kind,
    State,
    default_journal_path,
)
from gctui.services.actions.loader import Loaded, UsedByCache, dependency_type, load_rows
from gctui.services.actions.plan import Plan, PlannedChange, plan_timeouts, read_plan
from gctui.services.actions.recovery import (
    Reconciliation,
    dismiss,
    plan_retry,
    plan_undo,
    reconcile,
    retry,
    undo,
)
from gctui.services.actions.rows import ActionRow, build_row, build_rows
from gctui.services.actions.stats import ExecStats
from gctui.services.actions.timeouts import (
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    TimeoutValueError,
    assess,
    parse_timeout,
)
from gctui.services.actions.urls import host_of

__all__ = [
    "FIELDS",
    "MAX_TIMEOUT",
    "MIN_TIMEOUT",
    "ActionRow",
    "ActionsWriter",
    "Batch",
    "BatchReport",
    "CancelFlag",
    "Entry",
    "ExecStats",
    "FilterError",
    "Journal",
    "Kind",
    "Loaded",
    "Outcome",
    "Plan",
    "PlannedChange",
    "Predicate",
    "ProgressFn",
    "Reconciliation",
    "State",
    "TimeoutValueError",
    "UsedByCache",
    "assess",
    "build_row",
    "build_rows",
    "compile_filter",
    "default_journal_path",
    "dependency_type",
    "dismiss",
    "fields_help",
    "host_of",
    "load_rows",
    "parse_timeout",
    "plan_retry",
    "plan_timeouts",
    "plan_undo",
    "read_plan",
    "reconcile",
    "retry",
    "undo",
]
