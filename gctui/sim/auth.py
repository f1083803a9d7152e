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


class TokenStore:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self._tokens: dict[str, TokenRecord] = {}
        self._lock = threading.Lock()
        self.issued = 0

    def client_for(self, authorization: str | None) -> tuple[str | None, bool]:
        """Parse a Basic header -> (client_id or None if malformed, credentials valid)."""
        if not authorization or not authorization.lower().startswith("basic "):
            return None, False
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, False
        client_id, sep, secret = raw.partition(":")
        if not sep:
            return None, False
        cfg = self.config
        ok = (client_id == cfg.client_id and secrets.compare_digest(secret, cfg.client_secret)) or (
            client_id == cfg.restricted_client_id
            and secrets.compare_digest(secret, cfg.restricted_client_secret)
        )
        return client_id, ok

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
