"""Flows: the Architect dependency graph, its cycles, impact, deploy order and problems.

Plain Python on :mod:`gctui.genesys` (never Textual). networkx is imported lazily, on the first
cycle or order computation, never at import time. The Flows tab and ``gctui flows …`` are thin
views over it::

    with FlowCache(default_cache_path(), scope) as cache:          # scope: one per org
        crawler = FlowsCrawler(session.api, session.pool, cache)
        graph = crawler.load_cached()                               # draw this first: no request
        result = await crawler.run(priority=visible_ids, on_progress=show)  # show(p): p.graph, p.summary()
        crawler.bump(ids_now_on_screen)                             # while it runs; crawler.cancel() stops it

    report = find_cycles(graph, partial=not result.complete)        # SCCs + one shortest cycle each
    reach = impact(graph, key)                                      # what breaks if key changes
    order = deploy_order(graph)                                     # order.blocked -> exit 1
    problems = await fetch_problems(session.api, session.pool, graph, action_risk={action_id: why})
    text = export(graph, "mermaid", impact_scope(graph, key), cycles=report)
"""

from __future__ import annotations

from gctui.services.flows.cache import CacheStatus, FlowCache, default_cache_path
from gctui.services.flows.crawl import (
    CrawlProgress,
    CrawlResult,
    FlowsApi,
    FlowsCrawler,
    Phase,
    ProgressFn,
)
from gctui.services.flows.cycles import Cycle, CycleReport, find_cycles
from gctui.services.flows.export import (
    FORMATS,
    Format,
    dot_string,
    export,
    impact_scope,
    mermaid_text,
    to_dot,
    to_mermaid,
)
from gctui.services.flows.graph import (
    FlowGraph,
    FlowRecord,
    Node,
    NodeKey,
    NodeState,
    Ref,
    build_graph,
    object_type_of,
)
from gctui.services.flows.order import (
    Analysis,
    DeployOrder,
    DeployStep,
    analyse,
    deploy_order,
    impact_order,
)
from gctui.services.flows.problems import (
    Kind,
    Problem,
    ProblemReport,
    Severity,
    at_risk_problems,
    consumer_problems,
    fetch_problems,
    graph_problems,
    index_problem,
)
from gctui.services.flows.reach import Reach, Reached, dependencies, flows_using_actions, impact

__all__ = [
    "FORMATS",
    "Analysis",
    "CacheStatus",
    "CrawlProgress",
    "CrawlResult",
    "Cycle",
    "CycleReport",
    "DeployOrder",
    "DeployStep",
    "FlowCache",
    "FlowGraph",
    "FlowRecord",
    "FlowsApi",
    "FlowsCrawler",
    "Format",
    "Kind",
    "Node",
    "NodeKey",
    "NodeState",
    "Phase",
    "Problem",
    "ProblemReport",
    "ProgressFn",
    "Reach",
    "Reached",
    "Ref",
    "Severity",
    "analyse",
    "at_risk_problems",
    "build_graph",
    "consumer_problems",
    "default_cache_path",
    "dependencies",
    "deploy_order",
    "dot_string",
    "export",
    "fetch_problems",
    "find_cycles",
    "flows_using_actions",
    "graph_problems",
    "impact",
    "impact_order",
    "impact_scope",
    "index_problem",
    "mermaid_text",
    "object_type_of",
    "to_dot",
    "to_mermaid",
]
