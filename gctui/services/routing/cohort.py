"""The cohort of queues a score normalizes over: all, named queues (id or name), or a filter.

Filter grammar (keywords case-insensitive, nothing is evaluated as Python)::

    expr := term ("or" term)*     term := factor ("and" factor)*     factor := ["not"] FIELD OP VALUE
    OP := = | != | < | <= | > | >= | ~ (contains, case-insensitive) | !~

Fields: ``name``, ``method``, ``division``, ``skillEvaluation`` (text) and every KPI column
(``offered``, ``asaMs``, ``abandonRate``…). Examples: ``method=bullseye``, ``name~sales and
offered>=100``, ``not method=standard``."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from gctui.errors import EXIT_USAGE, GctuiError
from gctui.services.routing.kpis import KPI_COLUMNS
from gctui.text import clean

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

TEXT_FIELDS = ("name", "method", "division", "skillEvaluation")
NUMBER_FIELDS = (*KPI_COLUMNS, "waiting", "interacting", "onQueue")
_COND = re.compile(r"^\s*([A-Za-z]+)\s*(<=|>=|!=|!~|==|=|<|>|~)\s*(.*?)\s*$")
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "==": operator.eq, "!=": operator.ne,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
Mask = Callable[["pd.DataFrame"], "pd.Series"]


class CohortError(GctuiError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def compile_filter(expression: str) -> Mask:
    """A function frame -> boolean mask; :class:`CohortError` names what is wrong."""
    if not expression.strip():
        raise CohortError("filter: empty expression (e.g. method=bullseye and offered>=100)")
    alternatives = [
        [_factor(part) for part in re.split(r"\s+and\s+", alt, flags=re.IGNORECASE)]
        for alt in re.split(r"\s+or\s+", expression.strip(), flags=re.IGNORECASE)
    ]

    def mask(frame: pd.DataFrame) -> pd.Series:
        import pandas as pd

        out = pd.Series(False, index=frame.index)
        for terms in alternatives:
            hit = pd.Series(True, index=frame.index)
            for term in terms:
                hit &= term(frame)
            out |= hit
        return out

    return mask


def _factor(text: str) -> Mask:
    negate = False
    stripped = text.strip()
    if stripped.lower().startswith("not "):
        negate, stripped = True, stripped[4:]
    m = _COND.match(stripped)
    if m is None:
        raise CohortError(f"filter: {clean(stripped)[:60]!r} is not FIELD OP VALUE (e.g. offered>=100)")
    name, op, raw = m.groups()
    value = raw.strip().strip("\"'")
    fields = {f.lower(): f for f in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    field = fields.get(name.lower())
    if field is None:
        raise CohortError(
            f"filter: unknown field {clean(name)[:40]!r} (fields: {', '.join(fields.values())})"
        )
    if field in TEXT_FIELDS:
        if op in ("<", "<=", ">", ">="):
            raise CohortError(f"filter: {field} is text; use =, !=, ~ or !~")
        return _text(field, op, value.lower(), negate)
    if op in ("~", "!~"):
        raise CohortError(f"filter: {field} is a number; use = != < <= > >=")
    try:
        number = float(value)
    except ValueError:
        raise CohortError(f"filter: {field}{op}{clean(value)[:20]!r}: expected a number") from None
    compare = _OPS[op]

    def num(frame: pd.DataFrame) -> pd.Series:
        col = frame[field].astype(float)
        hit = compare(col, number) & col.notna()  # a missing value matches no comparison
        return ~hit if negate else hit

    return num


def _text(field: str, op: str, value: str, negate: bool) -> Mask:
    def text(frame: pd.DataFrame) -> pd.Series:
        col = frame[field].astype(str).str.lower()
        if op in ("~", "!~"):
            hit = col.str.contains(value, regex=False)
            hit = ~hit if op == "!~" else hit
        else:
            hit = col == value
            hit = ~hit if op == "!=" else hit
        return ~hit if negate else hit

    return text


def select_named(frame: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Queue ids for ``names`` (an id, else a name, case-insensitive); :class:`CohortError`
    lists the ones that match no queue or several."""
    by_name: dict[str, list[str]] = {}
    for queue_id, name in zip(frame.index, frame["name"], strict=True):
        by_name.setdefault(str(name).lower(), []).append(str(queue_id))
    ids: list[str] = []
    missing: list[str] = []
    ambiguous: list[str] = []
    for wanted in (n.strip() for n in names):
        if not wanted:
            continue
        if wanted in frame.index:
            ids.append(wanted)
            continue
        hits = by_name.get(wanted.lower(), [])
        if len(hits) == 1:
            ids.append(hits[0])
        elif hits:
            ambiguous.append(wanted)
        else:
            missing.append(wanted)
    if missing:
        raise CohortError(f"no queue with id or name {', '.join(repr(clean(n)[:60]) for n in missing)}")
    if ambiguous:
        raise CohortError(
            f"several queues are named {', '.join(repr(clean(n)[:60]) for n in ambiguous)}: use their ids"
        )
    if not ids:
        raise CohortError("--queues: no queue given")
    return list(dict.fromkeys(ids))
