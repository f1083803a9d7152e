"""The Flows tab as a user drives it, against the simulated org (seeded flows with planted
cycles, deleted references, drafts and at-risk actions) over loopback.

The witness is the simulator's own state: the edges of every flow's published version, networkx
on them for the cycles and a breadth-first search for the impact, and its dependency-tracking
request counters for what the tab fetched."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import httpx
import networkx as nx  # type: ignore[import-untyped]
import pytest

from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from gctui.tui.app import GctuiApp
from gctui.tui.tabs.actions import DataActionsTab
from gctui.tui.tabs.flows import FlowsTab
from gctui.tui.tabs.flows_tree import FlowTree
from tests.tui.conftest import make_app, wait_for


@pytest.fixture
async def sim() -> Any:
    config = SimConfig(actions=20, flows=60, queues=4, edges=1, rate_limit=100_000, token_rate_limit=1000)
    async with SimServer(config) as s:
        yield s


def org(sim: SimServer) -> Any:
    assert sim.runtime is not None
    return sim.runtime.org


def published_edges(sim: SimServer) -> dict[str, list[str]]:
    state = org(sim)
    out = {}
    for f in state.flows:
        pub = f.get("publishedVersion")
        if pub is not None:
            out[f["id"]] = [t for t, _, _ in state.flow_versions[f["id"]][pub["id"]]]
    return out


def cyclic_ids(sim: SimServer) -> set[str]:
    g = nx.DiGraph()
    g.add_edges_from((s, d) for s, ts in published_edges(sim).items() for d in ts)
    return {
        n
        for c in nx.strongly_connected_components(g)
        if len(c) > 1 or g.has_edge(next(iter(c)), next(iter(c)))
        for n in c
    }


def consumers_of(sim: SimServer, target: str) -> set[str]:
    edges = published_edges(sim)
    back: dict[str, set[str]] = {}
    for src, ts in edges.items():
        for t in ts:
            back.setdefault(t, set()).add(src)
    seen: set[str] = set()
    todo = deque([target])
    while todo:
        for src in back.get(todo.popleft(), ()):
            if src not in seen:
                seen.add(src)
                todo.append(src)
    seen.discard(target)
    return seen


async def control(sim: SimServer, method: str, path: str, body: object = None) -> Any:
    async with httpx.AsyncClient(base_url=sim.base_url) as client:
        resp = await client.request(method, f"/sim/control{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None


async def open_flows(pilot: Any, app: GctuiApp) -> FlowsTab:
    await pilot.press("3")
    tab = app.query_one(FlowsTab)
    await wait_for(
        pilot, lambda: tab.result is not None and tab.analysis is not None and not tab._analysing, 20
    )
    await wait_for(pilot, lambda: tab.problems is not None, 20)
    return tab


def tree_lines(tree: FlowTree) -> list[str]:
    return [line.node.label.plain for line in tree._tree_lines]


def children_ids(tree: FlowTree, key: tuple[str, str]) -> list[str]:
    node = tree._top[key]
    return [c.data.key[1] for c in node.children if c.data is not None and c.data.key is not None]


async def test_the_tree_groups_flows_by_type_and_expands_a_flow_into_what_it_consumes(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        tree = tab.tree()
        flows = org(sim).flows
        by_type: dict[str, int] = {}
        for f in flows:
            by_type[f["type"].upper()] = by_type.get(f["type"].upper(), 0) + 1
        groups = {n.data.group: n for n in tree.root.children if n.data is not None}
        assert set(groups) == set(by_type)
        for group, node in groups.items():
            assert f"{group}  {by_type[group]}" in node.label.plain
            assert not node.children  # lazily: nothing under a group before it is opened
        edges = published_edges(sim)
        flow_id = next(i for i, ts in edges.items() if len(ts) >= 2)
        key = tab.graph.flow_key(flow_id) if tab.graph else None
        assert key is not None
        assert tree.jump_to(key)
        await pilot.press("enter")  # expand the cursor flow
        await pilot.pause()
        assert sorted(children_ids(tree, key)) == sorted(set(edges[flow_id]))
        # drafts have nothing to expand
        draft = next(f for f in flows if "publishedVersion" not in f)
        draft_key = tab.graph.flow_key(draft["id"]) if tab.graph else None
        assert draft_key is not None and tree.jump_to(draft_key)
        assert not tree._top[draft_key].allow_expand
        assert "draft" in tree._top[draft_key].label.plain


async def test_cycles_are_marked_listed_and_enter_jumps_to_one(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        expected = cyclic_ids(sim)
        assert expected  # the seed plants cycles
        assert tab.analysis is not None
        assert {k[1] for k in tab.analysis.cycles.nodes()} == expected
        status = str(tab.query_one("#flows-status").render())
        assert f"⟳ {len(tab.analysis.cycles)} cycles" in status
        await pilot.press("c")
        await pilot.pause()
        assert tab.mode == "cycles"
        assert str(tab.query_one("#flows-pane-title").render()) == "Cycles"
        await pilot.press("tab")  # to the pane
        assert tab.pane().has_focus
        last = tab.analysis.cycles.cycles[-1]
        index = next(i for i, line in enumerate(tab._lines) if line.key == last.path[0])
        tab.pane().highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        tree = tab.tree()
        assert tree.has_focus and tree.cursor_key() == last.path[0]
        label = tree.cursor_node.label.plain if tree.cursor_node else ""
        assert label.startswith("⟳ ")


async def test_impact_follows_the_cursor_without_a_request(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        graph = tab.graph
        assert graph is not None
        edges = published_edges(sim)
        used: dict[str, int] = {}
        for ts in edges.values():
            for t in ts:
                if graph.flow_key(t) is not None:
                    used[t] = used.get(t, 0) + 1
        module = max(used, key=lambda t: (used[t], t))  # the most consumed flow
        key = graph.flow_key(module)
        assert key is not None
        before = org(sim).flow_state.requests()["total"]
        await control(sim, "GET", "/flows/requests")
        tree = tab.tree()
        assert tree.jump_to(key)
        await wait_for(pilot, lambda: tab._pane_key is not None and tab._pane_key[1] == key)
        shown = {line.key[1] for line in tab._lines if line.key is not None}
        assert shown == consumers_of(sim, module)
        assert "Impact of changing" in str(tab.query_one("#flows-pane-title").render())
        await pilot.press("down", "down", "up")
        await pilot.pause(0.3)
        assert org(sim).flow_state.requests()["total"] == before  # panes read the graph in memory
        await pilot.press("d")  # what it uses
        await pilot.pause()
        assert tab.mode == "dependencies"


async def test_slash_filters_the_tree_and_escape_clears(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        tree = tab.tree()
        tree.filter_delay = 0
        names = [f["name"] for f in org(sim).flows]
        word = "Emergency"
        expected = sum(word.casefold() in n.casefold() for n in names)
        assert 0 < expected < len(names)
        await pilot.press("slash", *word)
        await pilot.pause()
        assert tree.matched() == (expected, len(names))
        shown = [line for line in tree_lines(tree) if not line.split("  ")[0].isupper()]
        assert len(shown) == expected and all(word in line for line in shown)  # groups opened
        assert f"{expected} of {len(names)} flows" in str(tab.query_one("#flows-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert tree.matched() == (len(names), len(names)) and not tree.filter.active


async def test_e_and_E_export_the_impact_set_as_dot_and_mermaid(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        graph = tab.graph
        assert graph is not None
        target = next(i for i in consumers_of_any(sim) if consumers_of(sim, i))
        key = graph.flow_key(target)
        assert key is not None and tab.tree().jump_to(key)
        await pilot.pause(0.3)
        await pilot.press("e")
        await pilot.press("E")
        await pilot.pause()
        files = sorted((tmp_path / "exports").iterdir())
        assert [f.suffix for f in files] == [".dot", ".mmd"]
        dot, mermaid = (f.read_text() for f in files)
        assert dot.startswith("digraph") and mermaid.startswith(("flowchart", "%%", "---"))
        for consumer in consumers_of(sim, target):
            assert graph.nodes[graph.flow_key(consumer)].name in dot  # type: ignore[index]
        outside = next(f for f in org(sim).flows if f["id"] not in consumers_of(sim, target) | {target})
        assert f'"{outside["name"]}"' not in dot
        assert oct(files[0].stat().st_mode & 0o777) == "0o600"
        assert any("exported the impact of" in n.message for n in app._notifications)


def consumers_of_any(sim: SimServer) -> list[str]:
    return sorted({t for ts in published_edges(sim).values() for t in ts if t in org(sim).flow_by_id})


async def test_a_second_start_draws_from_the_cache_and_r_reads_only_what_was_republished(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        first = await open_flows(pilot, app)
        assert first.result is not None and first.result.fetched > 0
        cycles = len(first.analysis.cycles) if first.analysis else -1
    await control(sim, "DELETE", "/flows/requests")
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        assert (
            tab.result is not None
            and tab.result.fetched == 0
            and tab.result.reused == first.result.reused + first.result.fetched
        )
        assert tab.analysis is not None and len(tab.analysis.cycles) == cycles
        counters = await control(sim, "GET", "/flows/requests")
        assert counters["byEndpoint"].get("consumedresources", 0) == 0
        flow_id = next(iter(published_edges(sim)))
        await control(sim, "POST", f"/flows/{flow_id}/republish")
        await control(sim, "DELETE", "/flows/requests")
        tab.result = None
        await pilot.press("r")
        await wait_for(pilot, lambda: tab.result is not None, 20)
        assert tab.result is not None and tab.result.fetched == 1
        counters = await control(sim, "GET", "/flows/requests")
        assert set(counters["flows"]) == {flow_id}


async def test_problems_pane_and_a_opens_the_at_risk_action(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        assert tab.problems is not None
        kinds = {str(p.kind) for p in tab.problems.problems}
        assert {"deleted-dependency", "at-risk-action", "not-published"} <= kinds
        risky = next(i for i, line in enumerate(tab._lines) if line.related is not None)
        action = tab._lines[risky].related
        assert action is not None
        await pilot.press("tab")
        tab.pane().highlighted = risky
        await pilot.press("a")
        await pilot.pause()
        actions = app.query_one(DataActionsTab)
        assert app.active_tab() is actions
        name = tab.graph.nodes[action].name if tab.graph else ""
        await wait_for(pilot, lambda: actions.loaded, 20)
        view = actions.data_view()
        assert view.filter.active and len(view.visible_keys()) >= 1
        assert all(actions.rows[k].name == name for k in view.visible_keys())


async def test_a_stale_dependency_index_is_said_at_once(sim: SimServer, tmp_path: Path) -> None:
    await control(sim, "PUT", "/flows/build", {"status": "OPERATIONALNEEDSREBUILD"})
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        tab = app.query_one(FlowsTab)
        warning = tab.query_one("#flows-warning")
        await wait_for(pilot, lambda: warning.display)
        assert "OPERATIONALNEEDSREBUILD, not OPERATIONAL" in str(warning.render())


async def test_help_lists_the_tabs_keys_and_e_is_dot_here(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_flows(pilot, app)
        live = {e.spec.id for e in app.live_entries()}
        assert {"flows.impact", "flows.cycles", "flows.order", "flows.problems", "flows.export_dot"} <= live
        assert "app.export_csv" not in live and "app.retry" not in live
        bound = {b.binding.key: b.binding.action for b in app.screen.active_bindings.values()}
        assert bound["e"] == "export_graph('dot')" and bound["E"] == "export_graph('mermaid')"
        assert bound["R"] == "refresh_all"
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Export the shown view" in text and "Dependency cycles" in text


async def test_flows_that_cannot_be_read_are_said_and_r_reads_them(sim: SimServer, tmp_path: Path) -> None:
    """Dependency tracking answers 500 for every flow: the tree says why under each flow, the
    status line counts them, and once the server is well again `r` reads exactly those."""
    sim.control.script_fault(
        "GET", "/api/v2/architect/dependencytracking/consumedresources", 500, count=10_000
    )
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        published = published_edges(sim)
        assert tab.result is not None and set(tab.result.failed) == set(published)
        assert f"{len(published)} could not be read (r retries)" in str(
            tab.query_one("#flows-status").render()
        )
        flow_id = next(iter(published))
        key = tab.graph.flow_key(flow_id) if tab.graph else None
        assert key is not None and tab.tree().jump_to(key)
        await pilot.press("enter")
        await pilot.pause()
        (note,) = tab.tree()._top[key].children
        assert note.label.plain.startswith("could not be read: ")
        sim.control.clear_faults()
        tab.result = None
        await pilot.press("r")
        await wait_for(pilot, lambda: tab.result is not None, 20)
        assert tab.result is not None and tab.result.complete and tab.result.fetched == len(published)
        await wait_for(
            pilot, lambda: sorted(children_ids(tab.tree(), key)) == sorted(set(published[flow_id]))
        )


async def test_hostile_flow_names_reach_the_screen_as_plain_text(sim: SimServer, tmp_path: Path) -> None:
    """A flow name with escape codes and markup: cleaned before the tree, the pane and the export."""
    state = org(sim)
    victim = next(f for f in state.flows if "publishedVersion" in f)
    with state.lock:
        victim["name"] = "Evil \x1b[2J\x1b]0;pwned\x07[bold red]x[/] flow"
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        key = tab.graph.flow_key(victim["id"]) if tab.graph else None
        assert key is not None and tab.tree().jump_to(key)
        await pilot.pause(0.3)
        label = tab.tree()._top[key].label.plain
        assert "\x1b" not in label and "\x07" not in label and "[bold red]x[/]" in label
        screen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "\x1b" not in screen and "Evil" in screen


async def test_R_refetches_every_flow(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        published = published_edges(sim)
        await control(sim, "DELETE", "/flows/requests")
        tab.result = None
        await pilot.press("R")
        await wait_for(pilot, lambda: tab.result is not None, 20)
        assert tab.result is not None and tab.result.fetched == len(published) and tab.result.reused == 0
        counters = await control(sim, "GET", "/flows/requests")
        assert set(counters["flows"]) == set(published)


async def test_read_only_reads_everything_the_tab_shows(sim: SimServer, tmp_path: Path) -> None:
    """The tab only reads (the at-risk actions' statistics are a POST query, which read-only
    mode allows): the same cycles and problems as a read-write session."""
    app = make_app(sim, tmp_path, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        tab = await open_flows(pilot, app)
        assert tab.problems is not None and not tab.problems.errors
        assert {str(p.kind) for p in tab.problems.problems} >= {"at-risk-action", "deleted-dependency"}
        assert tab.analysis is not None and {k[1] for k in tab.analysis.cycles.nodes()} == cyclic_ids(sim)
