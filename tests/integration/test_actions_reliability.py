"""Bulk timeout changes under failure, against the simulated org over loopback (issue 10).

Everything goes through the real service layer (``plan_timeouts`` → ``ActionsWriter.apply`` →
verify → ``undo`` / ``reconcile`` → ``retry``) and the real API core. The evidence is what the
simulator holds, never our own report: each action's current state and its PATCH history
(every applied change with its versions and before/after timeout, even when the response was
lost, and every stale version it refused).

Faults are scripted per action path from a seeded RNG, so the same actions get the same faults
on every run whatever order the requests arrive in. The 5xx, lagging-read and stale-undo tests
each failed against the first service layer (a 5xx journaled as failed though it landed; the
last re-read never looked at; a stale read taken for "already restored") and pass since the
version floors in apply.py.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.genesys.session import Session
from gctui.services.actions import (
    ActionsWriter,
    BatchReport,
    Journal,
    Kind,
    Outcome,
    State,
    plan_timeouts,
    reconcile,
    retry,
    undo,
)
from gctui.sim import SimConfig
from gctui.sim.det import iso
from gctui.sim.server import SimServer
from tests.integration.test_core_against_sim import options

ACTIONS = "/api/v2/integrations/actions"
SEED = 1010
SCOPE = "sim"
PLATFORM_DEFAULT = 10
TOKEN_TTL = 1  # seconds
CHILD = Path(__file__).with_name("_actions_child.py")
OPEN = (State.PENDING, State.SENT, State.UNKNOWN)  # outcome not known: what reconcile settles

FaultSpec = tuple[int | str, str]  # (HTTP status or "drop", "before" | "after")

# 60 of 300 PATCHes (20 %) fail, plus bursts of read faults and two forced token expiries.
DROPS: dict[FaultSpec, int] = {("drop", "before"): 30, ("drop", "after"): 30}
WITH_5XX: dict[FaultSpec, int] = {
    (503, "before"): 8,
    (500, "before"): 7,
    (502, "after"): 8,
    (504, "after"): 7,
    ("drop", "before"): 15,
    ("drop", "after"): 15,
}
READ_BURST: tuple[int | str, ...] = (503, "drop")  # one burst: two failed GETs in a row

# --- the simulator's evidence -----------------------------------------------------------------


def sim_action(sim: SimServer, action_id: str) -> dict[str, Any]:
    assert sim.runtime is not None
    action: dict[str, Any] = sim.runtime.org.action_by_id[action_id]
    return action


def sim_timeout(sim: SimServer, action_id: str) -> int | None:
    value = sim_action(sim, action_id).get("config", {}).get("timeoutSeconds")
    return value if isinstance(value, int) else None


def sim_history(sim: SimServer, action_id: str) -> dict[str, Any]:
    assert sim.runtime is not None
    return sim.runtime.actions.history(action_id)


def sim_clock_now() -> str:
    """Now, in the format and precision of the simulator's history timestamps (``at``)."""
    return iso(time.time())


def org_snapshot(sim: SimServer, ids: list[str]) -> dict[str, tuple[int | None, int]]:
    """``{id: (timeout, version)}`` as the simulator holds them now."""
    return {i: (sim_timeout(sim, i), sim_action(sim, i)["version"]) for i in ids}


def pick_targets(
    ids: list[str], before: dict[str, tuple[int | None, int]], rng: random.Random
) -> dict[str, int]:
    """A new timeout for every action, never the one it holds."""
    return {i: rng.choice([t for t in range(1, 61) if t != before[i][0]]) for i in ids}


def script_patch_faults(
    sim: SimServer, ids: list[str], mix: dict[FaultSpec, int], rng: random.Random
) -> dict[str, FaultSpec]:
    """One fault on the next PATCH of each chosen action; returns which action got which."""
    chosen = rng.sample(ids, sum(mix.values()))
    faults: dict[str, FaultSpec] = {}
    for spec, n in mix.items():
        for action_id in chosen[:n]:
            faults[action_id] = spec
            sim.control.script_fault("PATCH", f"{ACTIONS}/{action_id}", spec[0], 1, spec[1])  # type: ignore[arg-type]
        chosen = chosen[n:]
    return faults


def script_read_burst(sim: SimServer) -> None:
    """The next GETs of the action listing (page reads, re-reads, verification) fail in a row."""
    for status in READ_BURST:
        sim.control.script_fault("GET", ACTIONS, status, 1, "before")  # type: ignore[arg-type]


def pending_faults(sim: SimServer, report: BatchReport) -> str:
    """The scripted faults that never fired, and how the batch ended for their actions."""
    by_path = {f"{ACTIONS}/{o.action_id}": o for o in report.outcomes}
    lines = []
    for f in sim.control._faults:
        if f.remaining > 0:
            o = by_path.get(f.path_pattern)
            shown = f"{o.state}: {o.error} (sent {o.sent})" if o is not None else "no outcome"
            lines.append(f"  {f.method} {f.path_pattern} {f.status} {f.when} x{f.remaining}; {shown}")
    return "\n" + "\n".join(lines)


def describe(outcomes: dict[str, Outcome], ids: list[str], sim: SimServer) -> str:
    lines = []
    for i in ids[:8]:
        o, h = outcomes.get(i), sim_history(sim, i)
        shown = f"{o.state}: {o.error}" if o is not None else "no outcome"
        lines.append(f"  {i}: holds {sim_timeout(sim, i)}, applied {h['applied']}x; journal {shown}")
    more = f"\n  ... and {len(ids) - 8} more" if len(ids) > 8 else ""
    return "\n".join(lines) + more


def assert_batch_landed_once(
    sim: SimServer,
    journal: Journal,
    batch_id: int,
    outcomes: tuple[Outcome, ...],
    want: dict[str, int | None],
    held: dict[str, int | None],
    applied_before: int,
) -> None:
    """Every action holds ``want`` (read from the org), its PATCH history gained exactly one
    applied change from ``held`` to ``want``, and its journal entry says done."""
    by_id = {o.action_id: o for o in outcomes}
    ids = list(want)
    wrong = [i for i in ids if sim_timeout(sim, i) != want[i]]
    assert not wrong, f"{len(wrong)} actions do not hold their target:\n{describe(by_id, wrong, sim)}"
    counts = {i: sim_history(sim, i)["applied"] - applied_before for i in ids}
    twice = [i for i in ids if counts[i] != 1]
    assert not twice, f"{len(twice)} actions not applied exactly once:\n{describe(by_id, twice, sim)}"
    for i in ids:
        last = sim_history(sim, i)["changes"][-1]
        assert (last["timeoutSecondsBefore"], last["timeoutSecondsAfter"]) == (held[i], want[i])
        assert last["fields"] == ["config"] and last["versionAfter"] == last["versionBefore"] + 1
        assert sim_action(sim, i)["version"] == last["versionAfter"]
    entries = {e.action_id: e for e in journal.entries(batch_id)}
    assert set(entries) == set(ids)
    not_done = [i for i in ids if entries[i].state is not State.DONE]
    assert not not_done, f"{len(not_done)} journal entries not done:\n{describe(by_id, not_done, sim)}"
    assert all((entries[i].before, entries[i].after) == (held[i], want[i]) for i in ids)
    assert journal.open_entries() == []


# --- a. 300 actions, one batch, ~20 % faults, expiring tokens, lagging reads ------------------


@pytest.mark.parametrize(
    "mix",
    [
        pytest.param(DROPS, id="drops-on-patch"),
        pytest.param(WITH_5XX, id="5xx-on-patch"),
    ],
)
async def test_300_actions_with_faults_land_exactly_once_and_undo_restores_them(
    mix: dict[FaultSpec, int], tmp_path: Path
) -> None:
    cfg = SimConfig(
        seed=SEED,
        actions=320,
        rate_limit=100_000,
        token_rate_limit=1000,
        token_ttl=TOKEN_TTL,  # a token lives 1 s: the client renews it at 90 %, mid-batch
        latency_ms=25,  # 12-38 ms a request: a batch outlives several tokens on any machine
        stale_read_seconds=5.0,
        stale_reads=2,  # the first two reads after a PATCH still show the action before it
    )
    rng = random.Random(SEED)
    async with SimServer(cfg) as sim, Session.create(options(sim)) as s:
        ids = rng.sample(sorted([a.id async for a in s.api.actions()]), 300)
        start = org_snapshot(sim, ids)
        targets = pick_targets(ids, start, rng)
        with Journal(tmp_path / "journal.sqlite3", SCOPE) as journal:
            writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=15, verify_interval=0.2)
            plan = await plan_timeouts(s.api, targets, PLATFORM_DEFAULT)
            assert len(plan.changes) == 300 and not plan.unchanged and not plan.missing

            faults = script_patch_faults(sim, ids, mix, rng)
            script_read_burst(sim)  # the batch's read of the current versions

            def midway(_: Outcome, done: int, total: int) -> None:
                if done in (100, 200):
                    script_read_burst(sim)
                if done in (150, 250):
                    sim.control.expire_tokens()  # every token dies mid-batch: 401, then a new one

            t0 = time.monotonic()
            report = await writer.apply(plan, on_progress=midway)
            elapsed = time.monotonic() - t0
            stats = sim.control.stats()
            assert stats["scriptedFaultsPending"] == 0, (
                f"every scripted fault fired: {pending_faults(sim, report)}"
            )
            assert stats["faultsInjected"] == len(faults) + 3 * len(READ_BURST)
            assert stats["byStatus"].get("401", 0) >= 1, "a request met an expired token"
            assert stats["tokensIssued"] >= 3 and elapsed > TOKEN_TTL, "tokens expired during the batch"
            held = {i: start[i][0] for i in ids}
            assert_batch_landed_once(sim, journal, report.batch.id, report.outcomes, dict(targets), held, 0)
            assert report.ok, report.summary()
            refused = sum(sim_history(sim, i)["conflicts"] for i in ids)
            assert refused >= 1, "lagging reads made some lost-response resend hit a stale version"

            # The undo, with faults of its own: back to every before-value, once each.
            undo_faults = script_patch_faults(sim, ids, {("drop", "before"): 15, ("drop", "after"): 15}, rng)
            script_read_burst(sim)

            def expire_midway(_: Outcome, done: int, total: int) -> None:
                if done == 150:
                    sim.control.expire_tokens()

            back = await undo(writer, report.batch.id, PLATFORM_DEFAULT, on_progress=expire_midway)
            assert sim.control.stats()["scriptedFaultsPending"] == 0 and len(undo_faults) == 30
            assert back.batch.kind is Kind.UNDO and back.batch.origin_batch == report.batch.id
            assert_batch_landed_once(sim, journal, back.batch.id, back.outcomes, held, dict(targets), 1)
            assert back.ok, back.summary()
            assert org_snapshot(sim, ids) == {i: (start[i][0], start[i][1] + 2) for i in ids}


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_5xx_answer_to_a_patch_is_settled_not_journaled_failed(when: str, tmp_path: Path) -> None:
    async with SimServer(SimConfig(seed=SEED, actions=10, rate_limit=100_000)) as sim:
        async with Session.create(options(sim)) as s:
            (action,) = await s.api.actions_by_ids([(await anext(s.api.actions())).id])
            held = sim_timeout(sim, action.id)
            want = 7 if held != 7 else 8
            with Journal(tmp_path / "journal.sqlite3", SCOPE) as journal:
                writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=2, verify_interval=0.1)
                plan = await plan_timeouts(s.api, {action.id: want}, PLATFORM_DEFAULT)
                sim.control.script_fault("PATCH", f"{ACTIONS}/{action.id}", 502, 1, when)  # type: ignore[arg-type]
                report = await writer.apply(plan)
                assert sim.control.stats()["scriptedFaultsPending"] == 0
                assert_batch_landed_once(
                    sim, journal, report.batch.id, report.outcomes, {action.id: want}, {action.id: held}, 0
                )


async def test_a_lost_response_while_reads_lag_three_reads_is_settled_done(tmp_path: Path) -> None:
    cfg = SimConfig(seed=SEED, actions=10, rate_limit=100_000, stale_read_seconds=30.0, stale_reads=3)
    async with SimServer(cfg) as sim, Session.create(options(sim)) as s:
        action_id = (await anext(s.api.actions())).id
        held = sim_timeout(sim, action_id)
        want = 7 if held != 7 else 8
        with Journal(tmp_path / "journal.sqlite3", SCOPE) as journal:
            writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=2, verify_interval=0.1)
            plan = await plan_timeouts(s.api, {action_id: want}, PLATFORM_DEFAULT)
            sim.control.script_fault("PATCH", f"{ACTIONS}/{action_id}", "drop", 1, "after")
            report = await writer.apply(plan)
            assert_batch_landed_once(
                sim, journal, report.batch.id, report.outcomes, {action_id: want}, {action_id: held}, 0
            )


async def test_an_undo_right_after_a_batch_on_an_eventually_consistent_org(tmp_path: Path) -> None:
    cfg = SimConfig(
        seed=SEED,
        actions=40,
        rate_limit=100_000,
        stale_read_seconds=30.0,
        stale_read_probability=0.5,  # each read in the 30 s after a PATCH may come from a stale replica
    )
    rng = random.Random(SEED)
    async with SimServer(cfg) as sim, Session.create(options(sim)) as s:
        ids = sorted([a.id async for a in s.api.actions()])[:20]
        start = org_snapshot(sim, ids)
        targets = pick_targets(ids, start, rng)
        held = {i: start[i][0] for i in ids}
        with Journal(tmp_path / "journal.sqlite3", SCOPE) as journal:
            writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=15, verify_interval=0.1)
            report = await writer.apply(await plan_timeouts(s.api, targets, PLATFORM_DEFAULT))
            assert_batch_landed_once(sim, journal, report.batch.id, report.outcomes, dict(targets), held, 0)
            back = await undo(writer, report.batch.id, PLATFORM_DEFAULT)
            assert_batch_landed_once(sim, journal, back.batch.id, back.outcomes, held, dict(targets), 1)


# --- b. kill -9 in the middle of a batch, then reconcile and retry ----------------------------


def journal_states(path: Path) -> dict[str, int]:
    """``{state: entries}`` read straight from the journal file (another process writes it)."""
    if not path.exists():
        return {}
    db = sqlite3.connect(path, timeout=1.0)
    try:
        return dict(db.execute("SELECT state, COUNT(*) FROM entries GROUP BY state").fetchall())
    except sqlite3.OperationalError:  # the child has not created the tables yet
        return {}
    finally:
        db.close()


async def poll(check: Callable[[], bool], *, within: float) -> bool:
    """Poll ``check`` every 10 ms (yielding to the simulator, which shares this event loop) until
    it holds (True) or ``within`` seconds have passed (False)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def test_a_batch_killed_mid_way_is_reconciled_and_retried_exactly_once(tmp_path: Path) -> None:
    cfg = SimConfig(seed=SEED, actions=100, rate_limit=100_000, token_rate_limit=1000)
    rng = random.Random(SEED)
    async with SimServer(cfg) as sim:
        ids = sorted(a["id"] for a in sim.runtime.org.actions)[:80]  # type: ignore[union-attr]
        start = org_snapshot(sim, ids)
        targets = pick_targets(ids, start, rng)
        held = {i: start[i][0] for i in ids}
        path = tmp_path / "journal.sqlite3"
        (tmp_path / "targets.json").write_text(json.dumps(targets))
        # Applied, then the answer lost: the child journals "unknown" and re-reads, so at the
        # kill some changes have landed that its journal does not call done.
        for action_id in rng.sample(ids[8:40], 8):
            sim.control.script_fault("PATCH", f"{ACTIONS}/{action_id}", "drop", 1, "after")
        sim.control.set_latency_ms(200)  # 100-300 ms a request: ~8 PATCHes in flight at any time
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CHILD),
            sim.base_url,
            str(path),
            str(tmp_path / "targets.json"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:

            def reached(state: State, n: int) -> Callable[[], bool]:
                def check() -> bool:
                    if child.returncode is not None:
                        pytest.fail(f"the child exited ({child.returncode}) before it was killed")
                    states = journal_states(path)
                    past_pending = sum(states.get(st, 0) for st in (State.SENT, State.UNKNOWN, State.DONE))
                    return states.get(state, 0) >= 1 and past_pending >= n

                return check

            ready = await poll(reached(State.SENT, 1), within=30)  # its reads are done: PATCHing
            # From now on the only GETs are re-reads after a lost answer: the first one fails
            # three times, so that entry stays "unknown" for a while (about 4 x the latency).
            for _ in range(3):
                sim.control.script_fault("GET", ACTIONS, "drop", 1, "before")
            ready = ready and await poll(reached(State.UNKNOWN, 12), within=30)
            child.kill()  # SIGKILL: no finally, no atexit, nothing flushed on the way out
            out, err = await child.communicate()
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        assert ready, "the journal never showed 12 entries past pending with one lost response"
        assert child.returncode == -9, err.decode()
        assert b"finished" not in out
        sim.control.set_latency_ms(0)

        with Journal(path, SCOPE) as journal:  # the next start, in another process
            (batch,) = journal.batches()
            entries = {e.action_id: e for e in journal.entries(batch.id)}
            assert set(entries) == set(ids) and all(e.after == targets[e.action_id] for e in entries.values())
            by_state = {st: {i for i, e in entries.items() if e.state is st} for st in State}
            assert by_state[State.PENDING], "some changes had not been sent when the process died"
            assert by_state[State.SENT] | by_state[State.UNKNOWN], "some were in flight when it died"
            for i in by_state[State.DONE]:
                assert sim_history(sim, i)["applied"] == 1 and sim_timeout(sim, i) == targets[i]
            open_ids = set(ids) - by_state[State.DONE]
            assert {e.action_id for e in journal.open_entries()} == open_ids

            async with Session.create(options(sim)) as s:
                writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=5, verify_interval=0.1)
                started = sim_clock_now()
                result = await reconcile(writer)
                assert not result.unreachable and not result.conflicts and not result.missing
                landed = {e.action_id for e in result.landed}
                not_landed = {e.action_id for e in result.not_landed}
                assert landed | not_landed == open_ids and not landed & not_landed
                assert landed, "a change that landed but was never journaled done is found"
                assert not_landed, "changes that never landed are offered for retry"
                for i in landed:
                    assert sim_history(sim, i)["applied"] == 1 and sim_timeout(sim, i) == targets[i]
                    assert journal.entry(entries[i].id).state is State.DONE
                for i in not_landed:  # race-free: nothing of theirs landed before reconcile read
                    assert all(c["at"] >= started for c in sim_history(sim, i)["changes"]), i
                    assert journal.entry(entries[i].id).state in OPEN, "stays open until retried"

                report = await retry(writer, result.not_landed, PLATFORM_DEFAULT)
                assert report.ok, report.summary()
                assert report.batch.origin_batch == batch.id and report.batch.kind is Kind.SET_TIMEOUT
                assert {o.action_id for o in report.outcomes} <= not_landed
                assert (await reconcile(writer)).clean

            assert journal.open_entries() == []
            for i in ids:  # the batch that died: each entry done, or closed pointing at the retry
                e = journal.entry(entries[i].id)
                assert e.state is (State.FAILED if i in not_landed else State.DONE), (i, e)
                if i in not_landed:
                    assert e.error is not None and f"retried in batch {report.batch.id}" in e.error
        assert {i: sim_timeout(sim, i) for i in ids} == targets
        once = {i: sim_history(sim, i)["applied"] for i in ids}
        assert set(once.values()) == {1}, {i: n for i, n in once.items() if n != 1}
        for i in ids:
            (change,) = sim_history(sim, i)["changes"]
            assert (change["timeoutSecondsBefore"], change["timeoutSecondsAfter"]) == (held[i], targets[i])


# --- c. another client changes the action between our plan and our PATCH ---------------------


class RaceTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the simulator; just before our first PATCH of ``action_id`` leaves, awaits
    ``race()``: another client's change lands between our read of the version and our PATCH."""

    def __init__(self, action_id: str, race: Callable[[], Any]) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self._path = f"{ACTIONS}/{action_id}"
        self._race: Callable[[], Any] | None = race

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._race is not None and request.method == "PATCH" and request.url.path == self._path:
            race, self._race = self._race, None
            await race()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


THEIR_TIMEOUT = 33
THEIR_NAME = "Renamed in the console by someone else"


@pytest.mark.parametrize("field", ["timeout", "name"])
@pytest.mark.parametrize("moment", ["after-plan", "before-patch"])
async def test_a_concurrent_change_is_a_conflict_for_the_timeout_and_reapplied_for_another_field(
    field: str, moment: str, tmp_path: Path
) -> None:
    async with SimServer(SimConfig(seed=SEED, actions=30, rate_limit=100_000)) as sim:
        ids = [
            a["id"]
            for a in sim.runtime.org.actions  # type: ignore[union-attr]
            if a["config"].get("timeoutSeconds") not in (None, 20, THEIR_TIMEOUT)
        ][:3]
        contested, bystanders = ids[0], ids[1:]
        start = org_snapshot(sim, ids)
        name = sim_action(sim, contested)["name"]
        targets = dict.fromkeys(ids, 20)

        async def other_client() -> None:
            async with Session.create(options(sim)) as other:
                (now,) = await other.api.actions_by_ids([contested])
                change: dict[str, Any] = (
                    {"config": {"timeoutSeconds": THEIR_TIMEOUT}}
                    if field == "timeout"
                    else {"name": THEIR_NAME}
                )
                await other.api.patch_action(contested, {"version": now.version, **change})

        transport = RaceTransport(contested, other_client) if moment == "before-patch" else None
        async with Session.create(options(sim), transport=transport) as s:
            with Journal(tmp_path / "journal.sqlite3", SCOPE) as journal:
                writer = ActionsWriter(s.api, s.pool, journal, verify_seconds=2, verify_interval=0.1)
                plan = await plan_timeouts(s.api, targets, PLATFORM_DEFAULT)
                assert {c.action_id for c in plan.changes} == set(ids)
                if moment == "after-plan":
                    await other_client()
                report = await writer.apply(plan)
                outcome = {o.action_id: o for o in report.outcomes}
                entry = {e.action_id: e for e in journal.entries(report.batch.id)}

        theirs, *ours = sim_history(sim, contested)["changes"]
        assert theirs["versionBefore"] == start[contested][1]
        # Refused stale versions: ours, only when their change landed after we read the version.
        assert sim_history(sim, contested)["conflicts"] == (1 if moment == "before-patch" else 0)
        for i in bystanders:
            assert outcome[i].state is State.DONE and sim_timeout(sim, i) == 20
            assert sim_history(sim, i)["applied"] == 1
        if field == "timeout":
            assert outcome[contested].state is State.CONFLICT and not report.ok
            assert entry[contested].state is State.CONFLICT
            assert f"{THEIR_TIMEOUT} s" in (outcome[contested].error or "")
            assert sim_timeout(sim, contested) == THEIR_TIMEOUT, "the other client's value is kept"
            assert ours == [] and theirs["timeoutSecondsAfter"] == THEIR_TIMEOUT
            assert outcome[contested].sent == (1 if moment == "before-patch" else 0)
        else:
            assert outcome[contested].state is State.DONE and report.ok, report.summary()
            assert entry[contested].state is State.DONE
            assert sim_action(sim, contested)["name"] == THEIR_NAME != name, "their rename is kept"
            assert sim_timeout(sim, contested) == 20
            (mine,) = ours
            assert theirs["fields"] == ["name"] and mine["fields"] == ["config"]
            assert mine["versionBefore"] == theirs["versionAfter"], "re-applied on the new version"
            assert (mine["timeoutSecondsBefore"], mine["timeoutSecondsAfter"]) == (start[contested][0], 20)
            assert outcome[contested].version == mine["versionAfter"]
