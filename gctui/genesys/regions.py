"""Genesys Cloud regions and their API / login hosts (reference §1)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import httpx

from gctui.text import clean

# SDK enum name -> API host, verbatim from the official SDK's purecloud_region_hosts.py.
REGION_HOSTS: dict[str, str] = {
    "us_east_1": "api.mypurecloud.com",
    "us_east_2": "api.use2.us-gov-pure.cloud",
    "us_west_2": "api.usw2.pure.cloud",
    "ca_central_1": "api.cac1.pure.cloud",
    "sa_east_1": "api.sae1.pure.cloud",
    "mx_central_1": "api.mxc1.pure.cloud",
    "eu_west_1": "api.mypurecloud.ie",
    "eu_west_2": "api.euw2.pure.cloud",
    "eu_central_1": "api.mypurecloud.de",
    "eu_central_2": "api.euc2.pure.cloud",
    "eusc_de_east_1": "api.edee1.eusc-pure.cloud",
    "me_central_1": "api.mec1.pure.cloud",
    "ap_south_1": "api.aps1.pure.cloud",
    "ap_southeast_1": "api.apse1.pure.cloud",
    "ap_southeast_2": "api.mypurecloud.com.au",
    "ap_northeast_1": "api.mypurecloud.jp",
    "ap_northeast_2": "api.apne2.pure.cloud",
    "ap_northeast_3": "api.apne3.pure.cloud",
}

_LOGIN_RE = re.compile(r"//(api)\.")
# Spaces, C0/C1 control characters and DEL: never part of a URL someone meant to type.
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
LOOPBACK_NAMES = frozenset({"localhost"})
EXAMPLE_BASE = "https://api.mypurecloud.ie"


class UnknownRegionError(ValueError):
    """Raised for a region string that is neither a known region nor a usable base URL."""

    def __init__(self, value: str, reason: str | None = None) -> None:
        self.value = value
        super().__init__(
            reason
            or f"unknown region {clean(redact_url(value))!r}; use one of {', '.join(valid_region_names())}, "
            f"a domain such as mypurecloud.com, or a base URL such as {EXAMPLE_BASE}"
        )


class BadUrlError(ValueError):
    """A URL gctui will not use. The message never contains credentials from the URL."""


def redact_url(value: str) -> str:
    """``value`` with any ``user:password@`` replaced by ``***@`` (safe to show)."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" not in authority:
        return value
    return f"{scheme}{sep}***@{authority.rpartition('@')[2]}{tail}"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost."""
    host = host.lower().strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(value: str, *, quiet: bool = False) -> SplitResult:
    """Split an http(s) URL after the checks every URL gctui sends to must pass: no spaces or
    control characters, no credentials, a valid host name or IP address, a port in 1-65535.
    :class:`BadUrlError` messages say what is wrong without repeating the URL; with ``quiet``
    (a secret URL) they do not quote its host or port either."""
    if _BAD_CHARS.search(value):
        raise BadUrlError("contains a space or a control character")
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # an unbalanced [ in the host
        raise BadUrlError("is not a valid URL" if quiet else f"is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadUrlError("is not an http:// or https:// URL with a host")
    if "@" in parts.netloc:
        raise BadUrlError("contains credentials (user:password@), which are not allowed in a URL")
    _check_port(parts.netloc, quiet)
    _check_host(parts, quiet)
    return parts


def _check_port(netloc: str, quiet: bool) -> None:
    host_end = netloc.rfind("]")
    colon = netloc.rfind(":")
    if colon <= host_end:
        return
    text = netloc[colon + 1 :]
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        shown = "" if quiet else f" {text!r}"
        raise BadUrlError(f"has an invalid port{shown} (allowed: 1-65535)")


def _check_host(parts: SplitResult, quiet: bool) -> None:
    host = parts.hostname or ""
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise BadUrlError("has an invalid IPv6 address" + ("" if quiet else f" [{host}]")) from None
        return
    try:
        url = httpx.URL(f"http://{host}")
        url.host  # noqa: B018 - decoding the IDNA A-labels validates them
        ascii_host = url.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        ascii_host = ""
    labels = ascii_host.removesuffix(".").split(".")
    if not ascii_host or not all(_LABEL.match(label) for label in labels):
        shown = "" if quiet else f" {host!r}"
        raise BadUrlError(
            f"has an invalid host{shown} (allowed: a DNS name of letters, digits and '-', "
            "an internationalised name, or an IP address)"
        )


def check_base_url(value: str) -> str:
    """An API base URL as gctui will use it (``https://api.mypurecloud.ie``, a proxy, the loopback
    simulator), or :class:`BadUrlError` saying what is wrong and what is allowed."""
    shown = clean(redact_url(value.strip()))
    if not re.match(r"(?i)https?://", value.strip()):
        raise BadUrlError(f"expected an http(s) base URL such as {EXAMPLE_BASE} (got {shown!r})")
    try:
        parts = check_url(value.strip())
    except BadUrlError as exc:
        raise BadUrlError(f"{shown} {exc}") from None
    host = parts.hostname or ""
    if parts.scheme.lower() == "http" and not is_loopback(host):
        raise BadUrlError(
            f"{shown}: plain http:// is only allowed for loopback (127.0.0.1, ::1, localhost); use "
            "https:// (over http the client secret and the tokens would cross the network in clear)"
        )
    if parts.query or parts.fragment or value.strip().endswith(("?", "#")):
        raise BadUrlError(f"{shown}: a base URL has no query string or fragment; e.g. {EXAMPLE_BASE}")
    path = parts.path.rstrip("/")
    base = f"{parts.scheme.lower()}://{parts.netloc}"
    if path.lower().endswith("/api/v2"):
        raise BadUrlError(
            f"{shown} ends in /api/v2; give the base URL without it ({base}{path[:-7]}): "
            "gctui adds /api/v2/… itself"
        )
    if host.lower().startswith("login."):
        api_host = "api." + parts.netloc[len("login.") :]
        raise BadUrlError(
            f"{shown} is a login host; give the API host ({parts.scheme.lower()}://{api_host}{path}): "
            "the login host is derived from it"
        )
    return base + path


@dataclass(frozen=True, slots=True)
class Region:
    """A resolved region: the SDK name (or 'custom') and the two base URLs."""

    name: str
    api_base: str
    login_base: str

    @property
    def domain(self) -> str:
        host = urlsplit(self.api_base).netloc
        return host[4:] if host.startswith("api.") else host


def login_base_for(api_base: str) -> str:
    """Derive the OAuth host from an API base URL exactly as the official SDK does.

    ``https://api.mypurecloud.ie`` -> ``https://login.mypurecloud.ie``; a base URL without an
    ``api.`` host (a proxy, the loopback simulator) is its own login host.
    """
    return _LOGIN_RE.sub("//login.", api_base.rstrip("/"), count=1)


def is_genesys_host(host: str) -> bool:
    """True for a host of a known Genesys Cloud domain (``api.mypurecloud.ie``, ``login.…``, any
    other name under one of the region domains)."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in _domain_to_name())


def valid_region_names() -> list[str]:
    return list(REGION_HOSTS)


def _domain_to_name() -> dict[str, str]:
    return {host[4:]: name for name, host in REGION_HOSTS.items()}


def resolve_region(value: str) -> Region:
    """Resolve an SDK name (``eu_west_1``), an AWS region (``eu-west-1``), a domain
    (``mypurecloud.ie``, ``api.mypurecloud.ie``) or a base URL (``https://…``)."""
    raw = value.strip()
    if not raw:
        raise UnknownRegionError(value)
    if "://" in raw:
        try:
            base = check_base_url(raw)
        except BadUrlError as exc:
            raise UnknownRegionError(value, str(exc)) from None
        host = urlsplit(base).netloc.lower()
        known = _domain_to_name().get(host[4:] if host.startswith("api.") else host)
        return Region(known or "custom", base, login_base_for(base))
    key = raw.lower().replace("-", "_")
    if key in REGION_HOSTS:
        return _from_host(key, REGION_HOSTS[key])
    domain = raw.lower().removeprefix("api.").removeprefix("login.")
    name = _domain_to_name().get(domain)
    if name is not None:
        return _from_host(name, REGION_HOSTS[name])
    raise UnknownRegionError(value)


def _from_host(name: str, host: str) -> Region:
    base = f"https://{host}"
    return Region(name, base, login_base_for(base))
