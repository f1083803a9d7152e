"""`gctui flows …` as a user runs it, against the simulated org over loopback (120 flows, seeded,
with planted cycles, deleted and unresolved references, drafts and stale bindings).

The witness is the simulator's own state, read independently of gctui.services: the edges of
every flow's published version (``org.flow_versions``), networkx run on them for the cycles,
a breadth-first search for the impact, and the sim's dependency-tracking request counters
(``/sim/control/flows/requests``) for what each run fetched. Every test has its own XDG dirs
(tests/conftest.py), so the crawl cache starts empty in each and is shared by a test's runs."""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import networkx as nx  # type: ignore[import-untyped]
import pytest

from gctui.cli.actions_common import Throttle
from gctui.cli.flows_common import CrawlReporter
from gctui.cli.main import main
from gctui.services.flows import CrawlProgress, FlowGraph, Phase
from gctui.sim import SimConfig, flows_deps
from gctui.sim.gen_flows import DEP_TYPE
from gctui.sim.org import Org as SimOrg
from gctui.sim.server import SimThread
from gctui.text import clean

FLOWS = 120
CLIENT_ID = "gctui-demo"
SECRET = "gctui-demo-secret"
SUMMARY = re.compile(r"^gctui: (\d+) requests? made, (\d+) answered 429, \d+\.\d\d s wall time$")
NODE_KEYS = {"id", "name", "type", "state", "publishedVersion"}
HOSTILE = 'Evil" ]; n0 -> n1 [label="pwn\x1b[2J\u202e\n|<b>x</b>|%%`{}\\" #1;'


@dataclass
class Org:
    sim: SimThread
    config: Path

    @property
    def url(self) -> str:
        return self.sim.base_url

    @property
    def state(self) -> SimOrg:
        rt = self.sim.runtime
        assert rt is not None
        return rt.org

    def control(self, method: str, path: str, body: object = None) -> Any:
        resp = httpx.request(method, f"{self.url}/sim/control{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def dt_requests(self) -> dict[str, Any]:
        """The sim's dependency-tracking counters since the last reset (then reset them)."""
        counters: dict[str, Any] = self.control("GET", "/flows/requests")
        self.control("DELETE", "/flows/requests")
        return counters

    def all_requests(self) -> int:
        return self.control("GET", "/stats")["requests"]  # type: ignore[no-any-return]

    def rename(self, flow_id: str, name: str) -> None:
        """Someone renames a flow in Architect (the sim's state: there is no rename route)."""
        with self.state.lock:
            self.state.flow_by_id[flow_id]["name"] = name

    # -- the witness: the sim's published graph ----------------------------------------------------

    def published_edges(self) -> dict[str, list[str]]:
        """flow id -> the ids its published version consumes."""
        out = {}
        for f in self.state.flows:
            pub = f.get("publishedVersion")
            if pub is not None:
                out[f["id"]] = [t for t, _, _ in self.state.flow_versions[f["id"]][pub["id"]]]
        return out

    def digraph(self) -> Any:
        g = nx.DiGraph()
        g.add_nodes_from(f["id"] for f in self.state.flows)
        g.add_edges_from((src, dst) for src, targets in self.published_edges().items() for dst in targets)
        return g

    def cyclic_components(self) -> set[frozenset[str]]:
        g = self.digraph()
        return {
            frozenset(c)
            for c in nx.strongly_connected_components(g)
            if len(c) > 1 or g.has_edge(next(iter(c)), next(iter(c)))
        }

    def name(self, obj_id: str) -> str:
        ref = self.state.dependency_ref(obj_id)
        assert ref is not None
        return clean(ref["name"])

    def flow_state(self, flow_id: str) -> str:
        f = self.state.flow_by_id[flow_id]
        pub = f.get("publishedVersion")
        if pub is None:
            return "draft"
        newer = [
            v["id"] for k in ("savedVersion", "checkedInVersion") if (v := f.get(k)) and v["id"] != pub["id"]
        ]
        return "changed" if any(_major(v) > _major(pub["id"]) for v in newer) else "published"


def _major(version: str) -> int:
    return int(version.split(".")[0])


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    config = SimConfig(actions=20, flows=FLOWS, queues=4, edges=1, rate_limit=100_000, token_rate_limit=1000)
    with SimThread(config) as sim:
        path = tmp_path / "config.toml"
        path.write_text(
            f'default_profile = "sim"\n\n[profiles.sim]\napi_url = "{sim.base_url}"\n'
            f'client_id = "{CLIENT_ID}"\nclient_secret = "{SECRET}"\n'
        )
        yield Org(sim, path)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> Any:
        return json.loads(self.out)

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def summary(self) -> tuple[int, int]:
        """(requests made, 429s) from the closing line, which must be the last one on stderr."""
        m = SUMMARY.match(self.err_lines[-1])
        assert m, self.err
        return int(m.group(1)), int(m.group(2))


def gctui(org: Org, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    try:
        code = main(["--config", str(org.config), "flows", *args])
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Run(code, out, err)


# ------------------------------------------------------------------------------------------- cycles
def test_cycles_match_the_sims_components_and_exit_1(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    published = sum("publishedVersion" in f for f in org.state.flows)
    run = gctui(org, capsys, "cycles", "--json")
    assert run.code == 1
    doc = run.doc
    assert set(doc) == {"partial", "count", "cycles", "crawl"} and doc["partial"] is False
    assert doc["crawl"] == {
        "flows": FLOWS, "fetched": published, "cached": 0, "removed": 0, "complete": True, "failed": []
    }  # fmt: skip
    expected = org.cyclic_components()
    assert len(expected) >= 4  # the planted module and transfer cycles (one pair overlapping)
    assert doc["count"] == len(doc["cycles"]) == len(expected)
    assert {frozenset(m["id"] for m in c["members"]) for c in doc["cycles"]} == expected
    g = org.digraph()
    for i, c in enumerate(doc["cycles"], 1):
        assert c["index"] == i and c["size"] == len(c["members"])
        assert all(set(m) == NODE_KEYS for m in c["members"])
        assert all(m["state"] in ("published", "changed") and m["publishedVersion"] for m in c["members"])
        ids = [p["id"] for p in c["path"]]
        assert ids[0] == ids[-1] and set(ids) <= {m["id"] for m in c["members"]}
        assert all(g.has_edge(a, b) for a, b in itertools.pairwise(ids))  # a real cycle
        sub = g.subgraph(m["id"] for m in c["members"])
        girth = min(nx.shortest_path_length(sub, v, u) + 1 for u, v in sub.edges)
        assert c["length"] == len(ids) - 1 == girth  # ... and a shortest one
        assert c["pathNames"] == [org.name(i) for i in ids]
    overlapping = [c for c in doc["cycles"] if c["size"] > c["length"]]
    assert overlapping  # the two transfer cycles sharing a flow: one component, one shortest path
    assert run.err_lines == [
        f"gctui: flows: {FLOWS} listed, 0 cached; reading what {published} published flows consume "
        "(one request each)",
        f"gctui: flows: {FLOWS} listed, {published} fetched, 0 from the cache",
        run.err_lines[-1],
    ]  # no throttled line: the crawl took less than a second
    made, throttled = run.summary()
    assert (made, throttled) == (published + 2, 0)  # the limits read, one listing page, one call per flow
    counters = org.dt_requests()
    assert counters["flowListings"] == 1 and counters["byEndpoint"] == {"consumedresources": published}

    text = gctui(org, capsys, "cycles")
    assert text.code == 1
    lines = text.out.splitlines()
    assert lines[0].startswith(f"{len(expected)} cycles among {FLOWS} flows and ")
    for c in doc["cycles"]:
        assert f"   shortest cycle: {' → '.join(c['pathNames'])}" in lines
        assert any(line.startswith(f"{c['index']}. {c['size']} nodes: ") for line in lines)


def test_a_second_run_lists_only_and_refetches_what_was_republished(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    published = sum("publishedVersion" in f for f in org.state.flows)
    first = gctui(org, capsys, "cycles", "--json")
    org.dt_requests()
    again = gctui(org, capsys, "cycles", "--json")
    assert again.code == 1 and again.doc["cycles"] == first.doc["cycles"]
    assert again.doc["crawl"] == {
        "flows": FLOWS, "fetched": 0, "cached": published, "removed": 0, "complete": True, "failed": []
    }  # fmt: skip
    assert org.dt_requests() == {"total": 0, "flowListings": 1, "byEndpoint": {}, "flows": {}}
    assert again.summary() == (2, 0)  # the limits read and the one listing page
    assert again.err_lines[0] == f"gctui: flows: {FLOWS} listed, 0 fetched, {published} from the cache"

    republished = org.control("POST", "/flows/republish", {"count": 3})["republished"]
    third = gctui(org, capsys, "impact", republished[0]["id"], "--json")
    assert third.code == 0 and third.doc["crawl"]["fetched"] == 3
    counters = org.dt_requests()
    assert counters["byEndpoint"] == {"consumedresources": 3} and counters["flowListings"] == 1
    assert {f: c["versions"] for f, c in counters["flows"].items()} == {
        r["id"]: {r["version"]: 1} for r in republished
    }  # each republished flow, at its new version, once
    assert third.doc["node"]["publishedVersion"] == republished[0]["version"]

    forced = gctui(org, capsys, "cycles", "--refresh")
    assert forced.code == 1
    assert org.dt_requests()["byEndpoint"] == {"consumedresources": published}
    assert forced.summary() == (published + 2, 0)


def test_breaking_the_cycles_turns_cycles_and_order_green(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI: republish one flow of each cycle without its call onward; the next run refetches only
    those, and exits 0."""
    for _ in range(6):
        run = gctui(org, capsys, "cycles", "--json")
        if run.code == 0:
            break
        assert run.code == 1 and run.doc["count"]
        for c in run.doc["cycles"]:
            a, b = c["path"][0]["id"], c["path"][1]["id"]
            org.control("POST", f"/flows/{a}/republish", {"remove": [b]})
        org.dt_requests()
    else:
        pytest.fail("the cycles did not go away")
    assert org.cyclic_components() == set()
    assert run.doc["count"] == 0 and run.doc["cycles"] == []
    text = gctui(org, capsys, "cycles")
    assert text.code == 0 and text.out.startswith(f"no cycles among {FLOWS} flows and ")
    order = gctui(org, capsys, "order", "--json")
    assert order.code == 0 and order.doc["blocked"] is False and order.doc["blockingSteps"] == []
    assert not any(s["blocking"] for s in order.doc["steps"])
    assert "blocks" not in order.err


# -------------------------------------------------------------------------------------------- order
def _check_order(org: Org, steps: list[dict[str, Any]], scope: set[str]) -> dict[str, int]:
    """Every flow of ``scope`` once; what a flow consumes (within scope) in an earlier step, or in
    the same step only when that step is a blocking cycle."""
    position = {n["id"]: s["index"] for s in steps for n in s["nodes"]}
    assert sorted(position) == sorted(n["id"] for s in steps for n in s["nodes"])  # each once
    assert set(position) == scope
    assert [s["index"] for s in steps] == list(range(1, len(steps) + 1))
    blocking = {s["index"] for s in steps if s["blocking"]}
    for src, targets in org.published_edges().items():
        for dst in targets:
            if src in scope and dst in scope and src != dst:
                assert position[dst] < position[src] or (
                    position[dst] == position[src] and position[src] in blocking
                ), (src, dst)
    return position


def test_order_is_blocked_by_the_planted_cycles(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    run = gctui(org, capsys, "order", "--json")
    assert run.code == 1
    doc = run.doc
    assert set(doc) == {"impactOf", "blocked", "partial", "count", "blockingSteps", "steps", "crawl"}
    assert doc["blocked"] is True and doc["impactOf"] is None and doc["partial"] is False
    assert doc["count"] == len(doc["steps"])
    all_flows = {f["id"] for f in org.state.flows}  # drafts too: they are published in order as well
    _check_order(org, doc["steps"], all_flows)
    blocking = [s for s in doc["steps"] if s["blocking"]]
    assert doc["blockingSteps"] == [s["index"] for s in blocking]
    assert {frozenset(n["id"] for n in s["nodes"]) for s in blocking} == org.cyclic_components()
    assert all(set(n) == NODE_KEYS for s in doc["steps"] for n in s["nodes"])
    assert (
        f"gctui: a cycle blocks a safe order (steps {', '.join(map(str, doc['blockingSteps']))}; " in run.err
    )

    text = gctui(org, capsys, "order")
    assert text.code == 1
    head, *lines = text.out.splitlines()
    assert (
        head
        == f"Publish order (what a flow consumes first): {doc['count']} steps, blocked by {len(blocking)} cycles"
    )
    assert len(lines) == doc["count"]
    assert sum("BLOCKED, a cycle of " in line for line in lines) == len(blocking)


# ------------------------------------------------------------------------------------------- impact
def _consumers_of(org: Org, root: str) -> dict[str, int]:
    """Breadth-first over the published edges read backwards: id -> distance."""
    back: dict[str, set[str]] = {}
    for src, targets in org.published_edges().items():
        for dst in targets:
            back.setdefault(dst, set()).add(src)
    dist = {root: 0}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in back.get(u, ()):
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    del dist[root]
    return dist


def test_impact_of_a_common_module_by_name_and_by_id(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    module = org.state.flows_by_type["COMMONMODULE"][0]  # planted in a 2-cycle with the next module
    expected = _consumers_of(org, module["id"])
    run = gctui(org, capsys, "impact", module["name"], "--json")
    assert run.code == 0
    doc = run.doc
    assert set(doc) == {"node", "partial", "count", "throughCycle", "summary", "counts", "byType", "crawl"}
    assert doc["node"] == {
        "id": module["id"], "name": module["name"], "type": "COMMONMODULEFLOW",
        "state": org.flow_state(module["id"]), "publishedVersion": module["publishedVersion"]["id"],
    }  # fmt: skip
    found = {n["id"]: n for group in doc["byType"] for n in group["nodes"]}
    assert {i: n["distance"] for i, n in found.items()} == expected
    assert doc["count"] == len(expected) >= 5 and doc["partial"] is False
    assert doc["throughCycle"] is True  # it consumes the module that consumes it
    for group in doc["byType"]:
        assert group["count"] == len(group["nodes"]) and group["nodes"]
        for n in group["nodes"]:
            assert set(n) == NODE_KEYS | {"distance"}
            flow = org.state.flow_by_id[n["id"]]
            assert n["type"] == group["type"] == DEP_TYPE[flow["type"]] and n["name"] == flow["name"]
            assert n["state"] == org.flow_state(n["id"]) in ("published", "changed")
    assert [g["type"] for g in doc["byType"]] == sorted(g["type"] for g in doc["byType"])
    assert len(doc["byType"]) >= 2
    states = [n["state"] for n in found.values()]
    assert doc["counts"] == {
        "published": states.count("published"), "changed": states.count("changed"), "draft": 0,
        "unlisted": 0, "resource": 0,
    }  # fmt: skip

    by_id = gctui(org, capsys, "impact", module["id"], "--json")
    assert by_id.code == 0 and by_id.doc["crawl"]["cached"] == doc["crawl"]["fetched"]
    assert {**by_id.doc, "crawl": None} == {**doc, "crawl": None}  # the same answer, from the cache
    by_part = gctui(org, capsys, "impact", module["name"].upper(), "--json")  # case-insensitive
    assert by_part.code == 0 and by_part.doc["node"]["id"] == module["id"]

    text = gctui(org, capsys, "impact", module["id"])
    assert text.code == 0
    head, summary, *rest = text.out.splitlines()
    version = module["publishedVersion"]["id"]
    assert head.startswith(f"Impact of changing {module['name']} (COMMONMODULEFLOW, published {version}")
    assert head.endswith(f"[{module['id']}]")
    assert summary.startswith(f"{len(expected)} consumers: ") and "in a cycle" in summary
    for group in doc["byType"]:
        assert f"{group['type']} · {group['count']}" in rest
    assert sum(n["id"] in line for n in found.values() for line in rest) == len(found)


def test_ambiguous_and_unknown_names_exit_2(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = org.state.flows[30]["id"], org.state.flows[31]["id"]
    org.rename(a, "Twin Routing Flow")
    org.rename(b, "twin routing flow")
    run = gctui(org, capsys, "impact", "Twin Routing Flow", "--json")
    assert run.code == 2 and run.out == ""
    assert "gctui: 'Twin Routing Flow' matches 2 flows or resources:" in run.err_lines
    candidates = [line for line in run.err_lines if line.startswith("  ") and "routing flow" in line.lower()]
    assert len(candidates) == 2 and {a, b} == {line.split()[0] for line in candidates}
    assert run.err_lines[-2] == "gctui: 'Twin Routing Flow' is ambiguous: give the id of one of them"
    run.summary()  # still the closing line

    part = gctui(org, capsys, "order", "--impact", "win routing")  # a part of both names
    assert part.code == 2 and part.out == "" and "matches 2 flows or resources" in part.err
    one = gctui(org, capsys, "order", "--impact", a, "--json")  # an id settles it
    scope = {a, *_consumers_of(org, a)}
    blocked = any(c <= scope for c in org.cyclic_components())  # a component is wholly in or out
    assert one.code == (1 if blocked else 0) and one.doc["impactOf"]["id"] == a
    assert one.doc["blocked"] is blocked and len(one.doc["steps"]) >= 1
    _check_order(org, one.doc["steps"], scope)

    unknown = gctui(org, capsys, "impact", "No Such Flow\x1b[31m", "--json")
    assert unknown.code == 2 and unknown.out == "" and "\x1b" not in unknown.err
    assert unknown.err_lines[-2].startswith(
        "gctui: no flow or resource has the id or name 'No Such Flow\\\\x1b[31m' (the graph has 120 flows"
    )
    exported = gctui(org, capsys, "export", "--format", "dot", "--impact", "no such flow")
    assert exported.code == 2 and exported.out == ""


# ----------------------------------------------------------------------------------------- problems
def _problem_subjects(doc: dict[str, Any], kind: str) -> set[str]:
    return {p["subject"]["id"] for p in doc["problems"] if p["kind"] == kind}


def test_problems_lists_the_planted_kinds(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    state = org.state
    run = gctui(org, capsys, "problems", "--json")
    assert run.code == 1
    doc = run.doc
    assert set(doc) == {
        "indexStatus", "indexOk", "partial", "count", "bySeverity", "counts", "problems", "errors", "crawl"
    }  # fmt: skip
    assert doc["indexStatus"] == "OPERATIONAL" and doc["indexOk"] is True and doc["errors"] == []
    assert doc["count"] == len(doc["problems"]) == sum(c["count"] for c in doc["counts"])
    assert sum(doc["bySeverity"].values()) == doc["count"]
    for p in doc["problems"]:
        assert set(p) == {"kind", "severity", "subject", "name", "detail", "related"}
        assert set(p["subject"]) == {"id", "name", "type"}

    edges = org.published_edges()
    deleted = {f["id"] for f, _, _ in flows_deps.deleted_consumers(state, None, set())}
    deleted |= {f for f, ts in edges.items() if any(t in state.deleted_objects for t in ts)}
    missing = {
        f for f, ts in edges.items()
        if any(t in state.unknown_objects for t in ts)
    }  # fmt: skip
    updated = {f["id"] for f, _, _ in flows_deps.updated_consumers(state, set())}
    drafts = {f["id"] for f in state.flows if "publishedVersion" not in f}
    changed = {f["id"] for f in state.flows if org.flow_state(f["id"]) == "changed"}
    assert deleted and missing and updated and drafts and changed  # every planted kind is there
    assert _problem_subjects(doc, "deleted-dependency") == deleted
    assert _problem_subjects(doc, "missing-dependency") == missing
    assert _problem_subjects(doc, "needs-republish") == updated
    assert _problem_subjects(doc, "not-published") == drafts
    assert _problem_subjects(doc, "unpublished-changes") == changed
    severity = {c["kind"]: c["severity"] for c in doc["counts"]}
    assert severity == {
        "deleted-dependency": "error", "missing-dependency": "error", "needs-republish": "warning",
        "not-published": "info", "unpublished-changes": "info", "at-risk-action": "warning",
    }  # fmt: skip
    # At risk: a published flow reaching (through the flows it calls) an action that
    # `gctui actions list` calls at risk, with the same reason.
    capsys.readouterr()
    assert main(["--config", str(org.config), "actions", "list", "--json", "--filter", "risk"]) in (0, 1)
    risky = {a["id"]: a["riskReason"] for a in json.loads(capsys.readouterr().out)["actions"]}
    g = org.digraph()
    g.add_edges_from((src, dst) for src, targets in edges.items() for dst in targets)
    reaching = {f for f in edges if any(a in nx.descendants(g, f) for a in risky)}
    assert risky and reaching and _problem_subjects(doc, "at-risk-action") == reaching
    for p in doc["problems"]:
        if p["kind"] == "at-risk-action":
            action = p["related"][0]["id"]
            # The same reason; its count may move: the statistics window ends "now", and the
            # two reads are moments apart (an execution can enter or leave it in between).
            assert action in risky
            assert _reason(p["detail"].rsplit(": ", 1)[-1]) == _reason(risky[action])
    for p in doc["problems"]:
        if p["kind"] == "deleted-dependency":
            assert p["related"] and all(r["id"] in state.deleted_objects for r in p["related"])

    org.control("PUT", "/flows/build", {"status": "OPERATIONALNEEDSREBUILD"})
    stale = gctui(org, capsys, "problems", "--json")
    assert stale.code == 1 and stale.doc["indexOk"] is False
    first = stale.doc["problems"][0]
    assert stale.doc["indexStatus"] == "OPERATIONALNEEDSREBUILD"
    assert [p for p in stale.doc["problems"] if p["kind"] == "index-not-operational"] == [first]
    assert first["subject"] is None and first["severity"] == "warning" and "stale" in first["detail"]
    assert stale.doc["crawl"]["fetched"] == 0  # the cached graph, the index asked again

    text = gctui(org, capsys, "problems")
    assert text.code == 1
    head, header, *rows = text.out.splitlines()
    assert head.startswith(f"dependency index OPERATIONALNEEDSREBUILD · {doc['count'] + 1} problems: ")
    assert header.split() == ["SEVERITY", "KIND", "FLOW", "DETAIL"] and len(rows) == doc["count"] + 1
    assert rows[0].startswith("warning   index-not-operational")


def test_an_org_without_problems_or_cycles_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SimThread(SimConfig(actions=2, flows=0, queues=1, edges=1, rate_limit=100_000)) as sim:
        path = tmp_path / "config.toml"
        path.write_text(
            f'[profiles.sim]\napi_url = "{sim.base_url}"\nclient_id = "{CLIENT_ID}"\nclient_secret = "{SECRET}"\n'
        )
        capsys.readouterr()
        code = main(["--config", str(path), "--profile", "sim", "flows", "problems", "--json"])
        doc = json.loads(capsys.readouterr().out)
        assert code == 0 and doc["count"] == 0 and doc["indexOk"] is True
        assert main(["--config", str(path), "--profile", "sim", "flows", "cycles"]) == 0
        assert capsys.readouterr().out == "no cycles among 0 flows, 0 dependencies\n"


# ------------------------------------------------------------------------------------------- export
_DOT_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<arrow>->)|(?P<id>[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?)'
    r"|(?P<punct>[{}\[\];,=]))"
)


def _dot_unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])


@dataclass
class Dot:
    title: str
    nodes: dict[str, dict[str, str]]
    edges: list[tuple[str, str]]


def parse_dot(text: str) -> Dot:
    """A parser for the DOT subset the export writes: statements of a digraph, attribute lists of
    ``key=value`` (a value an id, a number or a quoted string). Anything else fails."""
    body = text.rstrip()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(body):
        m = _DOT_TOKEN.match(body, pos)
        assert m is not None and m.lastgroup is not None, f"not DOT at {pos}: {body[pos : pos + 60]!r}"
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    it = iter(tokens)

    def take(kind: str, value: str | None = None) -> str:
        k, v = next(it)
        assert k == kind and (value is None or v == value), (k, v, kind, value)
        return v

    def attrs() -> tuple[dict[str, str], tuple[str, str]]:
        out: dict[str, str] = {}
        while True:
            key = take("id")
            take("punct", "=")
            k, v = next(it)
            assert k in ("id", "str"), (k, v)
            out[key] = _dot_unquote(v) if k == "str" else v
            sep = next(it)
            if sep == ("punct", "]"):
                return out, next(it)
            assert sep == ("punct", ","), sep

    take("id", "digraph")
    title = _dot_unquote(take("str"))
    take("punct", "{")
    dot = Dot(title, {}, [])
    for kind, value in it:
        if (kind, value) == ("punct", "}"):
            assert next(it, None) is None
            return dot
        assert kind == "id", (kind, value)
        k, v = next(it)
        if (k, v) == ("punct", "="):
            take("id")
            take("punct", ";")
        elif (k, v) == ("arrow", "->"):
            dst = take("id")
            end = next(it)
            if end == ("punct", "["):
                _, end = attrs()
            assert end == ("punct", ";"), end
            dot.edges.append((value, dst))
        else:
            assert (k, v) == ("punct", "["), (k, v)
            found, end = attrs()
            assert end == ("punct", ";"), end
            if value not in ("node", "edge"):
                assert value not in dot.nodes
                dot.nodes[value] = found
    raise AssertionError("the digraph is not closed")


_MERMAID_SAFE = r"(?:[^\W]|[ \-.,:/()'?!+=@]|#\d+;)*"
_MERMAID_LINES = (
    re.compile(rf"^  (?P<node>n\d+)\[\"(?P<label>{_MERMAID_SAFE}(?:<br/>{_MERMAID_SAFE})*)\"\]$"),
    re.compile(rf"^  (?P<node>n\d+)\(\[\"(?P<label>{_MERMAID_SAFE}(?:<br/>{_MERMAID_SAFE})*)\"\]\)$"),
    re.compile(r"^  (?P<src>n\d+) --> (?P<dst>n\d+)$"),
    re.compile(r"^  classDef (cycle|missing|draft) [a-z-]+:[#\w]+(?:[, ][a-z-]+:[#\w ]+)*$"),
    re.compile(r"^  class (?P<members>n\d+(?:,n\d+)*) (?P<cls>cycle|missing|draft)$"),
)


def parse_mermaid(text: str) -> tuple[dict[str, list[str]], list[tuple[str, str]], dict[str, set[str]]]:
    """Nodes (id -> label parts, entities decoded), edges, classes; every line must be one of
    the shapes the export writes, labels only whitelisted characters and entity codes."""
    first, second, *lines = text.splitlines()
    assert re.fullmatch(rf"%% {_MERMAID_SAFE}: \d+ nodes, \d+ edges", first), first
    assert second == "flowchart LR"
    nodes: dict[str, list[str]] = {}
    edges: list[tuple[str, str]] = []
    classes: dict[str, set[str]] = {}
    for line in lines:
        m = next((m for p in _MERMAID_LINES if (m := p.match(line))), None)
        assert m is not None, f"not a line the export writes: {line!r}"
        groups = m.groupdict()
        if groups.get("node"):
            parts = groups["label"].split("<br/>")
            nodes[groups["node"]] = [re.sub(r"#(\d+);", lambda e: chr(int(e.group(1))), p) for p in parts]
        elif groups.get("src"):
            edges.append((groups["src"], groups["dst"]))
        elif groups.get("members"):
            classes[groups["cls"]] = set(groups["members"].split(","))
    return nodes, edges, classes


def test_export_dot_and_mermaid_parse_and_escape_a_hostile_name(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = org.state.flows_by_type["COMMONMODULE"][0]["id"]  # in a cycle, consumed by many
    org.rename(victim, HOSTILE)
    shown = clean(HOSTILE)  # what a terminal or a label may show of it
    assert "\x1b" not in shown and "\\x1b" in shown and "\\u202e" in shown

    dot_run = gctui(org, capsys, "export", "--format", "dot")
    assert dot_run.code == 0
    dot = parse_dot(dot_run.out)
    m = re.match(
        r"gctui: exported (\d+) nodes and (\d+) edges \(flows\) as dot to stdout$", dot_run.err_lines[-2]
    )
    assert m and len(dot.nodes) == int(m.group(1)) and len(dot.edges) == int(m.group(2))
    ids = {n["tooltip"]: name for name, n in dot.nodes.items()}
    assert {f["id"] for f in org.state.flows} <= set(ids)  # every flow, drafts too
    assert {(a, b) for a, targets in org.published_edges().items() for b in targets} == {
        (dot.nodes[a]["tooltip"], dot.nodes[b]["tooltip"]) for a, b in dot.edges
    }
    evil = dot.nodes[ids[victim]]
    assert evil["label"].split("\n")[:2] == [shown, "COMMONMODULEFLOW"]
    assert evil["color"] == "#cc0000" and evil["shape"] == "box"  # in a cycle
    assert dot.title == "flows" and "\x1b" not in dot_run.out and "\u202e" not in dot_run.out

    mer_run = gctui(org, capsys, "export", "--format", "mermaid")
    assert mer_run.code == 0
    nodes, edges, classes = parse_mermaid(mer_run.out)
    assert len(nodes) == len(dot.nodes) and sorted(edges) == sorted(dot.edges)  # the same numbering
    assert nodes[ids[victim]][:2] == [shown, "COMMONMODULEFLOW"]
    assert ids[victim] in classes["cycle"]
    cyclic = set().union(*org.cyclic_components())
    assert {dot.nodes[n]["tooltip"] for n in classes["cycle"]} == cyclic

    text = gctui(org, capsys, "cycles")
    assert text.code == 1 and "\x1b" not in text.out and "\u202e" not in text.out and shown in text.out


def test_export_a_component_or_an_impact_set_to_a_private_file(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cycles = gctui(org, capsys, "cycles", "--json").doc["cycles"]
    target = tmp_path / "cycle.mmd"
    target.write_text("old, world-readable\n")
    target.chmod(0o644)
    run = gctui(org, capsys, "export", "--format", "mermaid", "--component", "2", "-o", str(target))
    assert run.code == 0 and run.out == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["config.toml", "cycle.mmd"]  # no temporary file left
    nodes, edges, classes = parse_mermaid(target.read_text())
    assert sorted(p[0] for p in nodes.values()) == sorted(m["name"] for m in cycles[1]["members"])
    assert classes["cycle"] == set(nodes) and len(edges) >= cycles[1]["size"]
    assert f"(cycle 2) as mermaid to {target}" in run.err_lines[-2]

    module = org.state.flows_by_type["COMMONMODULE"][0]
    dot_file = tmp_path / "impact.dot"
    impact = gctui(org, capsys, "export", "--format", "dot", "--impact", module["id"], "-o", str(dot_file))
    assert impact.code == 0 and stat.S_IMODE(dot_file.stat().st_mode) == 0o600
    dot = parse_dot(dot_file.read_text())
    assert {n["tooltip"] for n in dot.nodes.values()} == {module["id"], *_consumers_of(org, module["id"])}
    assert dot.title == f"impact of {module['name']}"

    out_of_range = gctui(org, capsys, "export", "--format", "dot", "--component", str(len(cycles) + 1))
    assert out_of_range.code == 2 and out_of_range.out == ""
    assert f"gctui: --component {len(cycles) + 1} is out of range (1-{len(cycles)}: " in out_of_range.err

    before = org.all_requests()
    for bad in (
        ["--component", "0"],
        ["-o", str(tmp_path / "missing" / "x.dot")],
        ["-o", str(tmp_path)],
    ):
        refused = gctui(org, capsys, "export", "--format", "dot", *bad)
        assert refused.code == 2 and refused.out == "" and len(refused.err_lines) == 1
    assert "nothing sent" in refused.err
    assert org.all_requests() == before  # refused before anything was sent
    usage = gctui(org, capsys, "export", "--format", "svg")
    assert usage.code == 2 and "invalid choice: 'svg'" in usage.err


# ------------------------------------------------------------------------ failures, 429s, progress
def test_a_flow_that_cannot_be_read_is_listed_and_fetched_next_time(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    module = org.state.flows_by_type["COMMONMODULE"][0]
    path = "/api/v2/architect/dependencytracking/consumedresources"
    org.control("POST", "/faults", {"method": "GET", "pathPattern": path, "status": 404, "count": 1})
    org.control(
        "POST", "/faults", {"method": "GET", "pathPattern": "/api/v2/flows", "status": 429, "count": 1}
    )
    run = gctui(org, capsys, "impact", module["id"], "--json")
    assert run.code == 1  # the answer is partial: the failed flow is listed
    crawl = run.doc["crawl"]
    assert run.doc["partial"] is True and crawl["complete"] is False and len(crawl["failed"]) == 1
    (failed,) = crawl["failed"]
    assert failed["name"] == org.state.flow_by_id[failed["id"]]["name"] and "404" in failed["error"]
    assert "gctui: warning: 1 flow could not be read: the answer is partial" in run.err
    assert any(line.startswith(f"  {failed['name']} [{failed['id']}]: ") for line in run.err_lines)
    made, throttled = run.summary()
    assert throttled == 1 and made == crawl["fetched"] + 1 + 2 + 1  # + the failed one, + the retried listing

    org.dt_requests()
    again = gctui(org, capsys, "impact", module["id"], "--json")
    assert again.code == 0 and again.doc["partial"] is False and again.doc["crawl"]["fetched"] == 1
    assert list(org.dt_requests()["flows"]) == [failed["id"]]  # only the one that failed
    assert again.summary() == (3, 0)


def test_progress_is_throttled_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    now = [0.0]
    reporter = CrawlReporter(Throttle(1.0, clock=lambda: now[0]))
    graph = FlowGraph()
    reporter(CrawlProgress(Phase.LISTING, graph, pages_done=1, pages_total=1))  # < 1 s: quiet
    reporter(CrawlProgress(Phase.FETCHING, graph, listed=500, to_fetch=400, reused=100))
    for done in range(1, 401):
        now[0] += 0.01  # 4 s in all: about 4 lines
        reporter(CrawlProgress(Phase.FETCHING, graph, listed=500, to_fetch=400, fetched=done, reused=100))
    err = capsys.readouterr().err.splitlines()
    assert (
        err[0]
        == "gctui: flows: 500 listed, 100 cached; reading what 400 published flows consume (one request each)"
    )
    counts = err[1:]
    assert 3 <= len(counts) <= 4
    assert all(
        re.fullmatch(r"gctui: flows: \d+/400 flows fetched, 100 cached \(fetching\)", c) for c in counts
    )
    fetched = [int(c.split()[2].split("/")[0]) for c in counts]
    assert fetched == sorted(fetched) and all(b - a >= 99 for a, b in itertools.pairwise(fetched))


def test_demo_runs_against_the_embedded_org(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--demo", "flows", "cycles", "--json"])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 1 and doc["count"] >= 4 and doc["crawl"]["complete"] is True
    assert SUMMARY.match(err.splitlines()[-1])


def _reason(text: str) -> str:
    """A risk reason without its numbers ("1,288 executions timed out" -> "# executions timed out")."""
    import re

    return re.sub(r"\d[\d,.]*", "#", text).replace("execution ", "executions ")
