"""Verification after an apply: one quick run of the health probes (gctui.services.health)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gctui.genesys.session import Session
from gctui.services.health import HealthMonitor
from gctui.services.scaling.apply import Verification, Verifier
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile


def probe_verifier(session: Session, profile: ResolvedProfile) -> Verifier:
    """A verifier running the profile's probes once, without history and without alerts."""

    async def verify() -> Verification:
        monitor = HealthMonitor.from_profile(session, profile, store=None, webhook_url=None)
        rows = await monitor.run_once()
        overall = monitor.overall()
        bad = [f"{r.name} {r.status}" for r in rows if r.status.failing]
        summary = f"{len(rows)} probes: {overall}" + (f" ({', '.join(bad)})" if bad else "")
        return Verification(str(overall), clean(summary))

    return verify
