"""What the ``gctui flows`` subcommands share: open the org and the crawl cache, crawl with
throttled progress on stderr, resolve NAME|ID, the JSON shape of a node, and the closing line
(requests made, 429s, wall time). Imported only when a flows subcommand runs."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from gctui.cli import interrupt
from gctui.cli.actions_common import Throttle, journal_scope, say, warn
from gctui.errors import EXIT_FAILED, EXIT_USAGE, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.client import GenesysClient
    from gctui.genesys.session import Session
    from gctui.services.flows import CrawlProgress, CrawlResult, FlowCache, FlowGraph, Node

CANDIDATES_SHOWN = 20  # an ambiguous NAME lists at most this many candidates
FAILURES_SHOWN = 10  # flows whose fetch failed, listed on stderr (all of them in --json)


@dataclass
class Context:
    """One subcommand run: the org, its session and the crawl's result."""

    args: argparse.Namespace
    profile: ResolvedProfile
    session: Session
    result: CrawlResult

    @property
    def graph(self) -> FlowGraph:
        return self.result.graph


@dataclass
class Stats:
    """The closing line's numbers, kept outside asyncio so an error or Ctrl+C still prints it."""

    started: float = field(default_factory=time.monotonic)
    client: GenesysClient | None = None

    def line(self) -> str:
        seconds = time.monotonic() - self.started
        sent = self.client.requests_sent if self.client is not None else 0
        throttled = self.client.governor.throttled if self.client is not None else 0
        return f"{sent} request{'s' * (sent != 1)} made, {throttled} answered 429, {seconds:.2f} s wall time"


Work = Callable[[Context], Awaitable[int]]


# One org and OAuth client, as the TUI and the actions journal scope it.
cache_scope = journal_scope


def open_cache(scope: str) -> FlowCache:
    import sqlite3

    from gctui.services.flows import FlowCache, default_cache_path

    path = default_cache_path()
    try:
        return FlowCache(path, scope)
    except (OSError, sqlite3.Error) as exc:
        raise GctuiError(f"cannot open the flows cache {path}: {exc}; nothing sent", EXIT_USAGE) from None


def execute(args: argparse.Namespace, work: Work) -> int:
    """Open the org (``--demo``: the simulator) and the cache, crawl, run ``work``; the closing
    line goes last on stderr whatever happens once the org is open."""
    from gctui.cli.profile import open_profile
    from gctui.genesys.errors import GenesysError

    stats = Stats()
    with open_profile(args) as profile:
        try:
            with open_cache(cache_scope(profile)) as cache:
                return interrupt.run(_session(args, profile, cache, stats, work))
        except GctuiError as exc:
            say(exc.message)
            return exc.code
        except GenesysError as exc:
            say(f"the org's flows could not be read: {clean(exc)} (the cache keeps what was fetched)")
            return EXIT_FAILED
        finally:
            if stats.client is not None:
                say(stats.line())


async def _session(
    args: argparse.Namespace, profile: ResolvedProfile, cache: FlowCache, stats: Stats, work: Work
) -> int:
    from gctui.genesys.session import Session
    from gctui.services.flows import FlowsCrawler

    async with Session.create(profile.options) as session:
        stats.client = session.client
        crawler = FlowsCrawler(session.api, session.pool, cache)
        progress = CrawlReporter()
        result = await crawler.run(force=bool(args.refresh), on_progress=progress)
        progress.finish(result)
        return await work(Context(args, profile, session, result))


class CrawlReporter:
    """``on_progress`` of the crawl: what it is about to fetch (once), throttled counts while it
    runs, and what it did at the end, all on stderr."""

    def __init__(self, throttle: Throttle | None = None, out: TextIO | None = None) -> None:
        self.throttle = throttle or Throttle()
        self.out = out
        self.announced = False
        self.lines: list[str] = []

    def _say(self, text: str) -> None:
        line = f"gctui: flows: {clean(text)}"
        self.lines.append(line)
        print(line, file=self.out or sys.stderr)

    def __call__(self, p: CrawlProgress) -> None:
        from gctui.services.flows import Phase

        if p.phase is Phase.FETCHING and not self.announced:
            self.announced = True
            if p.to_fetch:
                self._say(
                    f"{p.listed} listed, {p.reused} cached; reading what {p.to_fetch} "
                    f"published flow{'s' * (p.to_fetch != 1)} consume (one request each)"
                )
            return
        if p.phase in (Phase.LISTING, Phase.FETCHING) and self.throttle.due():
            self._say(p.summary())

    def finish(self, result: CrawlResult) -> None:
        text = f"{result.listed} listed, {result.fetched} fetched, {result.reused} from the cache"
        if result.removed:
            text += f", {result.removed} gone since the last run"
        if result.failed:
            text += f", {len(result.failed)} could not be read"
        self._say(text)


# -- the shape of things --------------------------------------------------------------------------


def node_doc(node: Node) -> dict[str, Any]:
    """One node with stable camelCase keys (names were cleaned when they came in)."""
    return {
        "id": node.id,
        "name": node.name,
        "type": node.object_type,
        "state": str(node.state),
        "publishedVersion": node.published_version,
    }


def crawl_doc(result: CrawlResult) -> dict[str, Any]:
    graph = result.graph
    return {
        "flows": result.listed,
        "fetched": result.fetched,
        "cached": result.reused,
        "removed": result.removed,
        "complete": result.complete,
        "failed": [
            {"id": flow_id, "name": _flow_name(graph, flow_id), "error": clean(why)}
            for flow_id, why in sorted(result.failed.items())
        ],
    }


def _flow_name(graph: FlowGraph, flow_id: str) -> str:
    key = graph.flow_key(flow_id)
    return graph.nodes[key].name if key is not None else flow_id


def label(node: Node) -> str:
    """``name (TYPE)`` for a text line."""
    return f"{clean(node.name)} ({node.object_type})"


def graph_size(graph: FlowGraph) -> str:
    flows = sum(1 for _ in graph.flows())
    others = len(graph) - flows
    text = f"{flows} flow{'s' * (flows != 1)}"
    if others:
        text += f" and {others} other node{'s' * (others != 1)}"
    edges = graph.edge_count()
    return f"{text}, {edges} dependenc{'ies' if edges != 1 else 'y'}"


def report_failures(result: CrawlResult) -> bool:
    """Say which flows could not be read (the answer is partial). True when any."""
    if not result.failed:
        return False
    n = len(result.failed)
    warn(
        f"{n} flow{'s' * (n != 1)} could not be read: the answer is partial "
        "(run again to fetch them; what was read is cached)"
    )
    graph = result.graph
    for flow_id, why in sorted(result.failed.items())[:FAILURES_SHOWN]:
        print(f"  {clean(_flow_name(graph, flow_id))} [{flow_id}]: {clean(why)}", file=sys.stderr)
    if n > FAILURES_SHOWN:
        print(f"  … and {n - FAILURES_SHOWN} more (all of them in --json)", file=sys.stderr)
    return True


def resolve(graph: FlowGraph, query: str) -> Node:
    """The one node ``query`` names (an id, an exact name, else a unique part of a name);
    GctuiError (exit 2) for none, and for several after listing them on stderr."""
    found = graph.find(query)
    shown = clean(query)
    if not found:
        raise GctuiError(
            f"no flow or resource has the id or name {shown!r} "
            f"(the graph has {graph_size(graph)}; `gctui flows export` shows them all)",
            EXIT_USAGE,
        )
    if len(found) == 1:
        return found[0]
    say(f"{shown!r} matches {len(found)} flows or resources:")
    _candidates(found)
    raise GctuiError(f"{shown!r} is ambiguous: give the id of one of them", EXIT_USAGE)


def _candidates(nodes: Sequence[Node]) -> None:
    from gctui.cli.actions_common import render_table

    rows = [[n.id, n.object_type, str(n.state), n.name] for n in nodes[:CANDIDATES_SHOWN]]
    table = render_table(("ID", "TYPE", "STATE", "NAME"), rows, frozenset())
    print("\n".join(f"  {line}" for line in table.splitlines()), file=sys.stderr)
    if len(nodes) > CANDIDATES_SHOWN:
        print(f"  … and {len(nodes) - CANDIDATES_SHOWN} more", file=sys.stderr)
