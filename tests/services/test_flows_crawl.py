"""The crawl, its cache, refresh and resume: through the real client, pool and governor against
a respx-mocked org (every request counted), and with a pure fake API where order matters."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx

from gctui.genesys.errors import ForbiddenError
from gctui.genesys.pool import WorkerPool
from gctui.genesys.session import Session
from gctui.services.flows import (
    CrawlProgress,
    FlowCache,
    FlowsCrawler,
    Kind,
    Phase,
    default_cache_path,
    graph_problems,
)
from gctui.services.flows.graph import FlowGraph
from tests.genesys.conftest import make_options
from tests.services.test_flows_support import FakeApi, MockedOrg, SyntheticOrg


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as r:
        yield r


def edges(graph: FlowGraph) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    return set(graph.edges())


async def full_crawl_edges(org: SyntheticOrg, path: Path) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """What a first crawl of ``org`` into an empty cache finds (the reference for refreshes)."""
    with FlowCache(path, "ref") as cache:
        result = await FlowsCrawler(FakeApi(org), WorkerPool(4), cache).run()
        assert result.complete
        return edges(result.graph)


# -- through the real client (respx) ---------------------------------------------------------


async def test_first_crawl_then_a_refresh_after_one_percent_republished(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(1000)
    mocked = MockedOrg(router, org)
    published = org.published_ids()
    path = tmp_path / "flows.sqlite3"
    async with Session.create(make_options()) as s:
        with FlowCache(path, "org") as cache:
            first = await FlowsCrawler(s.api, s.pool, cache, list_page_size=100).run()
        assert (
            first.complete and first.listed == 1000 and first.fetched == len(published) and first.reused == 0
        )
        assert mocked.calls["list"] == 10 and mocked.list_page_sizes == [100] * 10
        assert sorted(mocked.consumed_calls) == sorted(published)  # each published flow once, drafts never
        assert s.client.requests_sent == 1 + 10 + len(published)  # limits read + pages + one per flow

    changed = published[::100][:10]  # 1 %
    for flow_id in changed:
        org.republish(flow_id)  # new version, one more dependency
    mocked.calls.clear()
    mocked.consumed_calls.clear()
    async with Session.create(make_options()) as s:  # a restart: new process state, same cache file
        with FlowCache(path, "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache, list_page_size=100)
            before = crawler.load_cached()
            assert s.client.requests_sent == 0 and before.edge_count() == first.graph.edge_count()
            again = await crawler.run()
        assert sorted(mocked.consumed_calls) == sorted(changed)
        assert mocked.calls["list"] == 10
        assert s.client.requests_sent == 1 + 10 + len(changed)
    assert again.complete and again.fetched == len(changed) and again.reused == len(published) - len(changed)
    assert edges(again.graph) == await full_crawl_edges(org, tmp_path / "reference.sqlite3")


async def test_added_removed_and_unpublished_flows(router: respx.MockRouter, tmp_path: Path) -> None:
    org = SyntheticOrg(120)
    mocked = MockedOrg(router, org)
    async with Session.create(make_options()) as s:
        with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache)
            await crawler.run()
            assert mocked.list_page_sizes == [500]  # one page of up to 500
            # not common modules: nobody consumes these, so they leave the graph entirely
            leaf = [f["id"] for f in org.flows if f["type"] != "COMMONMODULE" and f.get("publishedVersion")]
            removed, unpublished = leaf[:2], leaf[2]
            for flow_id in removed:
                org.remove(flow_id)
            del org.by_id[unpublished]["publishedVersion"]
            for flow_id in ("n1", "n2", "n3"):
                org.add(flow_id)
            mocked.consumed_calls.clear()
            result = await crawler.run()
            assert mocked.consumed_calls == ["n1", "n2", "n3"]
            assert result.removed == 2 and result.fetched == 3 and result.complete
            assert set(cache.versions()) == set(org.published_ids())
            keys = {k[1] for k in result.graph.nodes}
            assert not keys & set(removed) and {"n1", "n2", "n3", "q-new"} <= keys
            node = result.graph.node(result.graph.flow_key(unpublished) or ("", ""))
            assert node.state.value == "draft" and not result.graph.consumes(node.key)
            assert edges(result.graph) == await full_crawl_edges(org, tmp_path / "ref.sqlite3")


async def test_a_crawl_cancelled_half_way_resumes_without_refetching(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(400)
    mocked = MockedOrg(router, org)
    published = set(org.published_ids())
    path = tmp_path / "f.sqlite3"
    async with Session.create(make_options()) as s:
        with FlowCache(path, "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache, report_every=1)
            seen: list[CrawlProgress] = []

            def progress(p: CrawlProgress) -> None:
                seen.append(p)
                if p.fetched >= 150:
                    crawler.cancel()

            result = await crawler.run(on_progress=progress)
            assert result.cancelled and not result.complete
            assert seen[-1].phase is Phase.CANCELLED and seen[-1].partial
            assert not s.pool.active()
            stored = set(cache.versions())
            assert 150 <= len(stored) < len(published) and not cache.status().complete
    first_calls = list(mocked.consumed_calls)
    mocked.consumed_calls.clear()
    async with Session.create(make_options()) as s:
        with FlowCache(path, "org") as cache:
            result = await FlowsCrawler(s.api, s.pool, cache).run()
            assert cache.status().complete
    assert result.complete and result.reused == len(stored)
    assert set(mocked.consumed_calls) == published - stored  # nothing cached is fetched again
    assert len(mocked.consumed_calls) == len(published) - len(stored)
    assert set(first_calls) | set(mocked.consumed_calls) == published
    assert edges(result.graph) == await full_crawl_edges(org, tmp_path / "ref.sqlite3")


async def test_one_failing_flow_is_recorded_and_refetched_next_time(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(60)
    mocked = MockedOrg(router, org)
    bad = org.published_ids()[7]
    mocked.fail[bad] = 404
    async with Session.create(make_options()) as s:
        with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache)
            result = await crawler.run()
            assert list(result.failed) == [bad] and "404" in result.failed[bad] and not result.complete
            assert result.fetched == len(org.published_ids()) - 1
            assert not cache.status().complete
            key = result.graph.flow_key(bad)
            assert key is not None and result.graph.node(key).fetch_error
            assert (Kind.FETCH_FAILED, key) in {(p.kind, p.subject) for p in graph_problems(result.graph)}
            del mocked.fail[bad]
            mocked.consumed_calls.clear()
            again = await crawler.run()
            assert mocked.consumed_calls == [bad] and again.complete and cache.status().complete
            assert again.graph.node(key).fetch_error is None


async def test_a_permission_error_stops_the_crawl_and_keeps_what_was_fetched(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(50)
    mocked = MockedOrg(router, org)
    published = org.published_ids()
    mocked.fail[published[10]] = 403
    async with Session.create(make_options()) as s:
        with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache, concurrency=1)
            phases: list[Phase] = []
            with pytest.raises(ForbiddenError):
                await crawler.run(on_progress=lambda p: phases.append(p.phase))
            assert phases[-1] is Phase.FAILED and crawler.progress().partial
            assert set(cache.versions()) == set(published[:10]) and not s.pool.active()
            assert not crawler.running
            del mocked.fail[published[10]]
            mocked.consumed_calls.clear()
            result = await crawler.run()
            assert mocked.consumed_calls == published[10:] and result.complete


async def test_force_refetches_everything_and_keeps_old_edges_meanwhile(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(80)
    mocked = MockedOrg(router, org)
    async with Session.create(make_options()) as s:
        with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache)
            first = await crawler.run()
            n_edges = first.graph.edge_count()
            mocked.consumed_calls.clear()
            seen: list[tuple[Phase, int]] = []
            result = await crawler.run(
                force=True, on_progress=lambda p: seen.append((p.phase, p.graph.edge_count()))
            )
            assert sorted(mocked.consumed_calls) == sorted(org.published_ids())
            assert result.reused == 0 and result.complete and cache.status().complete
            fetching = [n for phase, n in seen if phase is Phase.FETCHING]
            assert fetching and fetching[0] == n_edges  # still drawn while refetched


# -- with the fake API: order, progress, restarts -----------------------------------------------


async def test_priority_first_then_bumps_newest_first(tmp_path: Path) -> None:
    org = SyntheticOrg(40)
    published = org.published_ids()
    api = FakeApi(org)
    with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
        crawler = FlowsCrawler(api, WorkerPool(4), cache, concurrency=1, report_every=1)
        wanted = [published[-1], published[-5], published[-3]]
        late_a, late_b, late_c = published[20], published[21], published[22]
        bumped: list[int] = []

        def progress(p: CrawlProgress) -> None:
            if p.phase is Phase.FETCHING and p.fetched == 5 and not bumped:
                bumped.append(crawler.bump([late_a, late_b, wanted[0]]))  # wanted[0] is done: not counted
                bumped.append(crawler.bump([late_c]))

        await crawler.run(priority=wanted, on_progress=progress)
    assert api.consumed_calls[:3] == wanted  # in the order given
    assert bumped == [2, 1]
    assert api.consumed_calls[5:8] == [late_c, late_a, late_b]  # the latest bump first
    rest = [i for i in published if i not in {*wanted, late_a, late_b, late_c}]
    assert api.consumed_calls[3:5] + api.consumed_calls[8:] == rest  # then the listing order
    assert len(api.consumed_calls) == len(published)


async def test_progress_reports_the_partial_graph_and_partial_cycles(tmp_path: Path) -> None:
    org = SyntheticOrg(100)
    seen: list[CrawlProgress] = []
    mid_cycles: list[str] = []

    def progress(p: CrawlProgress) -> None:
        seen.append(p)
        if p.phase is Phase.FETCHING and p.fetched == 40:
            mid_cycles.append(p.cycles().summary())
            edges_then.append(p.graph.edge_count())

    edges_then: list[int] = []
    with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
        result = await FlowsCrawler(FakeApi(org), WorkerPool(4), cache, report_every=20).run(
            on_progress=progress
        )
    phases = [p.phase for p in seen]
    assert phases[0] is Phase.CACHED and Phase.LISTING in phases and phases[-1] is Phase.DONE
    assert all(p.partial for p in seen[:-1]) and seen[-1].complete
    fetched = [p.fetched for p in seen if p.phase is Phase.FETCHING]
    assert fetched == sorted(fetched) and fetched[-1] < seen[-1].to_fetch + 1
    assert mid_cycles == ["1 cycle so far (partial)"] and edges_then[0] < result.graph.edge_count()
    assert seen[-1].cycles().summary() == "1 cycle"  # the planted module 2-cycle, now final
    assert (
        seen[-1].summary().startswith(f"{len(org.published_ids())}/{len(org.published_ids())} flows fetched")
    )


async def test_a_crawl_killed_with_sigkill_resumes_where_it_stopped(tmp_path: Path) -> None:
    """A child process crawls (one worker) and is SIGKILLed while its 61st fetch hangs: the 60
    committed flows are never fetched again."""
    path = tmp_path / "f.sqlite3"
    child = f"""
import asyncio
from pathlib import Path
from gctui.genesys.pool import WorkerPool
from gctui.services.flows import FlowCache, FlowsCrawler
from tests.services.test_flows_support import FakeApi, SyntheticOrg

async def main():
    hang = asyncio.Event()
    async def on_fetch(flow_id, n):
        if n == 61:
            print("hanging", flush=True)
            await hang.wait()
    cache = FlowCache(Path({str(path)!r}), "org")
    await FlowsCrawler(FakeApi(SyntheticOrg(200), on_fetch), WorkerPool(2), cache, concurrency=1).run()

asyncio.run(main())
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "hanging\n"
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9
    org = SyntheticOrg(200)
    published = org.published_ids()
    api = FakeApi(org)
    with FlowCache(path, "org") as cache:
        assert set(cache.versions()) == set(published[:60])
        result = await FlowsCrawler(api, WorkerPool(4), cache).run()
    assert result.complete and result.reused == 60
    assert sorted(api.consumed_calls) == sorted(published[60:])


async def test_cancelling_the_caller_cancels_the_pool_jobs(tmp_path: Path) -> None:
    org = SyntheticOrg(30)
    reached = asyncio.Event()
    never = asyncio.Event()

    async def on_fetch(flow_id: str, n: int) -> None:
        if n == 3:
            reached.set()
            await never.wait()

    pool = WorkerPool(4)
    with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
        crawler = FlowsCrawler(FakeApi(org, on_fetch), pool, cache, concurrency=1)
        task = asyncio.ensure_future(crawler.run())
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not pool.active() and not crawler.running
        assert len(cache.versions()) == 2


async def test_the_cached_graph_is_drawn_without_a_request_and_bad_rows_are_refetched(tmp_path: Path) -> None:
    org = SyntheticOrg(50)
    path = tmp_path / "f.sqlite3"
    with FlowCache(path, "org") as cache:
        first = await FlowsCrawler(FakeApi(org), WorkerPool(4), cache).run()
    victim = org.published_ids()[3]
    with sqlite3.connect(path) as db:
        db.execute("UPDATE consumed SET refs = '[[1,2]' WHERE flow_id = ?", (victim,))
    api = FakeApi(org)
    with FlowCache(path, "org") as cache, FlowCache(path, "other org") as other:
        crawler = FlowsCrawler(api, WorkerPool(4), cache)
        graph = await asyncio.to_thread(crawler.load_cached)  # off the event loop, as the tab does
        assert api.list_calls == 0 and api.consumed_calls == []
        assert len(list(graph.flows())) == 50 and edges(graph) < edges(first.graph)
        assert not graph.node(graph.flow_key(victim) or ("", "")).fetched
        assert other.status().flows == 0 and len(other.load_graph()) == 0  # scopes are apart
        status = cache.status()
        assert status.flows == 50 and status.fetched == len(org.published_ids()) and status.complete
        result = await crawler.run()
    assert api.consumed_calls == [victim] and edges(result.graph) == edges(first.graph)


async def test_the_default_cache_is_private(tmp_path: Path) -> None:
    path = default_cache_path()
    assert path.name == "flows.sqlite3" and "cache" in str(path)
    with FlowCache(path, "org") as cache:
        await FlowsCrawler(FakeApi(SyntheticOrg(5)), WorkerPool(2), cache).run()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for side in path.parent.glob("flows.sqlite3-*"):
        assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0


async def test_a_second_run_at_the_same_time_is_refused(tmp_path: Path) -> None:
    reached, release = asyncio.Event(), asyncio.Event()

    async def on_fetch(flow_id: str, n: int) -> None:
        reached.set()
        await release.wait()

    with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
        crawler = FlowsCrawler(FakeApi(SyntheticOrg(5), on_fetch), WorkerPool(2), cache)
        task = asyncio.ensure_future(crawler.run())
        await reached.wait()
        with pytest.raises(RuntimeError, match="already running"):
            await crawler.run()
        release.set()
        assert (await task).complete


async def test_a_damaged_or_foreign_cache_file_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just bytes" * 100)
    with FlowCache(path, "org") as cache:
        assert cache.status().flows == 0
        await FlowsCrawler(FakeApi(SyntheticOrg(5)), WorkerPool(2), cache).run()
        assert cache.status().flows == 5
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")  # a cache written by another gctui version
    with FlowCache(path, "org") as cache:
        assert cache.status().flows == 0 and cache.versions() == {}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_listing_failure_raises_and_leaves_the_cache_as_it_was(
    router: respx.MockRouter, tmp_path: Path
) -> None:
    org = SyntheticOrg(30)
    mocked = MockedOrg(router, org)
    async with Session.create(make_options()) as s:
        with FlowCache(tmp_path / "f.sqlite3", "org") as cache:
            crawler = FlowsCrawler(s.api, s.pool, cache)
            first = await crawler.run()
            mocked.list_status = 403
            org.republish(org.published_ids()[0])
            mocked.consumed_calls.clear()
            with pytest.raises(ForbiddenError, match="listing refused"):
                await crawler.run()
            assert mocked.consumed_calls == [] and crawler.progress().phase is Phase.FAILED
            assert edges(cache.load_graph()) == edges(first.graph) and cache.status().complete
