"""Method and host of an action's request, from ``config.request.requestUrlTemplate``.

Templates hold Velocity placeholders anywhere (``https://${input.host}/x``,
``$!{input.base}/orders``, ``https://api.example.com:8443/${input.path}``): a host made of a
placeholder is shown as the placeholder itself, so the user can still filter on it."""

from __future__ import annotations

import re

from gctui.genesys.models import Action

# ${...}, $!{...} (braces may nest one level: ${esc.url(${input.x})}), and bare $name.path
_PLACEHOLDER = re.compile(r"\$!?\{(?:[^{}]|\{[^{}]*\})*\}|\$!?[A-Za-z_][\w.]*")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*)://")


def host_of(template: str | None) -> str | None:
    """``https://crm.example.com/x`` → ``crm.example.com``; ``https://${input.host}/x`` →
    ``${input.host}``; no template (function actions) → None; no scheme → the leading segment
    when it looks like a host or a placeholder, else None."""
    if not template or not template.strip():
        return None
    text = template.strip()
    match = _SCHEME.match(text)
    rest = text[match.end() :] if match else text
    # Cut at the first "/", "?" or "#" that is not inside a placeholder.
    masked = _PLACEHOLDER.sub(lambda m: "x" * len(m.group()), rest)
    end = len(masked)
    for sep in "/?#":
        pos = masked.find(sep)
        if pos != -1:
            end = min(end, pos)
    authority = rest[:end]
    masked_auth = masked[:end]
    at = masked_auth.rfind("@")  # drop user:password@ (never shown)
    if at != -1:
        authority, masked_auth = authority[at + 1 :], masked_auth[at + 1 :]
    if not authority:
        return None
    if authority.startswith("["):  # [v6]:port
        close = authority.find("]")
        authority = authority[: close + 1] if close != -1 else authority
    else:
        colon = masked_auth.rfind(":")
        port = authority[colon + 1 :] if colon != -1 else ""
        if colon != -1 and (port.isdigit() or _PLACEHOLDER.fullmatch(port)):
            authority = authority[:colon]
    if not match and "." not in authority and not authority.startswith("$"):
        return None
    return authority.lower() if "$" not in authority else authority


def method_of(action: Action) -> str | None:
    config = action.config
    if config is None or config.request is None or not config.request.request_type:
        return None
    return config.request.request_type.strip().upper() or None


def url_template_of(action: Action) -> str | None:
    config = action.config
    return None if config is None or config.request is None else config.request.request_url_template
