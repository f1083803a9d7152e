"""The dependency graph: flows and what they consume, keyed by ``(objectType, id)``.

Edges go consumer → consumed, exactly as Architect dependency tracking reports them
(``consumedresources`` of a flow's published version). A flow is keyed by its *dependency* type
(``INBOUNDCALLFLOW``), not its ``Flow.type`` (``INBOUNDCALL``), so a flow another flow consumes and
the same flow listed by ``GET /api/v2/flows`` are one node (reference §5c).

Plain Python (no networkx here: building this must stay cheap and import-light). Names are
cleaned (:func:`gctui.text.clean`) as they come in: server text never reaches a terminal raw.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from gctui.genesys.models.architect import FLOW_TYPE_TO_OBJECT_TYPE, Dependency, Flow, FlowVersion
from gctui.text import clean

NodeKey = tuple[str, str]  # (dependency objectType, id)

# Flow types terraform's map leaves out but dependency tracking has a ``…FLOW`` type for.
_EXTRA_OBJECT_TYPES = {
    "BUSINESSPROCESS": "BUSINESSPROCESSFLOW",
    "EMAILSEND": "EMAILSENDFLOW",
    "VOICESURVEY": "VOICESURVEYFLOW",
}
OBJECT_TYPE_OF_FLOW: dict[str, str] = {**FLOW_TYPE_TO_OBJECT_TYPE, **_EXTRA_OBJECT_TYPES}
FLOW_OBJECT_TYPES = frozenset(OBJECT_TYPE_OF_FLOW.values())
ACTION_OBJECT_TYPES = frozenset({"DATAACTION", "SECUREACTION"})  # a secure action is listed as SECUREACTION


def object_type_of(flow_type: str) -> str | None:
    """The dependency-tracking objectType of a ``Flow.type`` (``INBOUNDCALL`` → ``INBOUNDCALLFLOW``),
    or None for a type dependency tracking does not version (``SPEECH``)."""
    return OBJECT_TYPE_OF_FLOW.get(flow_type.upper())


def is_flow_type(object_type: str) -> bool:
    return object_type in FLOW_OBJECT_TYPES


class NodeState(enum.StrEnum):
    PUBLISHED = "published"  # published, nothing newer saved or checked in
    CHANGED = "changed"  # published, with saved or checked-in changes newer than the published version
    DRAFT = "draft"  # never published (draft only)
    UNLISTED = "unlisted"  # a flow something consumes that GET /flows does not list (deleted?)
    RESOURCE = "resource"  # not a flow: queue, data action, prompt, schedule, …


def version_key(version: str | None) -> tuple[int, ...] | None:
    """``"3.0"`` → ``(3, 0)``; None when not a dotted number."""
    if not version:
        return None
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return None


def is_newer(candidate: str | None, published: str | None) -> bool:
    """True when version ``candidate`` is newer than ``published`` (ids such as ``"4.0"``)."""
    if not candidate or candidate == published:
        return False
    if not published:
        return True
    a, b = version_key(candidate), version_key(published)
    return a is not None and b is not None and a > b


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """What the graph keeps of one ``Flow`` of the listing (small: it is cached on disk)."""

    id: str
    name: str
    type: str
    published_version: str | None = None
    saved_version: str | None = None
    checked_in_version: str | None = None
    division: str | None = None

    @classmethod
    def from_flow(cls, flow: Flow) -> FlowRecord:
        def vid(v: FlowVersion | None) -> str | None:
            return v.id if v is not None else None

        return cls(
            flow.id,
            clean(flow.name),
            flow.type.upper(),
            vid(flow.published_version),
            vid(flow.saved_version),
            vid(flow.checked_in_version),
            clean(flow.division.name) if flow.division and flow.division.name else None,
        )

    @property
    def object_type(self) -> str | None:
        return object_type_of(self.type)


class Ref(NamedTuple):
    """One consumed resource as dependency tracking reported it (an edge's target and flags).
    A named tuple: 50,000 of them are made when the cache is read, and that must stay cheap."""

    type: str
    id: str
    name: str = ""
    version: str | None = None
    deleted: bool = False
    updated: bool = False
    state_unknown: bool = False

    @classmethod
    def from_dependency(cls, dep: Dependency) -> Ref:
        return cls(
            dep.type.upper(),
            dep.id,
            clean(dep.name),
            dep.version,
            bool(dep.deleted),
            bool(dep.updated),
            bool(dep.state_unknown),
        )

    @property
    def key(self) -> NodeKey:
        return (self.type, self.id)


@dataclass(slots=True)
class Node:
    key: NodeKey
    name: str
    flow: FlowRecord | None = None  # set for a flow GET /flows listed
    deleted_refs: int = 0  # consumers whose reference says it was deleted
    unknown_refs: int = 0  # … or that its state is unknown (it may not exist)
    fetched: bool = False  # its consumed resources are in the graph (flows only)
    fetch_error: str | None = None  # why they could not be read

    @property
    def deleted(self) -> bool:
        return self.deleted_refs > 0

    @property
    def state_unknown(self) -> bool:
        return self.unknown_refs > 0

    @property
    def object_type(self) -> str:
        return self.key[0]

    @property
    def id(self) -> str:
        return self.key[1]

    @property
    def is_flow(self) -> bool:
        return is_flow_type(self.key[0])

    @property
    def listed(self) -> bool:
        return self.flow is not None

    @property
    def published_version(self) -> str | None:
        return self.flow.published_version if self.flow else None

    @property
    def state(self) -> NodeState:
        f = self.flow
        if f is None:
            return NodeState.UNLISTED if self.is_flow else NodeState.RESOURCE
        if not f.published_version:
            return NodeState.DRAFT
        if is_newer(f.saved_version, f.published_version) or is_newer(
            f.checked_in_version, f.published_version
        ):
            return NodeState.CHANGED
        return NodeState.PUBLISHED

    @property
    def is_published(self) -> bool:
        return self.state in (NodeState.PUBLISHED, NodeState.CHANGED)

    @property
    def missing(self) -> bool:
        """A reference to something that no longer exists (deleted, unknown, or a flow not listed)."""
        return self.deleted or self.state_unknown or self.state is NodeState.UNLISTED


@dataclass(eq=False)
class FlowGraph:
    """Nodes and consumer → consumed edges. Mutated in place by the crawler (on the event loop);
    take :meth:`copy` to hand a snapshot to another thread."""

    nodes: dict[NodeKey, Node] = field(default_factory=dict)
    _out: dict[NodeKey, dict[NodeKey, Ref]] = field(default_factory=dict, repr=False)
    _in: dict[NodeKey, set[NodeKey]] = field(default_factory=dict, repr=False)
    _flow_keys: dict[str, NodeKey] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------------------

    def add_flow(self, record: FlowRecord) -> Node:
        """Add or update a listed flow (its edges are kept)."""
        key: NodeKey = (record.object_type or record.type + "FLOW", record.id)
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(key, record.name, record)
        else:
            node.name, node.flow = record.name, record
        self._flow_keys[record.id] = key
        return node

    def set_consumed(self, key: NodeKey, refs: Iterable[Ref]) -> None:
        """Replace what ``key`` consumes (one flow's consumedresources) and mark it fetched."""
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(key, key[1])
        old = self._out.pop(key, {})
        self._unflag(old)
        new: dict[NodeKey, Ref] = {}
        nodes, incoming = self.nodes, self._in
        for ref in refs:
            target = (ref.type, ref.id)
            if target in new:  # one reference per target, as the API gives it
                continue
            new[target] = ref
            t = nodes.get(target)
            if t is None:
                t = nodes[target] = Node(target, ref.name or ref.id)
            elif ref.name and t.flow is None:
                t.name = ref.name
            if ref.deleted:
                t.deleted_refs += 1
            if ref.state_unknown:
                t.unknown_refs += 1
            consumers = incoming.get(target)
            if consumers is None:
                incoming[target] = {key}
            else:
                consumers.add(key)
        if new:
            self._out[key] = new
        for gone in old.keys() - new.keys():
            self._unlink(key, gone)
        node.fetched, node.fetch_error = True, None

    def _unflag(self, refs: dict[NodeKey, Ref]) -> None:
        """Take back the deleted/unknown flags these references gave their targets."""
        for target, ref in refs.items():
            if (ref.deleted or ref.state_unknown) and (t := self.nodes.get(target)) is not None:
                t.deleted_refs -= ref.deleted
                t.unknown_refs -= ref.state_unknown

    def set_fetch_error(self, key: NodeKey, error: str) -> None:
        node = self.nodes.get(key)
        if node is not None:
            node.fetch_error = error

    def clear_consumed(self, key: NodeKey) -> None:
        """Forget what ``key`` consumes (its version changed and is not fetched yet)."""
        old = self._out.pop(key, {})
        self._unflag(old)
        for gone in old:
            self._unlink(key, gone)
        if (node := self.nodes.get(key)) is not None:
            node.fetched = False

    def remove_flow(self, flow_id: str) -> None:
        """A flow the listing no longer has: its edges go; it stays as an unlisted node while
        something still consumes it (a dangling reference)."""
        key = self._flow_keys.pop(flow_id, None)
        if key is None:
            return
        self.clear_consumed(key)
        node = self.nodes[key]
        node.flow = None
        self._drop_if_orphan(key)

    def _unlink(self, src: NodeKey, dst: NodeKey) -> None:
        consumers = self._in.get(dst)
        if consumers is not None:
            consumers.discard(src)
            if not consumers:
                del self._in[dst]
        self._drop_if_orphan(dst)

    def _drop_if_orphan(self, key: NodeKey) -> None:
        node = self.nodes.get(key)
        if node is not None and node.flow is None and key not in self._in and key not in self._out:
            del self.nodes[key]

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, key: object) -> bool:
        return key in self.nodes

    def node(self, key: NodeKey) -> Node:
        return self.nodes[key]

    def flow_key(self, flow_id: str) -> NodeKey | None:
        return self._flow_keys.get(flow_id)

    def flows(self) -> Iterator[Node]:
        """Listed flows."""
        for key in self._flow_keys.values():
            yield self.nodes[key]

    def consumes(self, key: NodeKey) -> dict[NodeKey, Ref]:
        """What ``key`` consumes directly, with the reference each edge came from."""
        return self._out.get(key, {})

    def consumers(self, key: NodeKey) -> set[NodeKey]:
        """What consumes ``key`` directly."""
        return self._in.get(key, set())

    def edges(self) -> Iterator[tuple[NodeKey, NodeKey]]:
        for src, targets in self._out.items():
            for dst in targets:
                yield src, dst

    def edge_count(self) -> int:
        return sum(len(t) for t in self._out.values())

    def find(self, query: str) -> list[Node]:
        """Nodes whose id is ``query``, else whose name is (case-insensitively), else whose name
        contains it: for ``gctui flows impact NAME|ID``. Flows first, then by name."""
        q = query.strip()
        if not q:
            return []
        exact = [n for n in self.nodes.values() if n.id == q]
        if not exact:
            low = q.casefold()
            exact = [n for n in self.nodes.values() if n.name.casefold() == low]
            if not exact:
                exact = [n for n in self.nodes.values() if low in n.name.casefold()]
        return sorted(exact, key=lambda n: (not n.is_flow, n.name.casefold(), n.key))

    def copy(self) -> FlowGraph:
        g = FlowGraph()
        for key, n in self.nodes.items():
            g.nodes[key] = Node(key, n.name, n.flow, n.deleted_refs, n.unknown_refs, n.fetched, n.fetch_error)
        g._out = {k: dict(v) for k, v in self._out.items()}
        g._in = {k: set(v) for k, v in self._in.items()}
        g._flow_keys = dict(self._flow_keys)
        return g

    def subgraph(self, keys: Iterable[NodeKey]) -> FlowGraph:
        """The graph induced by ``keys`` (unknown keys are ignored)."""
        keep = {k for k in keys if k in self.nodes}
        g = FlowGraph()
        for key in keep:
            n = self.nodes[key]
            g.nodes[key] = Node(key, n.name, n.flow, n.deleted_refs, n.unknown_refs, n.fetched, n.fetch_error)
            if n.flow is not None:
                g._flow_keys[n.id] = key
        for src in keep:
            out = {d: r for d, r in self._out.get(src, {}).items() if d in keep}
            if out:
                g._out[src] = out
                for dst in out:
                    g._in.setdefault(dst, set()).add(src)
        return g


def build_graph(flows: Iterable[FlowRecord], consumed: Iterable[tuple[str, Iterable[Ref]]] = ()) -> FlowGraph:
    """A graph from listed flows and ``(flow id, refs)`` pairs (ids of unlisted flows are skipped)."""
    g = FlowGraph()
    for record in flows:
        g.add_flow(record)
    for flow_id, refs in consumed:
        key = g.flow_key(flow_id)
        if key is not None:
            g.set_consumed(key, refs)
    return g
