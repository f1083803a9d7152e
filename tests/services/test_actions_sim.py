"""The actions service against the simulated org over loopback: load, batch, verify, undo,
and reconcile after a simulated crash."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gctui.config.models import ActionsConfig
from gctui.genesys.session import Session
from gctui.services.actions import (
    ActionsWriter,
    Journal,
    Kind,
    State,
    UsedByCache,
    compile_filter,
    load_rows,
    plan_timeouts,
    reconcile,
    retry,
    undo,
)
from gctui.services.actions.loader import FIRST_CHUNK
from gctui.sim import SimConfig
from gctui.sim.server import SimServer
from tests.integration.test_core_against_sim import options


@pytest.fixture
async def session() -> AsyncIterator[tuple[SimServer, Session]]:
    async with SimServer(SimConfig(actions=130, rate_limit=100_000, token_rate_limit=1000)) as sim:
        async with Session.create(options(sim)) as s:
            yield sim, s


async def test_load_rows_with_statistics_and_progress(session: tuple[SimServer, Session]) -> None:
    _, s = session
    pages: list[tuple[int, int]] = []
    loaded = await load_rows(s.api, s.pool, ActionsConfig(), on_progress=lambda d, t: pages.append((d, t)))
    assert len(loaded.rows) == 130 and loaded.stats_error is None
    assert pages[-1] == (2, 2)  # 130 actions in pages of 100
    with_stats = [r for r in loaded.rows if r.executions]
    assert with_stats and all(r.p99_ms is not None for r in with_stats)
    assert any(r.timeout_is_default for r in loaded.rows)
    assert any(r.risk for r in loaded.rows) and any(r.suggested_timeout for r in loaded.rows)
    assert all(r.host for r in loaded.rows)
    risky = [r for r in loaded.rows if compile_filter("risk and executions>0")(r)]
    assert risky and all(r.risk for r in risky)
    # The rows also came early, as the listing's pages arrived, before the statistics.
    early: list[list[str]] = []
    again = await load_rows(
        s.api, s.pool, ActionsConfig(), on_rows=lambda rows: early.append([r.id for r in rows])
    )
    assert [i for batch in early for i in batch] == [r.id for r in again.rows]
    assert [len(batch) for batch in early] == [FIRST_CHUNK, 30]  # the first page's rows at once
    used = UsedByCache(s.api)
    row = loaded.rows[0]
    flows = await used.get(row.id, row.version, secure=row.secure)
    assert used.cached(row.id, row.version) is flows
    assert all(f.type.endswith("FLOW") or f.type == "WORKFLOW" for f in flows)


async def test_batch_verify_undo_and_journal(session: tuple[SimServer, Session], tmp_path: Path) -> None:
    _, s = session
    ids = [a.id async for a in s.api.actions()][:60]
    with Journal(tmp_path / "j.sqlite3", "sim") as journal:
        writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=2)
        before = {
            a.id: a.config.timeout_seconds if a.config else None for a in await s.api.actions_by_ids(ids)
        }
        plan = await plan_timeouts(s.api, dict.fromkeys(ids, 17), 10)
        assert len(plan.changes) + len(plan.unchanged) == 60
        assert plan.blast_radius().startswith(f"{len(plan.changes)} actions in ")
        report = await writer.apply(plan)
        assert report.ok, report.summary()
        now = await s.api.actions_by_ids(ids)
        assert all(a.config and a.config.timeout_seconds == 17 for a in now)
        back = await undo(writer, report.batch.id, 10)
        assert back.ok and back.batch.kind is Kind.UNDO and back.batch.origin_batch == report.batch.id
        restored = {
            a.id: a.config.timeout_seconds if a.config else None for a in await s.api.actions_by_ids(ids)
        }
        assert restored == before
        assert [b.id for b in journal.batches()] == [back.batch.id, report.batch.id]


async def test_reconcile_after_a_crash(session: tuple[SimServer, Session], tmp_path: Path) -> None:
    _, s = session
    a, b, c = await s.api.actions_by_ids([x.id async for x in s.api.actions()][:3])
    path = tmp_path / "j.sqlite3"
    # The run that crashed: a's PATCH landed, b's never left, c was edited by someone since.
    with Journal(path, "sim") as crashed:
        batch = crashed.start_batch(Kind.SET_TIMEOUT)
        entries = {}
        for action, after in ((a, 41), (b, 42), (c, 43)):
            old = action.config.timeout_seconds if action.config else None
            entries[action.id] = crashed.add_entry(batch.id, action.id, action.name, old, after)
            crashed.update(entries[action.id], State.SENT, version_sent=action.version)
        await s.api.patch_action(
            a.id, {"version": a.version, "config": {**a.raw_config, "timeoutSeconds": 41}}
        )
        await s.api.patch_action(
            c.id, {"version": c.version, "config": {**c.raw_config, "timeoutSeconds": 59}}
        )
    with Journal(path, "sim") as journal:  # the next start
        writer = ActionsWriter(s.api, s.pool, journal)
        result = await reconcile(writer)
        assert [e.action_id for e in result.landed] == [a.id]
        assert [e.action_id for e in result.not_landed] == [b.id]
        assert [e.action_id for e in result.conflicts] == [c.id]
        assert journal.entry(entries[a.id]).state is State.DONE
        assert journal.entry(entries[c.id]).state is State.CONFLICT
        report = await retry(writer, result.not_landed, 10)
        assert report.ok and report.batch.origin_batch == batch.id
        assert journal.open_entries() == []
        (now,) = await s.api.actions_by_ids([b.id])
        assert now.config is not None and now.config.timeout_seconds == 42
        assert (await reconcile(writer)).clean
