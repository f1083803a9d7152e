"""The Flows tab: the Architect dependency graph as a tree of flows by type, its cycles, the
impact of a change, the safe publish order and the problems, over the cached, incremental crawl
of ``gctui.services.flows`` (the same one ``gctui flows`` runs).

The graph as last cached is drawn first (no request); then the crawl lists the flows and reads
only what was published since, the flows on screen (or just expanded) first. While it runs the
status line counts, cycles are recomputed now and then on a copy of the graph in a thread (and
said to be partial), and the tree fills in what it was waiting for. Panes (`i`, `d`, `c`, `o`,
`p`) are computed from the graph in memory: moving the cursor never sends a request.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gctui.text import clean
from gctui.tui.tabs.base import FeatureTab
from gctui.tui.tabs.flows_keys import ACTIONS, TAB
from gctui.tui.tabs.flows_panes import Line, Mode, Pane, cycles_pane, order_pane, problems_pane, reach_pane
from gctui.tui.tabs.flows_tree import FlowTree

if TYPE_CHECKING:
    from textual.widget import Widget
    from textual.widgets import Tree

    from gctui.genesys.session import Session
    from gctui.services.flows import (
        Analysis,
        CrawlProgress,
        CrawlResult,
        FlowCache,
        FlowGraph,
        FlowsCrawler,
        NodeKey,
        ProblemReport,
    )
    from gctui.tui.context import TabContext
    from gctui.tui.tabs.flows_tree import Item

TICK_SECONDS = 0.5
ANALYSE_EVERY = 0.05  # recompute cycles when this share of the flows to read came in since
ANALYSE_MIN_SECONDS = 3.0  # … and not more often than this during a crawl
PANE_DELAY = 0.1  # the pane follows the cursor after it rests this long


class GraphLoaded(Message):
    def __init__(self, crawler: FlowsCrawler | None, problem: str | None = None) -> None:
        super().__init__()
        self.crawler, self.problem = crawler, problem


class FlowsListed(Message):
    """The cached listing, without edges: the first frame of a big org."""

    def __init__(self, graph: FlowGraph) -> None:
        super().__init__()
        self.graph = graph


class CrawlEnded(Message):
    def __init__(self, result: CrawlResult | None, problem: str | None = None) -> None:
        super().__init__()
        self.result, self.problem = result, problem


class Analysed(Message):
    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.analysis = analysis


class ProblemsRead(Message):
    def __init__(self, report: ProblemReport | None, problem: str | None = None) -> None:
        super().__init__()
        self.report, self.problem = report, problem


class IndexRead(Message):
    def __init__(self, status: str | None) -> None:
        super().__init__()
        self.status = status


class FlowsTab(FeatureTab):
    TAB = TAB
    ACTIONS = ACTIONS
    DEFAULT_CSS = """
    FlowsTab { height: 1fr; }
    FlowsTab #flows-status { height: 1; padding: 0 1; color: $text-muted;
                             text-wrap: nowrap; text-overflow: ellipsis; }
    FlowsTab #flows-warning { height: auto; padding: 0 1; color: $warning; display: none; }
    FlowsTab #flows-body { height: 1fr; }
    FlowsTab #flows-side { width: 45%; border-left: vkey $surface-lighten-2; }
    FlowsTab #flows-pane-title { height: 1; padding: 0 1; text-style: bold;
                                 text-wrap: nowrap; text-overflow: ellipsis; }
    FlowsTab #flows-pane { height: 1fr; border: none; padding: 0; }
    """

    def __init__(self) -> None:
        super().__init__(id="flows-tab")
        self.session: Session | None = None
        self.crawler: FlowsCrawler | None = None
        self.cache: FlowCache | None = None
        self.analysis: Analysis | None = None
        self.problems: ProblemReport | None = None
        self.result: CrawlResult | None = None
        self.mode: Mode = "impact"
        self.order_org = False
        self.index_status: str | None = None
        self._tab_context: TabContext | None = None
        self._progress: CrawlProgress | None = None
        self._phase = ""
        self._crawl_problem: str | None = None
        self._problems_loading = False
        self._analysing = False
        self._analysed_at = -1  # flows read when the last analysis started
        self._analysed_time = 0.0
        self._stale_analysis = False
        self._bumped: list[str] = []
        self._lines: list[Line] = []
        self._pane_key: tuple[object, ...] | None = None
        self._pane_timer: Timer | None = None
        self._shown_status = ""
        self._crawl_started = 0.0
        self._refetch_after = False
        self._preview: FlowGraph | None = None  # the cached listing while the graph loads

    def compose(self) -> ComposeResult:
        yield Static("waiting for the org…", id="flows-status", markup=False)
        yield Static("", id="flows-warning", markup=False)
        with Horizontal(id="flows-body"):
            yield FlowTree(id="flows-tree")
            with Vertical(id="flows-side"):
                yield Static("Impact", id="flows-pane-title", markup=False)
                yield OptionList(id="flows-pane")

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self._tick)

    def on_unmount(self) -> None:
        if self.crawler is not None:
            self.crawler.cancel()
        if self.cache is not None:
            self.cache.close()

    # -- the shell's questions -----------------------------------------------------------------

    def tree(self) -> FlowTree:
        return self.query_one("#flows-tree", FlowTree)

    def pane(self) -> OptionList:
        return self.query_one("#flows-pane", OptionList)

    def filter_target(self) -> FlowTree:
        return self.tree()

    def focus_target(self) -> Widget:
        return self.tree()

    def filter_changed(self, view: object) -> None:
        self._render_status()

    @property
    def graph(self) -> FlowGraph | None:
        return self.crawler.graph if self.crawler is not None else None

    @property
    def partial(self) -> bool:
        return self.result is None or not self.result.complete

    # -- lifecycle -----------------------------------------------------------------------------------

    def attach(self, context: TabContext) -> None:
        self._tab_context = context
        self.session = context.session
        self.run_worker(self._open(context), name="flows: cache", group="flows-load", exit_on_error=False)
        self.run_worker(
            self._read_index(), name="flows: index status", group="flows-index", exit_on_error=False
        )

    async def _open(self, context: TabContext) -> None:
        from gctui.services.flows import FlowCache, FlowsCrawler, default_cache_path
        from gctui.services.health.store import history_scope

        opts = context.profile.options
        scope = history_scope(context.profile.name, opts.region.api_base, opts.client_id)  # as the CLI's
        path = default_cache_path()
        try:
            cache = await asyncio.to_thread(FlowCache, path, scope)
        except (OSError, sqlite3.Error) as exc:
            self.post_message(GraphLoaded(None, f"cannot open the flows cache {path}: {exc}"))
            return
        self.cache = cache
        listed = await asyncio.to_thread(cache.listing_graph)  # the flows by type, at once
        if len(listed):
            self.post_message(FlowsListed(listed))
        crawler = FlowsCrawler(context.session.api, context.session.pool, cache)
        await asyncio.to_thread(crawler.load_cached)  # ~0.25 s at 10,000 flows: off the loop
        self.post_message(GraphLoaded(crawler))

    def on_flows_listed(self, message: FlowsListed) -> None:
        if self.crawler is None:
            self._preview = message.graph
            self.tree().show_graph(message.graph)
            self._render_status()

    def on_graph_loaded(self, message: GraphLoaded) -> None:
        if message.crawler is None:
            self._crawl_problem = message.problem
            self.notify(clean(message.problem), severity="error", timeout=10, markup=False)
            self._render_status()
            return
        self.crawler = message.crawler
        self._preview = None
        self.tree().show_graph(message.crawler.graph)
        self._analyse()
        self._crawl(force=False)

    async def _read_index(self) -> None:
        from gctui.genesys.errors import GenesysError

        assert self.session is not None
        api = self.session.api

        async def read(job: object) -> str:
            return (await api.dependency_build_status()).status

        try:
            status = await self.session.pool.submit("flows: index status", read, group="flows-index").wait()
        except GenesysError:
            status = None  # the problems pane says why, once it reads the index again
        self.post_message(IndexRead(clean(status) if status else None))

    def on_index_read(self, message: IndexRead) -> None:
        self._set_index(message.status)

    def _set_index(self, status: str | None) -> None:
        from gctui.services.flows.problems import OPERATIONAL

        self.index_status = status
        warning = self.query_one("#flows-warning", Static)
        if status is not None and status != OPERATIONAL:
            warning.update(
                f"⚠ the dependency index is {status}, not {OPERATIONAL}: every answer here may be stale"
            )
            warning.display = True
        else:
            warning.display = False

    # -- the crawl -------------------------------------------------------------------------------

    def _crawl(self, *, force: bool) -> None:
        if self.crawler is None:
            return
        if self.crawler.running:
            if force:  # after the running crawl has unwound (on_crawl_ended)
                self._refetch_after = True
                self.crawler.cancel()
            return
        self._crawl_problem = None
        self._crawl_started = time.monotonic()
        self.run_worker(self._run_crawl(force), name="flows: crawl", group="flows-crawl", exclusive=True,
                        exit_on_error=False)  # fmt: skip

    async def _run_crawl(self, force: bool) -> None:
        from gctui.genesys.errors import GenesysError

        crawler = self.crawler
        assert crawler is not None
        try:
            result = await crawler.run(
                force=force, priority=self.tree().visible_flow_ids(), on_progress=self._on_progress
            )
        except GenesysError as exc:
            self.post_message(CrawlEnded(None, clean(exc)))
            return
        self.post_message(CrawlEnded(result))

    def _on_progress(self, progress: CrawlProgress) -> None:
        self._progress = progress  # drawn by the tick: reports come faster than frames

    def on_crawl_ended(self, message: CrawlEnded) -> None:
        if message.result is None:
            self._crawl_problem = message.problem
            self.notify(f"flows: {message.problem} (what was read is cached; r retries)", severity="error",
                        timeout=10, markup=False)  # fmt: skip
        else:
            self.result = message.result
            if message.result.cancelled:
                self._render_status()
                if self._refetch_after:
                    self._refetch_after = False
                    self._crawl(force=True)
                return
            self.tree().show_graph(message.result.graph)  # edges of open nodes may have changed
            self._read_problems()
        self._stale_analysis = True
        self._analyse()
        self._render_status()
        self._refresh_pane(force=True)

    def _read_problems(self) -> None:
        self._problems_loading = True
        self.run_worker(
            self._problems_worker(),
            name="flows: problems",
            group="flows-problems",
            exclusive=True,
            exit_on_error=False,
        )
        if self.mode == "problems":
            self._refresh_pane(force=True)

    async def _problems_worker(self) -> None:
        from gctui.genesys.errors import GenesysError
        from gctui.services.actions.risk import at_risk_actions
        from gctui.services.flows import fetch_problems

        assert self.session is not None and self._tab_context is not None and self.crawler is not None
        session, settings = self.session, self._tab_context.profile.actions

        def risk_of(ids: list[str]) -> object:
            return at_risk_actions(session.api, session.pool, settings, ids)

        try:
            report = await fetch_problems(
                session.api,
                session.pool,
                self.crawler.graph,
                risk_of=risk_of,
                partial=self.partial,  # type: ignore[arg-type]
            )
        except GenesysError as exc:
            self.post_message(ProblemsRead(None, clean(exc)))
            return
        self.post_message(ProblemsRead(report))

    def on_problems_read(self, message: ProblemsRead) -> None:
        self._problems_loading = False
        if message.report is None:
            self.notify(
                f"flows: problems could not be read: {message.problem}", severity="error", markup=False
            )
        else:
            self.problems = message.report
            self._set_index(message.report.index_status)
        self._render_status()
        if self.mode == "problems":
            self._refresh_pane(force=True)

    # -- analysis (cycles and the org's order), off the loop ------------------------------------

    def _analyse(self) -> None:
        graph = self.graph
        if graph is None or self._analysing:
            return
        p = self._progress
        self._analysed_at = p.done if p is not None else 0
        self._analysed_time = time.monotonic()
        self._stale_analysis = False
        self._analysing = True
        snapshot = graph.copy()  # the crawl changes the graph on the loop while the thread reads
        self.run_worker(
            self._analyse_worker(snapshot, self.partial),
            name="flows: cycles",
            group="flows-analyse",
            exit_on_error=False,
        )

    async def _analyse_worker(self, graph: FlowGraph, partial: bool) -> None:
        from gctui.services.flows import analyse

        try:
            analysis = await asyncio.to_thread(analyse, graph, partial=partial)
        finally:
            self._analysing = False
        self.post_message(Analysed(analysis))

    def on_analysed(self, message: Analysed) -> None:
        self.analysis = message.analysis
        self.tree().set_cycles(message.analysis.cycles.nodes())
        self._render_status()
        if self.mode in ("cycles", "order"):
            self._refresh_pane(force=True)
        if self._stale_analysis:
            self._analyse()

    def _analysis_due(self) -> bool:
        p = self._progress
        if p is None or self._analysing or self.crawler is None or not self.crawler.running:
            return False
        step = max(25, int(p.to_fetch * ANALYSE_EVERY))
        return (
            p.done - self._analysed_at >= step
            and time.monotonic() - self._analysed_time >= ANALYSE_MIN_SECONDS
        )

    # -- the tick: status, tree, priorities -------------------------------------------------------

    def _tick(self) -> None:
        crawler = self.crawler
        if crawler is None:
            return
        p = self._progress
        tree = self.tree()
        if p is not None and p.phase != self._phase:
            self._phase = str(p.phase)
            if p.phase.value == "fetching":  # the listing is in: new and gone flows
                tree.show_graph(crawler.graph)
        tree.refresh_fetched()
        if crawler.running:
            wanted = tree.waiting + tree.visible_flow_ids()
            if wanted and wanted != self._bumped:
                crawler.bump(wanted)
                self._bumped = wanted
        if self._analysis_due():
            self._analyse()
        self._render_status()

    def on_flow_tree_want_fetch(self, message: FlowTree.WantFetch) -> None:
        if self.crawler is not None and self.crawler.running:
            self.crawler.bump(message.flow_ids)
        elif self.crawler is not None:
            self._crawl(force=False)  # a flow not read (failed before): try it now

    def on_flow_tree_filter_applied(self, message: FlowTree.FilterApplied) -> None:
        self._render_status()

    def _render_status(self) -> None:
        text = self._status_text()
        if text != self._shown_status:
            self._shown_status = text
            self.query_one("#flows-status", Static).update(text)

    def _status_text(self) -> str:
        graph = self.graph
        if graph is None:
            if self._preview is not None:
                return f"{len(self._preview):,} flows (cached) · reading what they consume from the cache…"
            return self._crawl_problem or "opening the flows cache…"
        from gctui.services.flows import Phase

        tree = self.tree()
        shown, total = tree.matched()
        parts = [f"{shown:,} of {total:,} flows" if tree.filter.active else f"{total:,} flows"]
        a = self.analysis
        if a is not None:
            n = len(a.cycles)
            parts.append(
                ("no cycles" if not n else f"⟳ {n} cycle{'s' * (n != 1)}")
                + (" so far" if a.cycles.partial else "")
            )
        p = self._progress
        if self._crawl_problem:
            parts.append(f"stopped: {self._crawl_problem} (r retries)")
        elif p is None or p.phase is Phase.CACHED:
            parts.append("from the cache; listing…" if total else "listing…")
        elif p.phase is Phase.LISTING:
            parts.append(p.summary())
        elif p.phase is Phase.FETCHING:
            parts.append(f"reading {p.done:,}/{p.to_fetch:,}{self._eta(p)}, {p.reused:,} cached")
        elif p.phase is Phase.CANCELLED:
            parts.append("crawl cancelled")
        else:
            read = f"read {p.fetched:,}, {p.reused:,} cached"
            parts.append(read + (f", {p.failed} could not be read (r retries)" if p.failed else ""))
        if self._problems_loading:
            parts.append("problems…")
        elif self.problems is not None:
            n = len(self.problems.problems)
            parts.append(f"{n} problem{'s' * (n != 1)}")
        return " · ".join(parts)

    def _eta(self, p: CrawlProgress) -> str:
        elapsed = time.monotonic() - self._crawl_started
        if p.done < 10 or elapsed < 2:
            return ""
        todo = p.to_fetch - p.done
        left = todo * elapsed / p.done  # at the pace so far…
        if self.session is not None:  # …but past the budget left, at the rate limit's pace
            budget = self.session.client.governor.status()
            over = todo - max(0, budget.limit - budget.used - budget.in_flight)
            if over > 0 and budget.limit > 0:
                left = max(left, over * budget.window / budget.limit)
        return f" (~{left / 60:.0f} min left)" if left >= 90 else f" (~{left:.0f} s left)"

    # -- the pane -------------------------------------------------------------------------------------

    def action_pane(self, mode: str) -> None:
        if mode == "order" and self.mode == "order":
            self.order_org = not self.order_org  # `o` again: the whole org / the cursor's impact
        self.mode = mode  # type: ignore[assignment]
        self._refresh_pane(force=True)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        if self.mode in ("impact", "dependencies", "order"):
            if self._pane_timer is not None:
                self._pane_timer.stop()
            self._pane_timer = self.set_timer(PANE_DELAY, self._refresh_pane)

    def _refresh_pane(self, *, force: bool = False) -> None:
        self._pane_timer = None
        graph = self.graph
        if graph is None:
            return
        key = self.tree().cursor_key()
        state = (self.mode, key, self.order_org, id(self.analysis), id(self.problems), len(graph))
        if not force and state == self._pane_key:
            return
        self._pane_key = state
        pane = self._pane(graph, key)
        self.query_one("#flows-pane-title", Static).update(pane.title)
        self._lines = pane.lines
        options = self.pane()
        options.clear_options()
        options.add_options([Option(line.text, disabled=line.heading) for line in pane.lines])

    def _pane(self, graph: FlowGraph, key: NodeKey | None) -> Pane:
        from gctui.services.flows import dependencies, impact, impact_order

        partial = self.partial
        if self.mode in ("impact", "dependencies"):
            if key is None or key not in graph.nodes:
                return _hint(
                    "Impact" if self.mode == "impact" else "Uses", "put the cursor on a flow or a resource"
                )
            if self.mode == "impact":
                return reach_pane(graph, impact(graph, key), impact=True, partial=partial)
            return reach_pane(graph, dependencies(graph, key), impact=False, partial=partial)
        if self.mode == "cycles":
            if self.analysis is None:
                return _hint("Cycles", "looking for cycles…")
            return cycles_pane(graph, self.analysis.cycles)
        if self.mode == "order":
            if self.order_org or key is None or key not in graph.nodes:
                if self.analysis is None:
                    return _hint("Publish order", "computing…")
                return order_pane(graph, self.analysis.order, scope="the whole org (o: the cursor's impact)")
            name = graph.nodes[key].name or key[1]
            order = impact_order(graph, key, partial=partial)
            return order_pane(graph, order, scope=f"after changing {name} (o: whole org)")
        return problems_pane(graph, self.problems, loading=self._problems_loading)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self._lines):
            return
        line = self._lines[event.option_index]
        if line.key is not None:
            self._jump(line.key)

    def _jump(self, key: NodeKey) -> None:
        graph = self.graph
        tree = self.tree()
        if graph is None:
            return
        filtered = tree.filter.active
        if tree.jump_to(key) or self._jump_via_consumer(graph, key):
            if filtered and not tree.filter.active:
                self.notify("the filter hid it: cleared", timeout=3)
            tree.focus()
            return
        node = graph.nodes.get(key)
        self.notify(
            f"{clean(node.name if node else key[1])} is not in the tree", severity="warning", markup=False
        )

    def _jump_via_consumer(self, graph: FlowGraph, key: NodeKey) -> bool:
        """A resource: open the first flow that consumes it and put the cursor on it there."""
        tree = self.tree()
        consumers = sorted(
            (k for k in graph.consumers(key) if graph.nodes[k].listed),
            key=lambda k: (graph.nodes[k].name.casefold(), k),
        )
        return bool(consumers) and tree.jump_to(consumers[0]) and tree.jump_to(key)

    def action_toggle_focus(self) -> None:
        tree, pane = self.tree(), self.pane()
        (pane if tree.has_focus else tree).focus()

    async def action_open_action(self) -> None:
        """On an at-risk-action problem: the Data actions tab, filtered to that action."""
        index = self.pane().highlighted
        line = self._lines[index] if index is not None and index < len(self._lines) else None
        graph = self.graph
        if line is None or line.related is None or graph is None:
            self.notify("a opens the data action of an at-risk problem (p, then a line)", timeout=4)
            return
        if not any(t.TAB.id == "actions" for t in self.app.TABS):  # type: ignore[attr-defined]
            return
        name = graph.nodes[line.related].name if line.related in graph.nodes else line.related[1]
        await self.app.action_show_tab("actions")  # type: ignore[attr-defined]
        self.app.command_filter(re.escape(name))  # type: ignore[attr-defined]

    # -- keys ---------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.query(".tab-failure").remove()
        if self.crawler is None and self._tab_context is not None:
            self.attach_again()
            return
        self._crawl(force=False)

    def attach_again(self) -> None:
        assert self._tab_context is not None
        self.run_worker(
            self._open(self._tab_context), name="flows: cache", group="flows-load", exit_on_error=False
        )

    def retry(self) -> None:
        self.action_reload()

    def action_refresh_all(self) -> None:
        self.notify(
            "refetching what every flow consumes (the cached graph stays until each is read)", timeout=4
        )
        self._crawl(force=True)

    def action_find(self) -> None:
        from gctui.tui.widgets.prompt import PromptBar

        self.app.query_one(PromptBar).open("command", "find ")

    def command_find(self, text: str) -> None:
        graph = self.graph
        if graph is None:
            self.notify("the flows are not loaded yet", severity="warning")
            return
        found = graph.find(text)
        if not found:
            self.notify(f"no flow or resource has the id or name {text!r}", severity="error", markup=False)
            return
        if len(found) > 1:
            self.notify(
                f"{len(found)} match {text!r}; showing the first: {found[0].name}", timeout=4, markup=False
            )
        self._jump(found[0].key)

    def action_export_graph(self, fmt: str) -> None:
        from gctui.services.flows import export, impact_scope
        from gctui.tui.export import default_export_dir, export_text

        graph = self.graph
        if graph is None:
            self.notify("nothing to export yet", severity="warning")
            return
        key = self.tree().cursor_key()
        keys: set[NodeKey] | None = None
        what = "the whole graph"
        if self.mode in ("impact", "dependencies") and key is not None and key in graph.nodes:
            from gctui.services.flows import dependencies

            name = graph.nodes[key].name or key[1]
            if self.mode == "impact":
                keys, what = impact_scope(graph, key), f"the impact of {name}"
            else:
                keys, what = {key, *dependencies(graph, key).keys()}, f"what {name} uses"
        elif self.mode == "cycles" and self.analysis is not None and self.analysis.cycles:
            index = self.pane().highlighted
            line = self._lines[index] if index is not None and index < len(self._lines) else None
            cycle = self.analysis.cycles.component_of(line.key) if line and line.key else None
            if cycle is not None:
                keys, what = set(cycle.nodes), f"cycle {cycle.index}"
            else:
                keys, what = self.analysis.cycles.nodes(), "every cycle"
        elif self.tree().filter.active:
            shown = self.tree().shown_keys()
            keys = shown | {d for k in shown for d in graph.consumes(k)}
            what = f"the {len(shown):,} flows the filter shows"
        cycles = self.analysis.cycles if self.analysis is not None else None
        directory = (self._tab_context.export_dir if self._tab_context else None) or default_export_dir()
        try:
            text = export(graph, fmt, keys, cycles=cycles)  # type: ignore[arg-type]
            path = export_text(text, ext="dot" if fmt == "dot" else "mmd", directory=directory, stem="flows")
        except (OSError, ValueError) as exc:
            self.notify(f"export failed: {exc}", title="Export", severity="error", markup=False)
            return
        n = len(keys) if keys is not None else len(graph)
        self.notify(f"exported {what} ({n:,} nodes) to {path}", title="Export", timeout=8, markup=False)

    def command_export(self, fmt: str) -> None:
        fmt = fmt.strip().lower()
        if fmt not in ("dot", "mermaid"):
            self.notify(f"export: unknown format {fmt!r}; use dot or mermaid", severity="error", markup=False)
            return
        self.action_export_graph(fmt)


def _hint(title: str, text: str) -> Pane:
    from rich.text import Text

    return Pane(title, [Line(Text(text, style="dim italic"), heading=True)])
