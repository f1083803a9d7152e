"""A big analytics answer (over LARGE_BODY) is decoded and validated in a thread, its results a
chunk at a time with the garbage collector held off: the same model as the plain path, the same
error (with the item's index in the whole list), and the collector as it was afterwards."""

from __future__ import annotations

import gc
import threading
from typing import Any

import httpx
import pytest
import respx

from gctui.genesys.api import LARGE_BODY, GenesysApi
from gctui.genesys.client import GenesysClient
from gctui.genesys.decode import parse_model, parse_model_in_chunks
from gctui.genesys.errors import DecodeError
from gctui.genesys.models import AggregateQueryResponse
from gctui.heap import built_in_bulk
from tests.genesys.conftest import API, make_options

QUERY = f"{API}/api/v2/analytics/actions/aggregates/query"


def _result(i: int) -> dict[str, Any]:
    return {
        "group": {"actionId": f"action-{i:05d}-" + "x" * 40},
        "data": [
            {
                "interval": "2026-11-27T00:00:00.000Z/2026-12-04T00:00:00.000Z",
                "metrics": [
                    {"metric": "tTotalExecution", "stats": {"count": i, "sum": i * 900.5, "max": 4000}},
                    {"metric": "tTotalExecution", "qualifier": "p99", "stats": {"count": 1, "sum": i * 1.5}},
                ],
            }
        ],
    }


def _body(n: int) -> dict[str, Any]:
    return {"results": [_result(i) for i in range(n)]}


def test_chunks_give_the_same_model_as_one_validation() -> None:
    body = _body(1_001)  # four chunks of 250 and one of 1
    chunked = parse_model_in_chunks(body, AggregateQueryResponse, "POST", "/q")
    assert chunked == parse_model(body, AggregateQueryResponse, "POST", "/q")
    assert chunked.model_dump() == parse_model(body, AggregateQueryResponse, "POST", "/q").model_dump()
    assert "results" in chunked.model_fields_set


def test_a_bad_item_names_its_index_in_the_whole_list() -> None:
    body = _body(700)
    body["results"][613]["data"][0]["metrics"][1]["stats"]["count"] = "lots"
    with pytest.raises(DecodeError) as caught:
        parse_model_in_chunks(body, AggregateQueryResponse, "POST", "/q")
    with pytest.raises(DecodeError) as whole:
        parse_model(body, AggregateQueryResponse, "POST", "/q")
    assert "results.613.data.0.metrics.1.stats.count" in str(caught.value)
    assert str(caught.value) == str(whole.value)
    with pytest.raises(DecodeError, match="at results: "):
        parse_model_in_chunks({"results": "no list"}, AggregateQueryResponse, "POST", "/q")


def test_the_collector_is_held_off_once_for_overlapping_builds_and_restored() -> None:
    assert gc.isenabled()
    inside: list[bool] = []
    first_in, second_done = threading.Event(), threading.Event()

    def other() -> None:
        with built_in_bulk():
            first_in.set()
            second_done.wait(5)
            inside.append(gc.isenabled())
        inside.append(gc.isenabled())  # the other build still runs: still off

    worker = threading.Thread(target=other)
    worker.start()
    first_in.wait(5)
    with built_in_bulk():
        inside.append(gc.isenabled())
    second_done.set()
    worker.join(5)
    assert inside == [False, False, True]  # on again once the last build ended
    gc.disable()
    try:
        with built_in_bulk():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), built_in_bulk():
        raise RuntimeError("a failed build")
    assert gc.isenabled()


async def test_a_big_answer_over_http_is_parsed_off_the_loop_with_the_collector_off(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _body(6_000)
    response = httpx.Response(200, json=body)
    assert len(response.content) > LARGE_BODY
    mock.post(QUERY).mock(return_value=response)
    seen: list[tuple[bool, bool]] = []  # (on the loop's thread, collector on) per chunk validated
    loop_thread = threading.get_ident()
    real = parse_model_in_chunks

    def spy(data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((threading.get_ident() == loop_thread, gc.isenabled()))
        return real(data, *args, **kwargs)

    monkeypatch.setattr("gctui.genesys.api.parse_model_in_chunks", spy)
    async with GenesysClient(make_options()) as client:
        out = await GenesysApi(client).action_aggregates({"interval": "x/y"})
    assert seen == [(False, False)]
    assert len(out.results) == 6_000 and out.results[5_999].group["actionId"].startswith("action-05999")
    assert gc.isenabled()


def test_freezes_are_rationed_a_burst_then_one_per_period(monkeypatch: pytest.MonkeyPatch) -> None:
    import gctui.heap as heap

    clock = [1_000.0]
    frozen: list[float] = []
    monkeypatch.setattr(heap.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(heap.gc, "freeze", lambda: frozen.append(clock[0]))
    monkeypatch.setattr(heap, "_allowance", float(heap.FREEZE_BURST))
    monkeypatch.setattr(heap, "_counted_at", clock[0])
    for _ in range(heap.FREEZE_BURST + 3):  # a load: several big answers at once
        with built_in_bulk():
            pass
    assert len(frozen) == heap.FREEZE_BURST
    clock[0] += heap.FREEZE_EVERY / 2
    with built_in_bulk():
        pass
    assert len(frozen) == heap.FREEZE_BURST  # half a period: not yet
    clock[0] += heap.FREEZE_EVERY / 2
    with built_in_bulk():
        pass
    assert len(frozen) == heap.FREEZE_BURST + 1 and gc.isenabled()
