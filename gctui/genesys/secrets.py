"""Secret wrapper: client secrets and bearer tokens never reach a log, repr or traceback."""

from __future__ import annotations

from typing import Any, NoReturn


class Secret:
    """Holds a sensitive string. ``str()``/``repr()``/formatting show a mask; only
    :meth:`reveal` returns the value, and only the transport should call it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        return str(object.__getattribute__(self, "_value"))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self.reveal())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.reveal() == self.reveal()

    def __hash__(self) -> int:
        return hash(self.reveal())

    def __reduce__(self) -> NoReturn:
        raise TypeError("Secret cannot be pickled")

    @property
    def fingerprint(self) -> str:
        """A short non-reversible tag so two secrets can be told apart in a UI."""
        import hashlib

        return hashlib.sha256(self.reveal().encode()).hexdigest()[:8]
