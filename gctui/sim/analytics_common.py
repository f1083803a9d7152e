"""Shared analytics plumbing: interval/granularity parsing, filters, stats merging, names.

Granularity is an ISO-8601 period (``PT15M``, ``PT1H``, ``P1D``, ``P7D``, ``P1W``, ``P1M``,
``P1DT12H``…). Buckets start at the interval's start and follow each other by the period; a
period with a calendar part (years, months, weeks, days) steps the wall clock of ``timeZone``
(IANA, default UTC: a ``P1D`` bucket is a local day, 23 or 25 hours across a DST change), a
period of hours, minutes and seconds only steps absolute time. The last bucket ends at the
interval's end.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gctui.sim.errors import bad_request

CONVERSATION_DIMENSIONS = frozenset(
    "activeRouting activeSkillId addressFrom addressTo agentAssistantId agentBullseyeRing agentOwned "
    "agentRank agentScore ani assignerId authenticated canonicalExternalContactId "
    "conversationId conversationInitiator "
    "convertedFrom convertedTo customerParticipation deliveryStatus destinationAddress direction "
    "disconnectType divisionId dnis edgeId eligibleAgentCount errorCode extendedDeliveryStatus "
    "externalContactId externalMediaCount externalOrganizationId externalTag firstQueue flaggedReason "
    "flowInType flowOutType groupId interactionType journeyActionId journeyActionMapId "
    "journeyActionMapVersion journeyCustomerId journeyCustomerIdType journeyCustomerSessionId "
    "journeyCustomerSessionIdType knowledgeBaseId mediaCount mediaType messageType originatingDirection "
    "originatingSocialMediaPublic outboundCampaignId outboundContactId outboundContactListId participantName "
    "peerId proposedAgentId provider purpose queueId remote removedSkillId requestedLanguageId "
    "requestedRouting requestedRoutingSkillId roomId routingPriority routingRing routingRule routingRuleType "
    "scoredAgentId selectedAgentId selectedAgentRank selfServed sessionDnis sessionId skillExpressionId "
    "stationId teamId usedRouting userId videoPresent waitingInteractionCount wrapUpCode".split()
)
CONVERSATION_METRICS = frozenset(
    "nAgentDeclined nAlertExpired nBlindTransferred nBotInteractions nCallbackAttempts nCallbackOverSla "
    "nCallbackScheduled nCfcOffered nCobrowseSessions nConnected nConsult nConsultTransferred nConversations "
    "nError nOffered nOutbound nOutboundAbandoned nOutboundAttempted nOutboundConnected nOverSla "
    "nStateTransitionError nTakeover nTransferred oAudioMessageCount oCallbackServiceLevel "
    "oExternalAudioMessageCount oExternalMediaCount oMediaCount oMessageCount oMessageSegmentCount "
    "oMessageTurn oServiceLevel oServiceTarget oSkillExpressionApplications tAbandon tAcd tActiveCallback "
    "tActiveCallbackComplete tAcw tAgentResponseTime tAgentVideoConnected tAlert tAnswered "
    "tAverageAgentResponseTime tAverageCustomerResponseTime tBarging tCallbackAbandon tCallbackConnect "
    "tCallbackNotReached tCallbackVirtualWait tCfcAbandon tCfcAcd tCfcAnswered tCfcFlowOut tCoaching "
    "tCoachingComplete tConnected tContacting tDialing tFirstConnect tFirstDial tFirstEngagement "
    "tFirstResponse tFlowOut tHandle tHeld tHeldComplete tIvr tMonitoring tMonitoringComplete tNotResponding "
    "tPark tParkComplete tScreenMonitoring tShortAbandon tSnippetRecord tTalk tTalkComplete tTransmitting "
    "tUserResponseTime tVoicemail tWait".split()
)
_PERIOD = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
# metric names of the reference that are timers (views may target only these)
TIMER_METRICS = frozenset(m for m in CONVERSATION_METRICS if m.startswith("t"))
Dims = Mapping[str, str]


def _parse_instant(text: str) -> datetime:
    dt = datetime.fromisoformat(text.strip())
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def parse_interval(value: Any) -> tuple[datetime, datetime]:
    if not isinstance(value, str) or not value:
        raise bad_request("interval is required (ISO-8601 'start/end')", "interval")
    start_s, sep, end_s = value.partition("/")
    try:
        if not sep:
            raise ValueError("missing '/'")
        start, end = _parse_instant(start_s), _parse_instant(end_s)
    except ValueError as exc:
        raise bad_request(f"interval {value!r} is not a valid ISO-8601 interval: {exc}", "interval") from None
    if end <= start:
        raise bad_request(f"interval {value!r} ends before it starts", "interval")
    return start, end


def parse_time_zone(value: Any) -> tzinfo:
    """The IANA zone of ``timeZone`` (default UTC); 400 naming ``timeZone`` for an unknown one."""
    if value is None or value == "UTC":
        return UTC
    if not isinstance(value, str) or not value or value.startswith(("/", ".")) or ".." in value:
        raise bad_request(f"timeZone {value!r} is not a valid IANA time zone", "timeZone")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad_request(f"timeZone {value!r} is not a valid IANA time zone", "timeZone") from None


def _add_months(dt: datetime, months: int) -> datetime:
    y, m = divmod(dt.month - 1 + months, 12)
    year, month = dt.year + y, m + 1
    return dt.replace(year=year, month=month, day=min(dt.day, calendar.monthrange(year, month)[1]))


def parse_granularity(
    value: Any,
    start: datetime,
    end: datetime,
    tz: tzinfo | None = None,
    *,
    must_divide: bool = False,
    min_step: timedelta = timedelta(minutes=1),
    max_buckets: int = 1_000_000,
) -> list[tuple[datetime, datetime]]:
    """Buckets covering the interval (one bucket when no granularity is given), in UTC."""
    if value is None:
        return [(start, end)]
    m = _PERIOD.match(value) if isinstance(value, str) else None
    if not m or not any(m.groups()) or value.endswith("T"):
        raise bad_request(f"granularity {value!r} is not a supported ISO-8601 period", "granularity")
    y, mo, w, d, h, mi, s = (int(x or 0) for x in m.groups())
    clock = timedelta(hours=h, minutes=mi, seconds=s)
    months, days = 12 * y + mo, 7 * w + d
    if not months and (timedelta(days=days) + clock) < min_step:
        raise bad_request(f"granularity must be at least {_period_text(min_step)}", "granularity")
    zone = tz or UTC
    buckets = []
    t = start
    n = 0
    while t < end:
        n += 1
        if n > max_buckets:
            raise bad_request(
                f"granularity {value!r} splits the interval into more than {max_buckets} buckets",
                "granularity",
            )
        if months or days:  # calendar steps on the zone's wall clock, from the interval's start
            local = start.astimezone(zone).replace(tzinfo=None)
            local = _add_months(local, months * n) + timedelta(days=days * n) + clock * n
            nxt = local.replace(tzinfo=zone).astimezone(UTC)
        else:
            nxt = start + clock * n
        if nxt <= t:  # a wall-clock step that DST swallowed
            raise bad_request(f"granularity {value!r} is not a supported ISO-8601 period", "granularity")
        if must_divide and nxt > end:
            raise bad_request(
                f"interval is not a whole number of {value} buckets in time zone {zone}", "granularity"
            )
        buckets.append((t, min(nxt, end)))
        t = nxt
    return buckets


def _period_text(step: timedelta) -> str:
    secs = int(step.total_seconds())
    return f"PT{secs // 60}M" if secs % 60 == 0 else f"PT{secs}S"


def check_interval_length(start: datetime, end: datetime, max_days: float, hint: str = "") -> None:
    """400 naming ``interval`` when it spans more than ``max_days`` days."""
    if (end - start) > timedelta(days=max_days):
        raise bad_request(
            f"interval is longer than the {max_days:g} days this query allows{hint}", "interval"
        )


def parse_views(values: Any, max_views: int) -> list[dict[str, Any]]:
    """``ConversationAggregationView`` list (§1.6): unique names that are no metric's, timer
    targets, ``function: rangeBound``, ``range`` with ``gte``/``lt`` (ms, at least one, gte < lt)."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise bad_request("views must be a list of views", "views")
    if len(values) > max_views:
        raise bad_request(f"views accepts at most {max_views} views (got {len(values)})", "views")
    out, names = [], set()
    for i, v in enumerate(values):
        f = f"views[{i}]"
        if not isinstance(v, dict):
            raise bad_request(f"{f} must be an object", f)
        unknown = set(v) - {"name", "target", "function", "range"}
        if unknown:
            raise bad_request(f"{f} has unknown field(s) {', '.join(sorted(unknown))}", f)
        name = v.get("name")
        if not isinstance(name, str) or not name:
            raise bad_request(f"{f}.name is required", f"{f}.name")
        if name in CONVERSATION_METRICS or name in names:
            what = "a built-in metric" if name in CONVERSATION_METRICS else "the name of another view"
            raise bad_request(f"{f}.name {name!r} is {what}; view names must be unique", f"{f}.name")
        names.add(name)
        target = v.get("target")
        if target not in TIMER_METRICS:
            raise bad_request(
                f"{f}.target {target!r} is not a timer metric (views target t* metrics only)", f"{f}.target"
            )
        if v.get("function", "rangeBound") != "rangeBound":
            raise bad_request(f"{f}.function must be 'rangeBound'", f"{f}.function")
        rng = v.get("range")
        if not isinstance(rng, dict) or not rng or set(rng) - {"gte", "lt"}:
            raise bad_request(f"{f}.range must be an object with gte and/or lt (ms)", f"{f}.range")
        for k, x in rng.items():
            if isinstance(x, bool) or not isinstance(x, int | float) or x < 0 or x != x:
                raise bad_request(f"{f}.range.{k} must be a number of ms >= 0", f"{f}.range.{k}")
        gte, lt = float(rng.get("gte", 0)), float(rng["lt"]) if "lt" in rng else None
        if lt is not None and lt <= gte:
            raise bad_request(f"{f}.range.lt must be greater than gte", f"{f}.range")
        out.append({"name": name, "target": target, "gte": gte, "lt": lt})
    return out


def fmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def check_names(values: Any, allowed: frozenset[str], field: str, required: bool = False) -> list[str]:
    if values is None:
        if required:
            raise bad_request(f"{field} is required", field)
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise bad_request(f"{field} must be a list of strings", field)
    for v in values:
        if v not in allowed:
            raise bad_request(f"{field} contains unknown value {v!r}", field)
    return values


def compile_filter(flt: Any, dims: frozenset[str], field: str = "filter") -> Callable[[Dims], bool]:
    """A predicate over a cell's dimension values; dimensions the cell lacks never match."""
    if flt is None:
        return lambda _d: True
    if not isinstance(flt, dict) or flt.get("type") not in ("and", "or"):
        raise bad_request(f"{field}.type must be 'and' or 'or'", f"{field}.type")
    tests: list[Callable[[Dims], bool]] = []
    for i, clause in enumerate(flt.get("clauses") or []):
        tests.append(compile_filter(clause, dims, f"{field}.clauses[{i}]"))
    for i, pred in enumerate(flt.get("predicates") or []):
        tests.append(_predicate(pred, dims, f"{field}.predicates[{i}]"))
    if flt["type"] == "and":
        return lambda d: all(t(d) for t in tests)
    return lambda d: any(t(d) for t in tests) if tests else True


def _predicate(pred: Any, dims: frozenset[str], field: str) -> Callable[[Dims], bool]:
    if not isinstance(pred, dict):
        raise bad_request(f"{field} must be an object", field)
    dim = pred.get("dimension")
    if dim not in dims:
        raise bad_request(f"{field}.dimension {dim!r} is not a valid dimension", f"{field}.dimension")
    op = pred.get("operator", "matches")
    value = pred.get("value")
    if op == "exists":
        return lambda d: dim in d
    if op == "notExists":
        return lambda d: dim not in d
    if op != "matches":
        raise bad_request(f"{field}.operator {op!r} is not valid", f"{field}.operator")
    return lambda d: d.get(dim) == value


def merge_stats(into: dict[str, Any], add: dict[str, Any]) -> None:
    """Re-aggregation rule: sum counts/sums/numerators/denominators, min of min, max of max."""
    for k, v in add.items():
        if k not in into:
            into[k] = v
        elif k in ("count", "sum", "numerator", "denominator"):
            into[k] += v
        elif k == "min":
            into[k] = min(into[k], v)
        elif k == "max" or k in ("p95", "p99"):
            into[k] = max(into[k], v)
    if into.get("denominator"):
        into["ratio"] = round(into["numerator"] / into["denominator"], 4)
