"""The checks every webhook of the config shares ([routing] BI push, [scaling] scaler): an
http(s) URL, and extra headers. Both are secrets (a URL often embeds a token, a header a shared
secret), so no message ever repeats them; they are kept as ``SecretStr``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import SecretStr

from gctui.genesys.regions import BadUrlError, check_url

HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")  # an RFC 9110 token
# Set by gctui on every post; never configurable.
RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "user-agent"})


def webhook_url(value: object) -> SecretStr:
    """A webhook URL (``""``: none)."""
    if not isinstance(value, str | SecretStr):
        raise ValueError('expected a string in quotes: an http(s) URL, or "" for no webhook')
    url = (value.get_secret_value() if isinstance(value, SecretStr) else value).strip()
    if url:
        try:
            check_url(url, quiet=True)
        except BadUrlError as exc:
            raise ValueError(f'the URL {exc}; expected an http(s) URL, or "" for no webhook') from None
    return SecretStr(url)


def webhook_headers(value: object, reserved: Iterable[str] = ()) -> dict[str, SecretStr]:
    """Extra headers: names checked, values one line each (and never echoed)."""
    if not isinstance(value, dict):
        raise ValueError('expected a table of header names to string values, e.g. { X-Secret = "..." }')
    taken = RESERVED_HEADERS | {r.lower() for r in reserved}
    out: dict[str, SecretStr] = {}
    for name, raw in value.items():
        if not isinstance(name, str) or not HEADER_NAME.match(name):
            raise ValueError(f"{str(name)[:64]!r} is not a valid HTTP header name")
        if name.lower() in taken:
            raise ValueError(f"{name}: set by gctui itself, it cannot be configured")
        text = raw.get_secret_value() if isinstance(raw, SecretStr) else raw
        if not isinstance(text, str) or any(c in text for c in "\r\n\x00"):
            raise ValueError(f"{name}: expected a one-line string value")
        out[name] = SecretStr(text)
    return out
