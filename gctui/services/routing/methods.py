"""The routing method of a queue, from its configuration (analytics reference §4.4).

There is no routing-strategy entity: the method is read off the Queue (``bullseye.rings``,
``routingRules``, ``conditionalGroupRouting.rules``, ``lastAgentRoutingMode``, ``directRouting``,
``skillEvaluationMethod``) and the predictors (``/api/v2/routing/predictors``: a predictor
whose ``queues`` lists the queue). A queue that combines several gets its most specific one as
``method`` and all of them in ``methods``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gctui.genesys.models.routing import Predictor, Queue

# the most specific first: it is the queue's ``method``
METHODS = ("predictive", "direct", "conditional", "bullseye", "preferred", "last", "standard")


@dataclass(frozen=True, slots=True)
class QueueRouting:
    method: str
    methods: tuple[str, ...]
    skill_evaluation: str  # NONE / BEST / ALL ("" when the queue does not say)
    predictor_state: str | None = None  # the covering predictor's state (Created, Error, Active)


def predictors_by_queue(predictors: Iterable[Predictor]) -> dict[str, Predictor]:
    """queue id -> the predictor covering it (an Active one wins over others)."""
    out: dict[str, Predictor] = {}
    for p in predictors:
        for ref in p.queues:
            have = out.get(ref.id)
            if have is None or (have.state != "Active" and p.state == "Active"):
                out[ref.id] = p
    return out


def queue_routing(queue: Queue, predictor: Predictor | None = None) -> QueueRouting:
    found: set[str] = set()
    if predictor is not None:
        found.add("predictive")
    if queue.direct_routing:
        found.add("direct")
    if queue.conditional_group_routing is not None and queue.conditional_group_routing.rules:
        found.add("conditional")
    if queue.bullseye is not None and queue.bullseye.rings:
        found.add("bullseye")
    if queue.routing_rules:
        found.add("preferred")
    if queue.last_agent_routing_mode not in (None, "", "Disabled"):
        found.add("last")
    found.add("standard")
    methods = tuple(m for m in METHODS if m in found)
    return QueueRouting(
        method=methods[0],
        methods=methods,
        skill_evaluation=queue.skill_evaluation_method or "",
        predictor_state=predictor.state if predictor is not None else None,
    )
