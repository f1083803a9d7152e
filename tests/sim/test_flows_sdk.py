"""The official SDK deserializes every dependency-tracking answer cleanly (no unknown enum values)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

PureCloud = pytest.importorskip("PureCloudPlatformClientV2")

from gctui.sim import SimConfig  # noqa: E402
from gctui.sim.server import SimThread  # noqa: E402
from tests.sim.test_sdk_oracle import assert_clean  # noqa: E402


@pytest.fixture(scope="module")
def arch() -> Iterator[Any]:
    with SimThread(SimConfig(rate_limit=100_000)) as sim:
        PureCloud.configuration.host = sim.base_url
        client = PureCloud.api_client.ApiClient(sim.base_url).get_client_credentials_token(
            "gctui-demo", "gctui-demo-secret"
        )
        yield sim, PureCloud.ArchitectApi(client)


def test_sdk_reads_every_dependency_tracking_answer(arch: Any) -> None:
    sim, arch = arch
    flows = assert_clean(arch.get_flows(type=["inboundcall"], page_size=100)).entities
    flow = next(f for f in flows if f.published_version is not None)
    deps = assert_clean(
        arch.get_architect_dependencytracking_consumedresources(
            flow.id,
            flow.published_version.id,
            "INBOUNDCALLFLOW",
            resource_type=["QUEUE", "USERPROMPT"],
            page_size=100,
        )
    )
    assert deps.entities and {d.type for d in deps.entities} <= {"QUEUE", "USERPROMPT"}
    users = assert_clean(
        arch.get_architect_dependencytracking_consumingresources(
            deps.entities[0].id,
            deps.entities[0].type,
            flow_filter="checkedIn",
            resource_type=["INBOUNDCALLFLOW"],
        )
    )
    assert flow.id in {u.id for u in users.entities}
    gone = assert_clean(
        arch.get_architect_dependencytracking_deletedresourceconsumers(
            flow_filter="published", consumed_resources=True, page_size=100
        )
    )
    assert gone.entities and all(d.deleted for o in gone.entities for d in o.consumed_resources)
    stale = assert_clean(
        arch.get_architect_dependencytracking_updatedresourceconsumers(consumed_resources=True)
    )
    assert stale.entities and all(d.updated for o in stale.entities for d in o.consumed_resources)
    found = assert_clean(arch.get_architect_dependencytracking(flow.name, object_type=["INBOUNDCALLFLOW"]))
    assert flow.id in {o.id for o in found.entities}
    types = assert_clean(arch.get_architect_dependencytracking_types(page_size=100))
    assert types.total == 89 and any(t.versioned for t in types.entities)
    assert assert_clean(arch.get_architect_dependencytracking_type("WORKFLOW")).versioned is True
    status = assert_clean(arch.get_architect_dependencytracking_build())
    assert status.status == "OPERATIONAL" and status.date_completed is not None
    httpx.put(f"{sim.base_url}/sim/control/flows/build", json={"buildSeconds": 3600}).raise_for_status()
    arch.post_architect_dependencytracking_build()
    assert assert_clean(arch.get_architect_dependencytracking_build()).status == "BUILDINPROGRESS"
