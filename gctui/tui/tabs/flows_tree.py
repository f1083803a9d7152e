"""The Flows tab's tree: flows grouped by type; expanding a flow shows what it consumes.

Nothing is built before it is looked at: a group's flows are added when the group is first
expanded, a flow's consumed resources when the flow is. 10,000 flows cost ten group nodes until
someone opens a group. Nodes in a dependency cycle are marked ⟳ and drawn in the error colour;
references to deleted or missing resources are marked ✗. `/` (the shell's filter) narrows the
groups to the flows whose name or type matches (regex, `!` inverts).

Labels are rich ``Text`` built from names the service already cleaned: no markup is parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from gctui.tui.filtering import RowFilter, parse_filter

if TYPE_CHECKING:
    from gctui.services.flows import FlowGraph, Node, NodeKey

AUTO_EXPAND = 200  # a filter matching at most this many flows opens every group
CYCLE = "⟳ "
MISSING = "✗ "


@dataclass(frozen=True, slots=True)
class Item:
    kind: Literal["group", "node", "note"]
    key: NodeKey | None = None  # a graph node (kind "node")
    group: str = ""  # the flow type (kind "group")


def _sort_key(graph: FlowGraph, key: NodeKey) -> tuple[bool, str, str, NodeKey]:
    node = graph.nodes.get(key)
    name = node.name if node is not None else key[1]
    return (node is None or not node.is_flow, key[0], name.casefold(), key)


class FlowTree(Tree[Item]):
    """The tree. The tab gives it the graph (:meth:`show_graph`) and the nodes in cycles
    (:meth:`set_cycles`); it tells the tab which flows it wants read (:class:`WantFetch`)."""

    DEFAULT_CSS = """
    FlowTree { width: 1fr; height: 1fr; }
    """

    class WantFetch(Message):
        """A flow was expanded before its dependencies were read: read it next."""

        def __init__(self, flow_ids: list[str]) -> None:
            super().__init__()
            self.flow_ids = flow_ids

    class FilterApplied(Message):
        def __init__(self, matched: int, total: int) -> None:
            super().__init__()
            self.matched, self.total = matched, total

    def __init__(self, *, id: str | None = None, filter_delay: float = 0.15) -> None:
        super().__init__("flows", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.graph: FlowGraph | None = None
        self.cycle_nodes: frozenset[NodeKey] = frozenset()
        self.filter_delay = filter_delay
        self._filter = parse_filter("")
        self._filter_timer: Timer | None = None
        self._groups: dict[str, list[NodeKey]] = {}  # flow type -> its flows (filtered), by name
        self._totals: dict[str, int] = {}  # flow type -> its flows (unfiltered)
        self._group_nodes: dict[str, TreeNode[Item]] = {}
        self._top: dict[NodeKey, TreeNode[Item]] = {}  # a flow's node under its group
        self._by_key: dict[NodeKey, list[TreeNode[Item]]] = {}  # every tree node of a graph node
        self._filled: set[int] = set()  # ids of tree nodes whose children were added
        self._waiting: dict[NodeKey, list[TreeNode[Item]]] = {}  # expanded before read

    # -- what the tab gives -----------------------------------------------------------------

    def show_graph(self, graph: FlowGraph) -> None:
        """A new graph, or the same one changed much (a listing): regroup, keep what was open
        and the cursor where it was."""
        self.graph = graph
        self._rebuild()

    def set_cycles(self, nodes: Iterable[NodeKey]) -> None:
        new = frozenset(nodes)
        changed = new ^ self.cycle_nodes
        self.cycle_nodes = new
        for key in changed:
            self._relabel(key)

    def refresh_fetched(self) -> None:
        """Flows read since they were expanded: show what they consume now."""
        graph = self.graph
        if graph is None:
            return
        done = [
            k for k in self._waiting if (n := graph.nodes.get(k)) is not None and (n.fetched or n.fetch_error)
        ]
        for key in done:
            for tree_node in self._waiting.pop(key):
                if tree_node.tree is self and tree_node.is_expanded:
                    self._filled.discard(tree_node.id)
                    tree_node.remove_children()
                    self._fill_node(tree_node)
                elif tree_node.tree is self:
                    self._filled.discard(tree_node.id)
                    tree_node.remove_children()
                    tree_node.allow_expand = self._expandable(key)

    @property
    def waiting(self) -> list[str]:
        """Ids of the flows expanded before they were read."""
        return [k[1] for k in self._waiting]

    # -- filter (the shell's `/`) -------------------------------------------------------------

    @property
    def filter(self) -> RowFilter:
        return self._filter

    def apply_filter(self, text: str) -> None:
        self._filter = parse_filter(text)
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if self.filter_delay > 0 and self.is_mounted and text:
            self._filter_timer = self.set_timer(self.filter_delay, self._rebuild)
        else:
            self._rebuild()

    def matched(self) -> tuple[int, int]:
        """(flows shown by the filter, flows)."""
        return sum(len(v) for v in self._groups.values()), sum(self._totals.values())

    def shown_keys(self) -> set[NodeKey]:
        """The flows the filter shows (all of them when there is no filter)."""
        return {k for keys in self._groups.values() for k in keys}

    # -- jumping --------------------------------------------------------------------------------

    def jump_to(self, key: NodeKey) -> bool:
        """Put the cursor on ``key``: a flow under its group (opened), or a child of the cursor
        node. False when it is neither (a resource only reachable deeper in the tree)."""
        graph = self.graph
        if graph is None or key not in graph.nodes:
            return False
        cursor = self.cursor_node
        cursor_key = cursor.data.key if cursor is not None and cursor.data is not None else None
        if cursor is not None and cursor_key is not None and key in graph.consumes(cursor_key):
            if not cursor.is_expanded:
                cursor.expand()
                self._fill(cursor)
            for child in cursor.children:
                if child.data is not None and child.data.key == key:
                    self._move(child)
                    return True
        node = graph.nodes[key]
        if node.flow is None:
            return False
        group = node.flow.type
        if key not in self._top and self._filter.active and key not in self.shown_keys():
            self.apply_filter("")  # the filter hides it: show everything (the tab says so)
        group_node = self._group_nodes.get(group)
        if group_node is None:
            return False
        if not group_node.is_expanded:
            group_node.expand()
        self._fill(group_node)
        target = self._top.get(key)
        if target is None:
            return False
        self._move(target)
        return True

    def _move(self, node: TreeNode[Item]) -> None:
        self._tree_lines  # noqa: B018 - lines are built lazily; the node needs its line now
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def cursor_key(self) -> NodeKey | None:
        node = self.cursor_node
        return node.data.key if node is not None and node.data is not None else None

    def visible_flow_ids(self) -> list[str]:
        """The flows on screen, top to bottom: what to read first."""
        graph = self.graph
        if graph is None:
            return []
        top = int(self.scroll_offset.y)
        out: list[str] = []
        for line in range(top, top + self.size.height):
            node = self.get_node_at_line(line)
            if node is None or node.data is None or node.data.key is None:
                continue
            n = graph.nodes.get(node.data.key)
            if n is not None and n.listed and not n.fetched:
                out.append(n.id)
        return out

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        """What is opened is filled then, never before."""
        if event.node.tree is self:
            self._fill(event.node)

    # -- building ---------------------------------------------------------------------------------

    def _regroup(self) -> None:
        graph = self.graph
        groups: dict[str, list[NodeKey]] = {}
        totals: dict[str, int] = {}
        flt = self._filter
        if graph is not None:
            for node in graph.flows():
                assert node.flow is not None
                group = node.flow.type
                totals[group] = totals.get(group, 0) + 1
                if not flt.active or flt.matches_any((node.name, group, node.object_type)):
                    groups.setdefault(group, []).append(node.key)
            for keys in groups.values():
                keys.sort(key=lambda k: (graph.nodes[k].name.casefold(), k))
        self._groups, self._totals = groups, totals

    def _rebuild(self) -> None:
        self._filter_timer = None
        open_paths = self._open_paths()
        cursor = self._cursor_path()
        self._regroup()
        self.clear()
        self._group_nodes, self._top, self._by_key = {}, {}, {}
        self._filled, self._waiting = set(), {}
        shown, total = self.matched()
        auto = self._filter.active and shown <= AUTO_EXPAND
        for group in sorted(self._groups if self._filter.active else self._totals):
            keys = self._groups.get(group, [])
            node = self.root.add(
                self._group_label(group), Item("group", group=group), allow_expand=bool(keys)
            )
            self._group_nodes[group] = node
            if auto or (group,) in open_paths:
                node.expand()
                self._fill(node)
        for path in sorted(open_paths, key=len):
            self._reopen(path)
        if cursor:
            self._restore_cursor(cursor)
        elif self.root.children:
            self.cursor_line = 0  # a cursor from the start: the keys act on something visible
        self.post_message(self.FilterApplied(shown, total))

    def _open_paths(self) -> set[tuple[object, ...]]:
        """Each open node as the path of its items' keys from its group."""
        out: set[tuple[object, ...]] = set()

        def walk(node: TreeNode[Item], path: tuple[object, ...]) -> None:
            for child in node.children:
                if child.is_expanded and child.data is not None:
                    here = (*path, child.data.key or child.data.group)
                    out.add(here)
                    walk(child, here)

        walk(self.root, ())
        return out

    def _cursor_path(self) -> tuple[object, ...]:
        node = self.cursor_node
        path: list[object] = []
        while node is not None and node.data is not None:
            path.append(node.data.key or node.data.group)
            node = node.parent
        return tuple(reversed(path))

    def _find(self, path: tuple[object, ...]) -> TreeNode[Item] | None:
        node: TreeNode[Item] | None = self._group_nodes.get(str(path[0])) if path else None
        for step in path[1:]:
            if node is None:
                return None
            self._fill(node)
            node = next((c for c in node.children if c.data is not None and c.data.key == step), None)
        return node

    def _reopen(self, path: tuple[object, ...]) -> None:
        node = self._find(path)
        if node is not None and node.allow_expand:
            node.expand()
            self._fill(node)

    def _restore_cursor(self, path: tuple[object, ...]) -> None:
        for n in range(len(path), 0, -1):  # the node, else its nearest ancestor still there
            node = self._find(path[:n])
            if node is not None and (node.parent is None or node.parent.is_expanded or n == 1):
                self._move(node)
                return

    def _fill(self, node: TreeNode[Item]) -> None:
        if node.id in self._filled or node.data is None:
            return
        if node.data.kind == "group":
            self._filled.add(node.id)
            for key in self._groups.get(node.data.group, []):
                child = node.add(self._label(key), Item("node", key), allow_expand=self._expandable(key))
                self._top[key] = child
                self._by_key.setdefault(key, []).append(child)
        elif node.data.kind == "node":
            self._fill_node(node)

    def _fill_node(self, node: TreeNode[Item]) -> None:
        graph = self.graph
        assert graph is not None and node.data is not None and node.data.key is not None
        self._filled.add(node.id)
        key = node.data.key
        n = graph.nodes.get(key)
        if n is None:
            return
        if n.fetch_error:
            node.add_leaf(Text(f"could not be read: {n.fetch_error}", style="red"), Item("note"))
            return
        if n.is_flow and n.listed and not n.fetched:
            if n.published_version:
                node.add_leaf(Text("not read yet: reading it next…", style="italic"), Item("note"))
                self._waiting.setdefault(key, []).append(node)
                self.post_message(self.WantFetch([n.id]))
            else:
                node.add_leaf(Text("draft only: nothing published to read", style="italic"), Item("note"))
            return
        ancestors = self._ancestors(node)
        for child_key in sorted(graph.consumes(key), key=lambda k: _sort_key(graph, k)):
            if child_key in ancestors:
                label = self._label(child_key, child=True)
                label.append("  ↺ back up the tree", style="bold red")
                node.add_leaf(label, Item("node", child_key))
                continue
            child = node.add(
                self._label(child_key, child=True),
                Item("node", child_key),
                allow_expand=self._expandable(child_key),
            )
            self._by_key.setdefault(child_key, []).append(child)

    def _ancestors(self, node: TreeNode[Item]) -> set[NodeKey]:
        out: set[NodeKey] = set()
        current: TreeNode[Item] | None = node
        while current is not None:
            if current.data is not None and current.data.key is not None:
                out.add(current.data.key)
            current = current.parent
        return out

    def _expandable(self, key: NodeKey) -> bool:
        graph = self.graph
        n = graph.nodes.get(key) if graph is not None else None
        if n is None:
            return False
        if n.is_flow and n.listed and not n.fetched:
            return bool(n.published_version)  # expanding reads it (a draft has nothing to read)
        return bool(graph.consumes(key)) if graph is not None else False

    # -- labels -------------------------------------------------------------------------------------

    def _group_label(self, group: str) -> Text:
        total = self._totals.get(group, 0)
        shown = len(self._groups.get(group, []))
        count = f"{shown:,} of {total:,}" if self._filter.active else f"{total:,}"
        in_cycle = sum(1 for k in self._groups.get(group, []) if k in self.cycle_nodes)
        text = Text(group, style="bold")
        text.append(f"  {count}", style="dim")
        if in_cycle:
            text.append(f"  {CYCLE}{in_cycle} in cycles", style="bold red")
        return text

    def _label(self, key: NodeKey, *, child: bool = False) -> Text:
        graph = self.graph
        node: Node | None = graph.nodes.get(key) if graph is not None else None
        name = node.name if node is not None else key[1]
        cyclic = key in self.cycle_nodes
        missing = node is not None and node.missing
        text = Text()
        if cyclic:
            text.append(CYCLE, style="bold red")
        if missing:
            text.append(MISSING, style="red")
        text.append(name or key[1], style="bold red" if cyclic else ("red" if missing else ""))
        if child:
            text.append(f"  {key[0]}", style="dim")
        if node is not None:
            state = _state_note(node)
            if state:
                text.append(f"  {state}", style="red" if missing else "dim italic")
        return text

    def _relabel(self, key: NodeKey) -> None:
        for tree_node in self._by_key.get(key, []):
            if tree_node.tree is self:
                parent = tree_node.parent.data if tree_node.parent is not None else None
                tree_node.set_label(self._label(key, child=parent is not None and parent.kind == "node"))
        node = self.graph.nodes.get(key) if self.graph is not None else None
        if node is not None and node.flow is not None and node.flow.type in self._group_nodes:
            self._group_nodes[node.flow.type].set_label(self._group_label(node.flow.type))


def _state_note(node: Node) -> str:
    from gctui.services.flows import NodeState

    if node.deleted:
        return "deleted"
    if node.state_unknown:
        return "missing?"
    state = node.state
    if state is NodeState.UNLISTED:
        return "not listed"
    if state is NodeState.DRAFT:
        return "draft"
    if state is NodeState.CHANGED:
        return "changed"
    return ""
