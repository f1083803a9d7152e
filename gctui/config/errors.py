"""ConfigError: what is wrong, where (file and dotted key) and what is allowed, in a line or two.

pydantic's ValidationError is translated here so a user never sees a pydantic dump, a docs URL
or, for secret keys, the value they typed.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from gctui.config.models import SECRET_KEYS, Settings
from gctui.errors import EXIT_USAGE, GctuiError

_MAX_SHOWN = 5
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class Problem:
    key: str  # dotted key, e.g. "profiles.prod.read_only"; "" for the file as a whole
    message: str


class ConfigError(GctuiError):
    """A config file, env var or flag is wrong. Exit code 2; ``str()`` is user-facing text.

    A GctuiError, so ``gctui.cli.main`` prints ``gctui: <message>`` and exits 2 without extra code.
    """

    def __init__(self, problems: Sequence[Problem] | str, path: Path | None = None, key: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(key, problems)]
        self.path = path
        self.problems = tuple(problems)
        super().__init__(_render(path, self.problems), EXIT_USAGE)

    @property
    def key(self) -> str:
        return self.problems[0].key if self.problems else ""

    def __str__(self) -> str:
        return self.message


def _render(path: Path | None, problems: Sequence[Problem]) -> str:
    where = f"{path}: " if path is not None else ""
    if len(problems) == 1:
        only = problems[0]
        return f"{where}{only.key + ': ' if only.key else ''}{only.message}"
    lines = [f"{where}{len(problems)} problems:"]
    for problem in problems[:_MAX_SHOWN]:
        lines.append(f"  {problem.key + ': ' if problem.key else ''}{problem.message}")
    if len(problems) > _MAX_SHOWN:
        lines.append(f"  … and {len(problems) - _MAX_SHOWN} more")
    return "\n".join(lines)


def dotted(loc: Sequence[int | str]) -> str:
    """('profiles', 'prod', 'read_only') -> 'profiles.prod.read_only'; list items as [i]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if _BARE_KEY.match(part) else json.dumps(part)
        out += f".{text}" if out else text
    return out


def from_validation(exc: ValidationError, path: Path | None, root: type[BaseModel] = Settings) -> ConfigError:
    problems = [_problem(err, root) for err in exc.errors(include_url=False)]
    return ConfigError(problems, path)


def _problem(err: ErrorDetails, root: type[BaseModel]) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    secret = any(part in SECRET_KEYS for part in loc if isinstance(part, str))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return Problem(dotted(loc), f"unknown key{hint}")
    if kind == "value_error":
        return Problem(dotted(loc), str(ctx.get("error") or err["msg"]).removeprefix("Value error, "))
    message = _MESSAGES.get(kind, "")
    if not message:
        if kind in _RANGE_KINDS:
            message = _range_message(root, loc, ctx)
        elif kind == "literal_error":
            message = f"must be {ctx.get('expected', 'one of the allowed values')}"
        elif kind in ("too_short", "string_too_short"):
            message = "must not be empty"
        elif kind in ("too_long", "string_too_long"):
            message = f"is too long (at most {ctx.get('max_length', '?')})"
        else:
            text = str(err["msg"])
            message = text[:1].lower() + text[1:]
    if not secret and kind != "missing":
        message += _got(err.get("input"))
    return Problem(dotted(loc), message)


_MESSAGES = {
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "string_type": 'expected a string in quotes, e.g. "value"',
    "list_type": "expected a list, e.g. [200]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "missing": "required key is missing",
}
_RANGE_KINDS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _got(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = json.dumps(value if len(value) <= 40 else value[:37] + "...")
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, dict):
        text = "a table"
    else:
        return ""
    return f" (got {text})"


def _range_message(root: type[BaseModel], loc: tuple[int | str, ...], ctx: dict[str, Any]) -> str:
    bounds = _bounds(root, loc)
    if bounds is None:
        return "is out of range"
    low, high = bounds
    if not (low or high):
        return "is out of range"
    if low and high:
        return f"must be {low} and {high}"
    return f"must be {low or high}"


def _bounds(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, str] | None:
    metadata = _leaf_metadata(root, loc)
    if metadata is None:
        return None
    low = high = ""
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = f"at least {item.ge}"
        elif isinstance(item, annotated_types.Gt):
            low = f"greater than {item.gt}"
        elif isinstance(item, annotated_types.Le):
            high = f"at most {item.le}"
        elif isinstance(item, annotated_types.Lt):
            high = f"less than {item.lt}"
    return low, high


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """Strip Optional and Annotated, collecting Annotated metadata."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            tp, metadata = args[0], [*metadata, *_flatten(args[1:])]
        elif origin is Union or origin is types.UnionType:
            rest = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(rest) != 1:
                return tp, metadata
            tp = rest[0]
        else:
            return tp, metadata


def _flatten(items: Sequence[Any]) -> list[Any]:
    """Annotated[int, Field(ge=1)] carries a FieldInfo whose .metadata holds the constraints."""
    out: list[Any] = []
    for item in items:
        out.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return out


def _walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[Any, list[Any]] | None:
    """The annotation (and its constraints) at ``loc`` below ``root``; None if not found."""
    tp: Any = root
    metadata: list[Any] = []
    for part in loc:
        tp, _ = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp, metadata = field.annotation, list(field.metadata)
            continue
        origin, args = get_origin(tp), get_args(tp)
        if origin is dict and len(args) == 2:
            tp, metadata = args[1], []
        elif origin is list and args:
            tp, metadata = args[0], []
        else:
            return None
    tp, extra = _unwrap(tp)
    return tp, [*metadata, *extra]


def _leaf_metadata(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[Any] | None:
    found = _walk(root, loc)
    return None if found is None else found[1]


def _allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    found = _walk(root, loc)
    if found is None:
        return []
    tp = found[0]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []
