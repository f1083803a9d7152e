"""Genesys Cloud regions and their API / login hosts (reference §1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

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


class UnknownRegionError(ValueError):
    """Raised for a region string that is neither a known region nor a URL."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(
            f"unknown region {value!r}; use one of {', '.join(valid_region_names())}, "
            "a domain such as mypurecloud.com, or a base URL such as https://api.mypurecloud.ie"
        )


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
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UnknownRegionError(value)
        base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        host = parts.netloc.lower()
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
