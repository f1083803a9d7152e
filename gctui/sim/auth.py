"""OAuth client-credentials tokens: issue on ``POST /oauth/token``, check on every API call."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from dataclasses import dataclass

from gctui.sim.config import RESTRICTED_MISSING, SimConfig


@dataclass
class TokenRecord:
    client_id: str
    restricted: bool
    issued_at: float
    expires_at: float

    @property
    def missing(self) -> tuple[str, ...]:
        return RESTRICTED_MISSING if self.restricted else ()


def _matches(client_id: bytes, secret: bytes, want_id: str, want_secret: str) -> bool:
    same_id = secrets.compare_digest(client_id, want_id.encode())
    return secrets.compare_digest(secret, want_secret.encode()) and same_id


class TokenStore:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self._tokens: dict[str, TokenRecord] = {}
        self._lock = threading.Lock()
        self.issued = 0

    def client_for(self, authorization: str | None) -> tuple[str | None, bool]:
        """Parse a Basic header -> (client id, or None if the header is malformed; credentials valid).

        Malformed (the caller answers 400): no Basic scheme, a payload that is not ASCII base64,
        no ':' in it. Well-formed credentials in any encoding (UTF-8, latin-1, bytes) are compared
        as bytes with the configured ones (UTF-8): they match or they do not (401), never an error.
        """
        if not authorization or authorization[:6].lower() != "basic ":
            return None, False
        try:
            # the header arrives decoded as latin-1: a non-ASCII character is never base64
            raw = base64.b64decode(authorization[6:].strip().encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            return None, False
        client_id, sep, secret = raw.partition(b":")
        if not sep:
            return None, False
        cfg = self.config
        ok = _matches(client_id, secret, cfg.client_id, cfg.client_secret) or _matches(
            client_id, secret, cfg.restricted_client_id, cfg.restricted_client_secret
        )
        return client_id.decode("utf-8", errors="replace"), ok

    def issue(self, client_id: str) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        now = time.time()
        ttl = self.config.token_ttl
        rec = TokenRecord(client_id, client_id == self.config.restricted_client_id, now, now + ttl)
        with self._lock:
            self._tokens[token] = rec
            self.issued += 1
        return token, ttl

    def lookup(self, token: str) -> tuple[TokenRecord | None, bool]:
        """-> (record, expired). Unknown tokens give (None, False)."""
        rec = self._tokens.get(token)
        if rec is None:
            return None, False
        return rec, time.time() >= rec.expires_at

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def expire_all(self) -> int:
        with self._lock:
            for rec in self._tokens.values():
                rec.expires_at = 0.0
            return len(self._tokens)
