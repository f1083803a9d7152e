"""Routing: queues and routing methods scored from the conversation aggregates (plain Python +
pandas, imported lazily; no Textual). See ``score`` for the scoring rules, ``kpis`` for the KPI
formulas, ``methods`` for how a queue's routing method is derived."""

from __future__ import annotations

from gctui.services.audit import canonical_json
from gctui.services.audit import sha256_hex as sha256
from gctui.services.routing.cohort import CohortError, compile_filter, select_named
from gctui.services.routing.dataset import GROUPINGS, Dataset, fetch_dataset
from gctui.services.routing.intervals import Interval, IntervalError, parse_interval
from gctui.services.routing.methods import METHODS, QueueRouting, queue_routing
from gctui.services.routing.push import PushOutcome, PushStore, envelope, push
from gctui.services.routing.query import JobFailedError, QueryProgress, build_query, run_query
from gctui.services.routing.records import CSV_COLUMNS, breakdown, row_records, settings_doc
from gctui.services.routing.score import ScoreError, ScoreSettings, parse_weights, score_frame

__all__ = [
    "CSV_COLUMNS",
    "GROUPINGS",
    "METHODS",
    "CohortError",
    "Dataset",
    "Interval",
    "IntervalError",
    "JobFailedError",
    "PushOutcome",
    "PushStore",
    "QueryProgress",
    "QueueRouting",
    "ScoreError",
    "ScoreSettings",
    "breakdown",
    "build_query",
    "canonical_json",
    "compile_filter",
    "envelope",
    "fetch_dataset",
    "parse_interval",
    "parse_weights",
    "push",
    "queue_routing",
    "row_records",
    "run_query",
    "score_frame",
    "select_named",
    "settings_doc",
    "sha256",
]
