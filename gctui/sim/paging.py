"""Page-number listing envelope of the reference (§4.1): relative URIs, 1-based pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from gctui.sim.errors import bad_request


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for {name}: {raw!r} is not an integer", name) from None


def bool_param(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise bad_request(f"Invalid value for {name}: {raw!r} is not a boolean", name)


def page_args(request: Request) -> tuple[int, int]:
    cfg = request.app.state.sim.config
    size = int_param(request, "pageSize", cfg.default_page_size)
    number = int_param(request, "pageNumber", 1)
    assert size is not None and number is not None
    if size < 1:
        raise bad_request("pageSize must be at least 1", "pageSize")
    if number < 1:
        raise bad_request("pageNumber must be at least 1", "pageNumber")
    return min(size, cfg.max_page_size), number


def listing(
    request: Request,
    items: Sequence[Any],
    render: Callable[[Any], dict[str, Any]] = lambda x: x,
) -> dict[str, Any]:
    """Slice ``items`` to the requested page (O(page)) and wrap it in the envelope."""
    size, number = page_args(request)
    total = len(items)
    page_count = (total + size - 1) // size
    start = (number - 1) * size
    entities = [render(x) for x in items[start : start + size]] if start < total else []
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("pageSize", "pageNumber")]
    path = request.url.path

    def uri(n: int) -> str:
        return f"{path}?{urlencode([*params, ('pageSize', size), ('pageNumber', n)])}"

    out: dict[str, Any] = {
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "selfUri": uri(number),
        "lastUri": uri(max(page_count, 1)),
    }
    if number < page_count:
        out["nextUri"] = uri(number + 1)
    if 1 < number <= page_count + 1 and total:
        out["previousUri"] = uri(min(number - 1, page_count))
    return out
