"""JSON documents of the view (stable camelCase keys, ids included): ``gctui scale --json``
prints them and the Scaling tab exports them. Server text stays as it came; the CLI and the
tab sanitize at display (``gctui.text.clean``)."""

from __future__ import annotations

import json
from typing import Any

from gctui.services.scaling.models import ArrivalTrend, Forecast, QueueStaffing
from gctui.services.scaling.service import Plan, ScalingView


def forecast_document(f: Forecast) -> dict[str, Any]:
    return {
        "resource": f.key,
        "kind": str(f.kind),
        "name": f.name,
        "nodeGroupId": f.group_id,
        "nodeGroupName": f.group_name,
        "current": _r(f.current),
        "forecast": _r(f.forecast),
        "raw": _r(f.raw),
        "capacity": f.capacity,
        "warning": f.warning,
        "critical": f.critical,
        "state": str(f.state),
        "forecastState": str(f.forecast_state),
        "secondsToWarning": _s(f.seconds_to_warning),
        "secondsToCritical": _s(f.seconds_to_critical),
        "model": f.model,
        "driver": f.driver,
        "windowPoints": f.window_points,
        "windowSeconds": round(f.window_seconds),
        "slopePerHour": _r(f.slope_per_hour),
        "explanation": f.explain(),
    }


def staffing_document(q: QueueStaffing) -> dict[str, Any]:
    return {
        "queueId": q.queue_id,
        "name": q.name,
        "arrivalsPerHour": _r(q.arrivals_per_hour),
        "ahtSeconds": _r(q.aht_seconds),
        "trafficErlangs": _r(q.traffic_erlangs),
        "serviceLevelTarget": q.sl_target,
        "serviceLevelSeconds": q.sl_threshold_seconds,
        "agentsNeeded": q.agents_needed,
        "agentsOnQueue": q.agents_on_queue,
        "gap": q.gap,
        "serviceLevelNow": _r(q.service_level_now),
    }


def arrivals_document(a: ArrivalTrend | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "intervalSeconds": a.interval_s,
        "offeredPerInterval": list(a.counts),
        "ratePerHourNow": _r(a.rate_now),
        "ratePerHourAtHorizon": _r(a.rate_at_horizon),
        "factor": _r(a.factor),
    }


def plan_document(p: Plan) -> dict[str, Any]:
    rec = p.recommendation
    return {
        "nodeGroupId": rec.group.id,
        "nodeGroupName": rec.group.name,
        "nodes": list(rec.group.edge_ids),
        "sessions": rec.group.sessions,
        "currentNodes": rec.current_nodes,
        "requestedNodes": rec.requested_nodes,
        "scaleUp": rec.scale_up,
        "reasons": list(rec.reasons),
        "trigger": rec.trigger.key if rec.trigger else None,
        "payload": json.loads(p.payload),
        "payloadText": p.payload.decode(),
        "sha256": p.sha256,
        "idempotencyKey": p.idempotency_key,
    }


def history_document(view: ScalingView, stored: int, fresh: int, window_s: float) -> dict[str, Any]:
    return {
        "storedRowsBefore": stored,  # sample rows (all resources) of this profile before the run
        "freshSamples": fresh,
        "pointsPerResource": view.history_points,
        "seconds": round(view.history_seconds),
        "windowSeconds": round(window_s),
    }


def view_document(view: ScalingView) -> dict[str, Any]:
    return {
        "at": view.at,
        "horizonSeconds": round(view.horizon_seconds),
        "thresholds": view.thresholds.model_dump(),
        "resources": [forecast_document(f) for f in view.forecasts],
        "crossingCritical": [f.key for f in view.crossing_critical],
        "staffing": [staffing_document(q) for q in view.staffing],
        "arrivals": arrivals_document(view.arrivals),
        "recommendations": [plan_document(p) for p in view.plans],
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _s(value: float | None) -> int | None:
    return None if value is None else round(value)
