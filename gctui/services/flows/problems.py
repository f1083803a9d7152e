"""Problems a user should see, from the graph and from dependency tracking itself.

From the graph (no request): references to resources that were deleted or no longer exist, flows
with no published version or with saved/checked-in changes newer than the published one, flows
whose dependencies could not be read, and published flows that use an at-risk data action (the
Data actions service supplies the ids). From the API (three calls, as pool jobs):
``deletedresourceconsumers``, ``updatedresourceconsumers`` (needs a republish) and the build
status: when the index is not ``OPERATIONAL`` every answer of this service may be stale.

A fetch that fails is reported in ``errors`` (errors are data): the rest is still shown.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gctui.genesys.errors import GenesysError
from gctui.genesys.models.architect import DependencyObject, DependencyStatus
from gctui.genesys.pool import Job, WorkerPool
from gctui.services.flows.graph import ACTION_OBJECT_TYPES, FlowGraph, NodeKey, NodeState, is_flow_type
from gctui.services.flows.reach import flows_using_actions
from gctui.text import clean

OPERATIONAL = "OPERATIONAL"
GROUP = "flows-problems"


class Kind(enum.StrEnum):
    INDEX_NOT_OPERATIONAL = "index-not-operational"
    DELETED_DEPENDENCY = "deleted-dependency"  # consumes a resource that was deleted
    MISSING_DEPENDENCY = "missing-dependency"  # consumes something that no longer exists / is unknown
    NEEDS_REPUBLISH = "needs-republish"  # consumes a resource updated since it was published
    AT_RISK_ACTION = "at-risk-action"  # a published flow uses a data action whose timeout is at risk
    FETCH_FAILED = "fetch-failed"  # its consumed resources could not be read
    NOT_PUBLISHED = "not-published"  # draft only
    UNPUBLISHED_CHANGES = "unpublished-changes"  # saved/checked-in changes newer than published


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3


SEVERITY = {
    Kind.INDEX_NOT_OPERATIONAL: Severity.WARNING,
    Kind.DELETED_DEPENDENCY: Severity.ERROR,
    Kind.MISSING_DEPENDENCY: Severity.ERROR,
    Kind.NEEDS_REPUBLISH: Severity.WARNING,
    Kind.AT_RISK_ACTION: Severity.WARNING,
    Kind.FETCH_FAILED: Severity.WARNING,
    Kind.NOT_PUBLISHED: Severity.INFO,
    Kind.UNPUBLISHED_CHANGES: Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Problem:
    kind: Kind
    subject: NodeKey | None  # the flow (consumer) the problem is about; None: org-wide
    name: str  # the subject's name (cleaned)
    detail: str  # one line for a person (cleaned)
    related: tuple[NodeKey, ...] = ()  # the deleted/updated/missing resources, the at-risk action

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]


@dataclass(frozen=True, slots=True)
class ProblemReport:
    problems: list[Problem]
    index_status: str | None = None  # the build status, None when it could not be read
    errors: list[str] = field(default_factory=list)  # fetches that failed (what is missing and why)
    partial: bool = False  # the graph is not fully crawled: graph-derived problems may be missing

    @property
    def index_ok(self) -> bool:
        return self.index_status == OPERATIONAL

    def of_kind(self, kind: Kind) -> list[Problem]:
        return [p for p in self.problems if p.kind is kind]

    def counts(self) -> dict[Kind, int]:
        out: dict[Kind, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out


def _names(graph: FlowGraph, keys: Iterable[NodeKey], limit: int = 3) -> str:
    ks = list(keys)
    shown = [graph.nodes[k].name if k in graph else k[1] for k in ks[:limit]]
    more = f" and {len(ks) - limit} more" if len(ks) > limit else ""
    return ", ".join(shown) + more


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(
        problems, key=lambda p: (-p.severity, p.kind, p.name.casefold(), p.subject or ("", ""), p.related)
    )


def graph_problems(graph: FlowGraph, *, listing_complete: bool = True) -> list[Problem]:
    """Problems the graph shows by itself. ``listing_complete``: the flow listing is whole, so a
    consumed flow it does not list no longer exists (else that check is skipped)."""
    out: list[Problem] = []
    for node in graph.nodes.values():
        refs = graph.consumes(node.key)
        deleted = tuple(sorted(k for k, r in refs.items() if r.deleted))
        if deleted:
            out.append(
                Problem(
                    Kind.DELETED_DEPENDENCY,
                    node.key,
                    node.name,
                    f"consumes deleted {_names(graph, deleted)}",
                    deleted,
                )
            )
        missing = tuple(
            sorted(
                k
                for k, r in refs.items()
                if not r.deleted
                and (
                    r.state_unknown
                    or (
                        listing_complete and is_flow_type(k[0]) and graph.nodes[k].state is NodeState.UNLISTED
                    )
                )
            )
        )
        if missing:
            out.append(
                Problem(
                    Kind.MISSING_DEPENDENCY,
                    node.key,
                    node.name,
                    f"consumes {_names(graph, missing)}: no longer there (or state unknown)",
                    missing,
                )
            )
        if node.fetch_error:
            out.append(
                Problem(
                    Kind.FETCH_FAILED,
                    node.key,
                    node.name,
                    f"its dependencies could not be read: {node.fetch_error}",
                )
            )
        state = node.state
        if state is NodeState.DRAFT:
            out.append(Problem(Kind.NOT_PUBLISHED, node.key, node.name, "never published (draft only)"))
        elif state is NodeState.CHANGED and node.flow is not None:
            f = node.flow
            newer = " and ".join(
                f"{what} {v}"
                for what, v in (("saved", f.saved_version), ("checked in", f.checked_in_version))
                if v and v != f.published_version
            )
            out.append(
                Problem(
                    Kind.UNPUBLISHED_CHANGES,
                    node.key,
                    node.name,
                    f"{newer} newer than published {f.published_version}",
                )
            )
    return _sorted(out)


def at_risk_problems(
    graph: FlowGraph, action_risk: Mapping[str, str], *, transitive: bool = True
) -> list[Problem]:
    """``action_risk``: at-risk action id → why (from the Data actions service, e.g. "p99 2.8 s of
    a 3 s timeout"). One problem per published flow that uses such an action."""
    out: list[Problem] = []
    users = flows_using_actions(graph, action_risk.keys(), transitive=transitive)
    for action_id, flows in users.items():
        keys = [k for k in (("DATAACTION", action_id), ("SECUREACTION", action_id)) if k in graph]
        action_name = graph.nodes[keys[0]].name if keys else action_id
        why = clean(action_risk[action_id])
        for flow in flows:
            direct = any(k in graph.consumes(flow.key) for k in keys)
            how = "uses" if direct else "reaches (through another flow)"
            detail = f"{how} data action {action_name}" + (f": {why}" if why else "")
            out.append(Problem(Kind.AT_RISK_ACTION, flow.key, flow.name, detail, tuple(keys)))
    return _sorted(out)


def index_problem(status: DependencyStatus) -> Problem | None:
    """A warning when the dependency index is not OPERATIONAL (or needs a rebuild)."""
    state = clean(status.status) or "UNKNOWN"
    failed = len(status.failed_objects)
    if state == OPERATIONAL and not failed:
        return None
    if state == OPERATIONAL:
        detail = (
            f"dependency index is operational, but {failed} objects failed to index: answers may be wrong"
        )
    else:
        detail = f"dependency index is {state}, not {OPERATIONAL}: every answer here may be stale"
    return Problem(Kind.INDEX_NOT_OPERATIONAL, None, "dependency tracking", detail)


def _ref_key(obj_type: str, obj_id: str) -> NodeKey:
    return (obj_type.upper(), obj_id)


def consumer_problems(
    graph: FlowGraph, deleted: Iterable[DependencyObject], updated: Iterable[DependencyObject]
) -> list[Problem]:
    """Problems dependency tracking reports: consumers of deleted resources, and consumers of
    updated ones that need a republish."""
    out: list[Problem] = []
    for kind, objects, flag in (
        (Kind.DELETED_DEPENDENCY, deleted, "deleted"),
        (Kind.NEEDS_REPUBLISH, updated, "updated"),
    ):
        for obj in objects:
            key = _ref_key(obj.type, obj.id)
            name = graph.nodes[key].name if key in graph else clean(obj.name) or obj.id
            flagged = [d for d in obj.consumed_resources if getattr(d, flag)]
            related = tuple(sorted(_ref_key(d.type, d.id) for d in flagged))
            shown = ", ".join(clean(d.name) or d.id for d in flagged[:3])
            more = f" and {len(flagged) - 3} more" if len(flagged) > 3 else ""
            if kind is Kind.DELETED_DEPENDENCY:
                detail = f"consumes deleted {shown}{more}" if flagged else "consumes a deleted resource"
            else:
                what = f"{shown}{more}" if flagged else "a resource"
                detail = f"consumes {what} updated since it was published: republish it"
            out.append(Problem(kind, key, name, detail, related))
    return _sorted(out)


def merge(*groups: Iterable[Problem]) -> list[Problem]:
    """All problems, one per (kind, subject): dependency tracking and the graph often report the
    same deleted resource; the union of what each names is kept."""
    merged: dict[tuple[Kind, NodeKey | None], Problem] = {}
    for group in groups:
        for p in group:
            k = (p.kind, p.subject)
            if k not in merged:
                merged[k] = p
            else:
                old = merged[k]
                related = tuple(sorted(set(old.related) | set(p.related)))
                merged[k] = Problem(old.kind, old.subject, old.name, old.detail, related)
    return _sorted(merged.values())


class ProblemsApi(Protocol):
    """What :func:`fetch_problems` needs of :class:`gctui.genesys.api.GenesysApi`."""

    def deleted_resource_consumers(self) -> AsyncIterator[DependencyObject]: ...

    def updated_resource_consumers(self) -> AsyncIterator[DependencyObject]: ...

    async def dependency_build_status(self) -> DependencyStatus: ...


RiskFn = Callable[[list[str]], Awaitable[Mapping[str, str]]]


def consumed_action_ids(graph: FlowGraph) -> list[str]:
    """The ids of the data actions (secure or not) something in the graph consumes."""
    return sorted({key[1] for key in graph.nodes if key[0] in ACTION_OBJECT_TYPES and graph.consumers(key)})


async def fetch_problems(
    api: ProblemsApi,
    pool: WorkerPool,
    graph: FlowGraph,
    *,
    action_risk: Mapping[str, str] | None = None,
    risk_of: RiskFn | None = None,
    partial: bool = False,
) -> ProblemReport:
    """Every problem: the graph's own, plus three reads of dependency tracking (pool jobs, run
    together). ``risk_of(action ids)`` (e.g. :func:`gctui.services.actions.risk.at_risk_actions`)
    judges the consumed data actions' timeouts at the same time; ``action_risk`` gives that
    answer directly. ``partial``: the crawl is not complete (said in the report)."""

    def collect(it: Callable[[], AsyncIterator[DependencyObject]]) -> Callable[[Job[Any]], Any]:
        async def fn(job: Job[list[DependencyObject]]) -> list[DependencyObject]:
            return [o async for o in it()]

        return fn

    async def build(job: Job[DependencyStatus]) -> DependencyStatus:
        return await api.dependency_build_status()

    jobs: list[tuple[str, Job[Any]]] = [
        ("dependency build status", pool.submit("flows: dependency build status", build, group=GROUP)),
        (
            "consumers of deleted resources",
            pool.submit(
                "flows: deleted resource consumers", collect(api.deleted_resource_consumers), group=GROUP
            ),
        ),
        (
            "consumers of updated resources",
            pool.submit(
                "flows: updated resource consumers", collect(api.updated_resource_consumers), group=GROUP
            ),
        ),
    ]
    waits: list[Awaitable[Any]] = [j.wait() for _, j in jobs]
    ids = consumed_action_ids(graph) if risk_of is not None and action_risk is None else []
    if risk_of is not None and ids:
        waits.append(risk_of(ids))  # its own pool jobs
    results: list[Any] = []
    errors: list[str] = []
    try:
        outcomes = await asyncio.gather(*waits, return_exceptions=True)
    except asyncio.CancelledError:
        for _, j in jobs:
            j.cancel()
        raise
    if len(outcomes) > len(jobs):
        risk_outcome = outcomes.pop()
        if isinstance(risk_outcome, GenesysError):
            errors.append(f"the timeouts of {len(ids)} consumed data actions: {clean(risk_outcome)}")
        elif isinstance(risk_outcome, BaseException):
            raise risk_outcome
        else:
            action_risk = risk_outcome
    for (what, _), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, GenesysError):
            errors.append(f"{what}: {clean(outcome)}")
            results.append(None)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results.append(outcome)
    status, deleted, updated = results
    found: list[Problem] = []
    if isinstance(status, DependencyStatus) and (p := index_problem(status)) is not None:
        found.append(p)
    found = merge(
        found,
        consumer_problems(graph, deleted or [], updated or []),
        graph_problems(graph, listing_complete=True),
        at_risk_problems(graph, action_risk or {}),
    )
    return ProblemReport(
        found,
        clean(status.status) if isinstance(status, DependencyStatus) else None,
        errors,
        partial,
    )
