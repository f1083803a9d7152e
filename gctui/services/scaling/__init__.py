"""Capacity forecast and scaling webhook (issue 13): plain Python, no Textual.

Genesys Cloud has no API to scale its media nodes and no capacity field (analytics reference
§5): the service watches edge CPU/memory and trunk concurrent calls, forecasts them over a
horizon (linear trend or Holt's smoothing, pushed by the queues' arrival rate), staffs the
busiest queues with Erlang C, recommends per edge group (the seed's rule) and tells the user's
own scaler through a webhook: canonical JSON, its SHA-256, an Idempotency-Key, journaled,
verified with the health probes and audited."""

from gctui.config.scaling import ThresholdError, ThresholdMatrix
from gctui.services.audit import canonical_json as canonical
from gctui.services.audit import sha256_hex
from gctui.services.scaling.apply import ApplyOutcome, ApplyRefused, Verification, WebhookTarget
from gctui.services.scaling.erlang import agents_needed, erlang_c, service_level
from gctui.services.scaling.forecast import ForecastSettings, Series, forecast_all, holt_fit, linear_fit
from gctui.services.scaling.models import (
    ArrivalTrend,
    Forecast,
    Kind,
    NodeGroup,
    QueueStaffing,
    Recommendation,
    Sample,
    State,
)
from gctui.services.scaling.payload import idempotency_key, payload_bytes
from gctui.services.scaling.rule import recommend, step_for
from gctui.services.scaling.service import Plan, ScalingService, ScalingView
from gctui.services.scaling.store import ScalingStore, default_store_path

__all__ = [
    "ApplyOutcome",
    "ApplyRefused",
    "ArrivalTrend",
    "Forecast",
    "ForecastSettings",
    "Kind",
    "NodeGroup",
    "Plan",
    "QueueStaffing",
    "Recommendation",
    "Sample",
    "ScalingService",
    "ScalingStore",
    "ScalingView",
    "Series",
    "State",
    "ThresholdError",
    "ThresholdMatrix",
    "Verification",
    "WebhookTarget",
    "agents_needed",
    "canonical",
    "default_store_path",
    "erlang_c",
    "forecast_all",
    "holt_fit",
    "idempotency_key",
    "linear_fit",
    "payload_bytes",
    "recommend",
    "service_level",
    "sha256_hex",
    "step_for",
]
