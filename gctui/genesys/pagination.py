"""Page-number listings: fetch page 1, then the rest concurrently, and yield in order.

Once page 1 reveals ``pageCount``, up to ``concurrency`` later pages are in flight at once (the
governor still paces every request). Pages are yielded strictly in order, and only a bounded
window of pages is held in memory, so a consumer that stops early costs little.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from gctui.genesys.decode import parse_model
from gctui.genesys.errors import DecodeError

M = TypeVar("M", bound=BaseModel)


class PageReader(Protocol):
    """What a listing needs of the client: one paced, retried GET of a JSON body."""

    async def get_json(
        self, path: str, params: Mapping[str, Any] | None = None, *, bulk: bool = False
    ) -> Any: ...


async def _page(client: PageReader, path: str, params: dict[str, Any], number: int) -> dict[str, Any]:
    data = await client.get_json(path, {**params, "pageNumber": number}, bulk=True)
    if not isinstance(data, dict):
        raise DecodeError("listing page is not a JSON object", status=200, method="GET", path=path)
    return data


def _entities(data: dict[str, Any], model: type[M], path: str) -> list[M]:
    raw = data.get("entities") or []
    if not isinstance(raw, list):
        raise DecodeError("listing 'entities' is not a list", status=200, method="GET", path=path)
    return [parse_model(item, model, "GET", path) for item in raw]


async def paginate(
    client: PageReader,
    path: str,
    model: type[M],
    params: Mapping[str, Any] | None = None,
    *,
    page_size: int = 100,
    concurrency: int = 8,
    on_page: Callable[[int, int], None] | None = None,
) -> AsyncIterator[M]:
    """Yield every entity of a page-number listing, in order.

    ``on_page(done_pages, page_count)`` is called after each page (progress for the pool)."""
    base = {**(params or {}), "pageSize": page_size}
    first = await _page(client, path, base, 1)
    page_count = first.get("pageCount")
    if not isinstance(page_count, int):
        total = first.get("total")
        page_count = -(-total // page_size) if isinstance(total, int) and page_size else 1
    if on_page:
        on_page(1, page_count)
    for item in _entities(first, model, path):
        yield item
    if page_count <= 1:
        return
    width = max(1, concurrency)
    pending: deque[asyncio.Task[dict[str, Any]]] = deque()
    next_page = 2
    try:
        while next_page <= page_count or pending:
            while next_page <= page_count and len(pending) < width:
                pending.append(asyncio.ensure_future(_page(client, path, base, next_page)))
                next_page += 1
            data = await pending.popleft()
            if on_page:
                on_page(next_page - len(pending) - 1, page_count)
            for item in _entities(data, model, path):
                yield item
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
