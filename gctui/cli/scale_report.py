"""``gctui scale forecast | preview | audit``: tables or one JSON document on stdout."""

from __future__ import annotations

import argparse
import sys

from gctui.cli.actions_common import emit_json, render_table, say
from gctui.cli.scale_common import Context, execute, history_line, open_store
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.services.scaling.models import Forecast
from gctui.text import clean, duration


def run_forecast(args: argparse.Namespace) -> int:
    return execute(args, _forecast)


def run_preview(args: argparse.Namespace) -> int:
    return execute(args, _preview)


async def _forecast(ctx: Context) -> int:
    from gctui.services.scaling.report import (
        arrivals_document,
        forecast_document,
        history_document,
        staffing_document,
    )

    view = ctx.view
    if ctx.args.json:
        window = ctx.profile.scaling.history_window_minutes * 60
        emit_json(
            {
                "at": view.at,
                "horizonSeconds": round(view.horizon_seconds),
                "history": history_document(view, ctx.stored, ctx.fresh, window),
                "arrivals": arrivals_document(view.arrivals),
                "resources": [forecast_document(f) for f in view.forecasts],
                "crossingCritical": [f.key for f in view.crossing_critical],
                "staffing": [staffing_document(q) for q in view.staffing],
            }
        )
        return EXIT_OK
    print(resource_table(view.forecasts))
    if view.arrivals is not None:
        a = view.arrivals
        print(
            f"\narrivals: {a.rate_now:.0f}/h now, {a.rate_at_horizon:.0f}/h at the horizon (x{a.factor:.2f})"
        )
    if view.staffing:
        print("\n" + staffing_table(ctx))
    return EXIT_OK


def resource_table(forecasts: list[Forecast]) -> str:
    header = [
        "RESOURCE",
        "KIND",
        "GROUP",
        "NOW",
        "FORECAST",
        "WARN",
        "CRIT",
        "STATE",
        "TO WARN",
        "TO CRIT",
        "MODEL",
    ]
    rows = [
        [
            f.name,
            str(f.kind),
            f.group_name or "-",
            _pct(f.current),
            _pct(f.forecast),
            _pct(f.warning),
            _pct(f.critical),
            str(f.state) if f.forecast_state == f.state else f"{f.state}->{f.forecast_state}",
            duration(f.seconds_to_warning),
            duration(f.seconds_to_critical),
            f.explain(),
        ]
        for f in forecasts
    ]
    return render_table(header, rows, frozenset({3, 4, 5, 6, 8, 9}))


def staffing_table(ctx: Context) -> str:
    header = ["QUEUE", "CALLS/H", "AHT", "ERLANGS", "SL TARGET", "NEEDED", "ON QUEUE", "SL NOW"]
    rows = [
        [
            q.name,
            f"{q.arrivals_per_hour:.0f}",
            duration(q.aht_seconds),
            f"{q.traffic_erlangs:.1f}",
            f"{q.sl_target:.0%} in {q.sl_threshold_seconds:g}s",
            "-" if q.agents_needed is None else str(q.agents_needed),
            "-" if q.agents_on_queue is None else str(q.agents_on_queue),
            _pct(q.service_level_now),
        ]
        for q in ctx.view.staffing
    ]
    return "Erlang C, busiest queues:\n" + render_table(header, rows, frozenset({1, 2, 3, 5, 6, 7}))


async def _preview(ctx: Context) -> int:
    from gctui.services.scaling.report import forecast_document, plan_document

    view = ctx.view
    crossing = view.crossing_critical
    if ctx.args.json:
        emit_json(
            {
                "at": view.at,
                "horizonSeconds": round(view.horizon_seconds),
                "thresholds": view.thresholds.model_dump(),
                "crossingCritical": [forecast_document(f) for f in crossing],
                "recommendations": [plan_document(p) for p in view.plans],
            }
        )
    else:
        for p in view.plans:
            rec = p.recommendation
            print(
                f"{clean(rec.group.name)} ({rec.group.id}): "
                f"{rec.current_nodes} -> {rec.requested_nodes} nodes"
            )
            for reason in rec.reasons:
                print(f"  - {clean(reason)}")
            if rec.scale_up:
                print(f"  payload: {clean(p.payload.decode())}")
                print(f"  sha256:  {p.sha256}")
        if crossing:
            names = ", ".join(f"{f.name} {f.kind} in {duration(f.seconds_to_critical)}" for f in crossing)
            say(f"{len(crossing)} resource(s) forecast to cross critical within the horizon: {names}")
    return EXIT_FAILED if crossing else EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    from gctui.cli.profile import open_profile

    if args.limit < 1:
        raise GctuiError(f"--limit {args.limit} must be at least 1", EXIT_USAGE)
    with open_profile(args, require_credentials=False) as profile:
        with open_store(profile) as store:
            records = store.audit_records(args.limit)
    if args.json:
        emit_json({"records": records, "file": str(store.audit_path)})
        return EXIT_OK
    if not records:
        print("no scaling applies recorded for this profile", file=sys.stderr)
        return EXIT_OK
    header = ["TIME", "GROUP", "NODES", "OUTCOME", "STATUS", "SHA-256", "VERIFIED", "LATENCY"]
    rows = [
        [
            r["time"],
            r["nodeGroupId"],
            f"{r['currentNodes']}->{r['requestedNodes']}",
            r["outcome"] + (" (resent)" if r.get("resumed") else ""),
            "-" if r["webhookStatus"] is None else str(r["webhookStatus"]),
            r["payloadSha256"][:16],
            (r.get("verification") or {}).get("status", "-"),
            f"{r['latencyMs']:.0f} ms",
        ]
        for r in records
    ]
    print(render_table(header, rows, frozenset({4, 7})))
    return EXIT_OK


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


__all__ = ["history_line", "resource_table", "run_audit", "run_forecast", "run_preview"]
