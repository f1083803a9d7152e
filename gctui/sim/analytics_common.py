"""Shared analytics plumbing: interval/granularity parsing, filters, stats merging, names."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

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
_PERIOD = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
Dims = Mapping[str, str]


def _parse_instant(text: str) -> datetime:
    dt = datetime.fromisoformat(text.strip())
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


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


def parse_granularity(value: Any, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Buckets covering the interval (one bucket when no granularity is given)."""
    if value is None:
        return [(start, end)]
    m = _PERIOD.match(value) if isinstance(value, str) else None
    if not m or not any(m.groups()):
        raise bad_request(f"granularity {value!r} is not a supported ISO-8601 period", "granularity")
    w, d, h, mi, s = (int(x or 0) for x in m.groups())
    step = timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
    if step < timedelta(minutes=1):
        raise bad_request("granularity must be at least PT1M", "granularity")
    buckets = []
    t = start
    while t < end:
        buckets.append((t, min(t + step, end)))
        t += step
    return buckets


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
