"""Exact HTTP edge cases of the bulk apply engine, against a stateful respx org."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from gctui.genesys.session import Session
from gctui.services.actions import ActionsWriter, Journal, Kind, State, plan_timeouts, reconcile, retry, undo
from tests.genesys.conftest import API, error_body, make_options

ACTIONS = f"{API}/api/v2/integrations/actions"


class FakeActions:
    """GET ?ids= (pages of <= 50) and PATCH with optimistic versions; hooks script the edge cases."""

    def __init__(self, router: respx.MockRouter, n: int = 3) -> None:
        self.actions = {
            f"a{i}": {"id": f"a{i}", "name": f"Action {i}", "category": "CRM", "version": 1,
                      "config": {"timeoutSeconds": 3, "request": {"requestUrlTemplate": "https://x/y",
                                 "requestTemplateUri": "keep-me"}}}
            for i in range(n)
        }  # fmt: skip
        self.gets: list[list[str]] = []
        self.patches: list[dict[str, Any]] = []
        self.applied = 0
        self.before_patch: Callable[[str, dict[str, Any]], httpx.Response | None] | None = None
        self.after_patch: Callable[[str], None] | None = None
        self.stale_reads = 0  # reads that still show the value before the last PATCH
        self._stale: dict[str, dict[str, Any]] = {}
        router.get(ACTIONS).mock(side_effect=self.list)
        router.patch(url__regex=rf"{ACTIONS}/(?P<aid>[^/]+)$").mock(side_effect=self.patch)

    def list(self, request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        assert len(ids) <= 50 and request.url.params["includeConfig"] == "true"
        self.gets.append(ids)
        out = []
        for i in ids:
            if i in self._stale and self.stale_reads > 0:
                self.stale_reads -= 1
                out.append(self._stale[i])
            elif i in self.actions:
                out.append(self.actions[i])
        return httpx.Response(200, json={"entities": json.loads(json.dumps(out)), "pageCount": 1})

    def patch(self, request: httpx.Request, aid: str) -> httpx.Response:
        body = json.loads(request.content)
        self.patches.append({"id": aid, **body})
        if self.before_patch is not None and (resp := self.before_patch(aid, body)) is not None:
            return resp
        action = self.actions[aid]
        if body["version"] != action["version"]:
            return httpx.Response(409, json=error_body(409, "general.conflict", "version mismatch"))
        self._stale[aid] = json.loads(json.dumps(action))
        action["config"] = body["config"]
        action["version"] += 1
        self.applied += 1
        if self.after_patch is not None:
            self.after_patch(aid)
        return httpx.Response(200, json=action)

    def set(self, aid: str, timeout: int | None) -> None:
        """Someone else edits the action in the console."""
        self.actions[aid]["config"]["timeoutSeconds"] = timeout
        self.actions[aid]["version"] += 1


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[FakeActions, ActionsWriter]]:
    with respx.mock(assert_all_called=False) as router:
        router.post("https://login.mypurecloud.ie/oauth/token").mock(
            return_value=httpx.Response(
                200, json={"access_token": "t", "token_type": "bearer", "expires_in": 3600}
            )
        )
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(200, json={"entities": []})
        )
        org = FakeActions(router)
        session = Session.create(make_options(max_retries=1))
        journal = Journal(tmp_path / "journal.sqlite3", "test")

        async def no_sleep(_: float) -> None:
            await asyncio.sleep(0)

        yield org, ActionsWriter(session.api, session.pool, journal, verify_seconds=1.0, sleep=no_sleep)
        journal.close()
        await session.close()


async def test_full_config_and_current_version_are_sent(env: tuple[FakeActions, ActionsWriter]) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": "7"}, 10)
    report = await writer.apply(plan)
    assert report.ok, report.summary()
    (sent,) = org.patches
    assert sent["version"] == 1
    assert sent["config"] == {"timeoutSeconds": 7, "request": {"requestUrlTemplate": "https://x/y",
                              "requestTemplateUri": "keep-me"}}  # fmt: skip
    (entry,) = writer.journal.entries(report.batch.id)
    assert (entry.state, entry.before, entry.after, entry.version_sent) == (State.DONE, 3, 7, 1)


async def test_409_then_reread_reapplies_when_the_timeout_was_left_alone(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 8}, 10)

    def rename(aid: str, body: dict[str, Any]) -> httpx.Response | None:
        if org.actions[aid]["version"] == 1:  # another change lands between our read and PATCH
            org.actions[aid]["name"] = "Renamed by someone"
            org.actions[aid]["version"] = 2
        return None

    org.before_patch = rename
    report = await writer.apply(plan)
    assert report.ok
    assert [p["version"] for p in org.patches] == [1, 2]  # 409, re-read, re-applied on version 2
    assert org.actions["a0"]["config"]["timeoutSeconds"] == 8 and org.applied == 1
    assert org.actions["a0"]["name"] == "Renamed by someone"


async def test_409_after_someone_changed_the_timeout_is_a_conflict_not_overwritten(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 8, "a1": 8}, 10)

    def race(aid: str, body: dict[str, Any]) -> httpx.Response | None:
        if aid == "a0" and org.actions["a0"]["version"] == 1:
            org.set("a0", 20)  # lands between our read and our PATCH
        return None

    org.before_patch = race
    report = await writer.apply(plan)
    (conflict,) = report.with_state(State.CONFLICT)
    assert conflict.action_id == "a0" and "now holds 20 s" in (conflict.error or "")
    assert org.actions["a0"]["config"]["timeoutSeconds"] == 20  # not overwritten
    assert org.actions["a1"]["config"]["timeoutSeconds"] == 8
    assert not report.ok


async def test_400_version_does_not_match_is_treated_as_a_conflict(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 9}, 10)
    calls = 0

    def stale_400(aid: str, body: dict[str, Any]) -> httpx.Response | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            org.actions[aid]["version"] += 1  # e.g. a publish bumped it
            msg = "The version supplied does not match the current version of the action"
            return httpx.Response(400, json=error_body(400, "bad.request", msg))
        return None

    org.before_patch = stale_400
    report = await writer.apply(plan)
    assert report.ok and [p["version"] for p in org.patches] == [1, 2] and org.applied == 1


async def test_lost_response_after_apply_is_never_applied_twice(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 12}, 10)

    def drop(aid: str) -> None:
        org.after_patch = None
        raise httpx.ReadError("connection reset")  # applied, but the answer is lost

    org.after_patch = drop
    report = await writer.apply(plan)
    assert report.ok, report.summary()
    assert org.applied == 1 and len(org.patches) == 1
    (outcome,) = report.outcomes
    assert outcome.version == 2 and outcome.sent == 1


async def test_lost_response_before_apply_is_resent_once(env: tuple[FakeActions, ActionsWriter]) -> None:
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 12}, 10)
    dropped = False

    def drop_first(aid: str, body: dict[str, Any]) -> httpx.Response | None:
        nonlocal dropped
        if not dropped:
            dropped = True
            raise httpx.ReadError("reset before the server applied it")
        return None

    org.before_patch = drop_first
    report = await writer.apply(plan)
    assert report.ok and org.applied == 1 and len(org.patches) == 2


async def test_reads_go_in_pages_of_50_ids(tmp_path: Path, env: tuple[FakeActions, ActionsWriter]) -> None:
    org, writer = env
    for i in range(3, 120):
        org.actions[f"a{i}"] = json.loads(json.dumps(org.actions["a0"])) | {"id": f"a{i}", "name": f"A{i}"}
    plan = await plan_timeouts(writer.api, {f"a{i}": 4 for i in range(120)}, 10)
    assert [len(g) for g in org.gets] == [50, 50, 20]
    org.gets.clear()
    report = await writer.apply(plan)
    assert report.ok and org.applied == 120
    # one paged read before sending, one paged read to verify; never one GET per action
    assert [len(g) for g in org.gets] == [50, 50, 20, 50, 50, 20]


async def test_verify_waits_for_eventual_consistency_then_reports(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    org.stale_reads = 2  # the next two reads of a changed action still show the old value
    report = await writer.apply(await plan_timeouts(writer.api, {"a0": 15}, 10))
    assert report.ok and not report.not_verified
    org.stale_reads = 10_000  # never catches up within verify_seconds
    writer.verify_seconds = 0.0
    report = await writer.apply(await plan_timeouts(writer.api, {"a1": 15}, 10))
    (late,) = report.not_verified
    assert late.action_id == "a1" and late.state is State.UNKNOWN and "not verified" in (late.error or "")
    assert writer.journal.entry(late.entry_id).state is State.UNKNOWN
    assert report.summary().endswith(": 1 not verified")  # one action, counted once
    org.stale_reads = 0
    settled = await reconcile(writer)  # next start: it did land
    assert [e.action_id for e in settled.landed] == ["a1"]


async def test_cancel_stops_new_sends_and_journals_them(env: tuple[FakeActions, ActionsWriter]) -> None:
    org, writer = env
    cancel = threading.Event()
    seen: list[tuple[str, int, int]] = []

    def progress(outcome: Any, done: int, total: int) -> None:
        seen.append((outcome.action_id, done, total))
        cancel.set()  # the user pressed Esc after the first one

    writer.pool._sem = asyncio.Semaphore(1)  # one at a time, so the order is known
    report = await writer.apply(await plan_timeouts(writer.api, {"a0": 5, "a1": 5, "a2": 5}, 10),
                                cancel=cancel, on_progress=progress)  # fmt: skip
    states = [o.state for o in report.outcomes]
    assert states == [State.DONE, State.CANCELLED, State.CANCELLED] and report.cancelled
    assert org.applied == 1 and [s[1:] for s in seen] == [(1, 3), (2, 3), (3, 3)]
    assert [e.state for e in writer.journal.entries(report.batch.id)] == states


async def test_cancel_while_a_patch_waits_for_the_rate_budget_withdraws_it(
    env: tuple[FakeActions, ActionsWriter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user cancels while PATCHes are queued for their turn in the rate budget: none of
    them leaves (the dialog says "nothing new is sent"), each is journaled as cancelled."""
    org, writer = env
    plan = await plan_timeouts(writer.api, {"a0": 5, "a1": 5, "a2": 5}, 10)
    cancel = threading.Event()
    governor = writer.api.client.governor
    real_acquire = governor.acquire

    async def acquire(*, bulk: bool = False) -> Any:
        slot = await real_acquire(bulk=bulk)
        if len(org.gets) >= 2:  # past the plan's and the batch's reads: this is a PATCH's turn
            cancel.set()
        return slot

    monkeypatch.setattr(governor, "acquire", acquire)
    report = await writer.apply(plan, cancel=cancel)
    assert org.patches == [] and report.cancelled
    assert [o.state for o in report.outcomes] == [State.CANCELLED] * 3
    assert all("before it was sent" in (e.error or "") for e in writer.journal.entries(report.batch.id))


async def test_a_batch_stops_sending_when_the_link_is_down(tmp_path: Path) -> None:
    """Every connect fails: after a few actions in a row the rest are not tried one by one (each
    through its retries) but stopped at once, journaled, and said why."""
    from gctui.services.actions.batch import LINK_DOWN_AFTER

    with respx.mock(assert_all_called=False) as router:
        router.post("https://login.mypurecloud.ie/oauth/token").mock(
            return_value=httpx.Response(
                200, json={"access_token": "t", "token_type": "bearer", "expires_in": 3600}
            )
        )
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(200, json={"entities": []})
        )
        org = FakeActions(router, n=12)

        def refuse(aid: str, body: dict[str, Any]) -> httpx.Response | None:
            raise httpx.ConnectError("connection refused")

        org.before_patch = refuse
        async with Session.create(make_options(max_retries=1)) as session:
            with Journal(tmp_path / "journal.sqlite3", "test") as journal:
                writer = ActionsWriter(session.api, session.pool, journal, verify_seconds=0.0)
                writer.pool._sem = asyncio.Semaphore(1)  # one at a time, so the count is exact
                plan = await plan_timeouts(writer.api, {f"a{i}": 9 for i in range(12)}, 10)
                report = await writer.apply(plan)
    states = [o.state for o in report.outcomes]
    assert states == [State.FAILED] * LINK_DOWN_AFTER + [State.CANCELLED] * (12 - LINK_DOWN_AFTER)
    assert len(org.patches) == 2 * LINK_DOWN_AFTER  # each tried once more (never connected), then stop
    assert "the link is down" in (report.outcomes[-1].error or "") and not report.ok


async def test_undo_restores_before_values_as_its_own_batch(env: tuple[FakeActions, ActionsWriter]) -> None:
    org, writer = env
    org.actions["a2"]["config"].pop("timeoutSeconds")  # a2 used the platform default
    first = await writer.apply(await plan_timeouts(writer.api, {"a0": 6, "a1": 6, "a2": 6}, 10))
    org.set("a1", 44)  # someone changed a1 since
    report = await undo(writer, first.batch.id, 10)
    assert report.batch.kind == "undo" and report.batch.origin_batch == first.batch.id
    by_id = {o.action_id: o.state for o in report.outcomes}
    assert by_id == {"a0": State.DONE, "a1": State.CONFLICT, "a2": State.DONE}
    assert org.actions["a0"]["config"]["timeoutSeconds"] == 3
    assert org.actions["a1"]["config"]["timeoutSeconds"] == 44
    assert org.actions["a2"]["config"]["timeoutSeconds"] is None  # sent as null: default again


async def test_retry_of_a_change_that_landed_late_closes_it_as_done(
    env: tuple[FakeActions, ActionsWriter],
) -> None:
    org, writer = env
    batch = writer.journal.start_batch(Kind.SET_TIMEOUT)
    entry_id = writer.journal.add_entry(batch.id, "a0", "Action 0", 3, 12)
    writer.journal.update(entry_id, State.SENT, version_sent=1)
    org.set("a0", 12)  # the interrupted PATCH landed after all
    report = await retry(writer, [writer.journal.entry(entry_id)], 10)
    assert org.patches == [] and report.ok
    old = writer.journal.entry(entry_id)
    assert old.state is State.DONE and f"found by batch {report.batch.id}" in (old.error or "")
