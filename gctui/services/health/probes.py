"""The built-in probe matrix and the mapping from the ``[health]`` config section.

No unauthenticated health endpoint exists in Genesys Cloud, so every probe is a cheap
authenticated request (reference §5a), plus one analytics observation query for the real-time
pipeline (analytics reference §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gctui.services.health.models import QUEUE_ID_PLACEHOLDER, ProbeSpec

if TYPE_CHECKING:
    from gctui.config.models import HealthConfig

QUEUE_LOOKUP_PATH = "/api/v2/routing/queues"
OBSERVATIONS_PATH = "/api/v2/analytics/queues/observations/query"


def observation_body() -> dict[str, object]:
    return {
        "filter": {"type": "or", "predicates": [{"dimension": "queueId", "value": QUEUE_ID_PLACEHOLDER}]},
        "metrics": ["oWaiting", "oInteracting"],
    }


def default_probes(degraded_ms: float = 1000, critical_ms: float = 3000) -> list[ProbeSpec]:
    """The built-in matrix, in display order, all with the given thresholds."""

    def spec(name: str, method: str, path: str, body: dict[str, object] | None = None) -> ProbeSpec:
        return ProbeSpec(name, method, path, body, (200,), float(degraded_ms), float(critical_ms))

    return [
        spec("org", "GET", "/api/v2/organizations/me"),
        spec("token", "HEAD", "/api/v2/tokens/me"),
        spec("queues", "GET", "/api/v2/routing/queues?pageSize=1"),
        spec("trunks", "GET", "/api/v2/telephony/providers/edges/trunks?pageSize=1"),
        spec("flows", "GET", "/api/v2/flows?pageSize=1"),
        spec("actions", "GET", "/api/v2/integrations/actions?pageSize=1"),
        spec("analytics", "POST", OBSERVATIONS_PATH, observation_body()),
    ]


def probes_from_config(health_config: HealthConfig) -> list[ProbeSpec]:
    """The built-in probes with the board-wide thresholds, then ``[[health.probes]]``: a
    configured probe with a built-in's name replaces it in place, others are appended."""
    specs = default_probes(health_config.degraded_ms, health_config.critical_ms)
    index = {s.name: i for i, s in enumerate(specs)}
    for probe in health_config.probes:
        degraded, critical = health_config.probe_thresholds(probe)
        spec = ProbeSpec(
            name=probe.name,
            method=probe.method,
            path=probe.path,
            body=probe.body,
            expect_status=tuple(probe.expect_status),
            degraded_ms=float(degraded),
            critical_ms=float(critical),
        )
        if probe.name in index:
            specs[index[probe.name]] = spec
        else:
            index[probe.name] = len(specs)
            specs.append(spec)
    return specs
