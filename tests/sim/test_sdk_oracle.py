"""The official SDK, pointed at the simulator, authenticates and deserializes every response.

The SDK maps unknown enum values to ``"outdated_sdk_version"``: none may appear.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

PureCloud = pytest.importorskip("PureCloudPlatformClientV2")

from gctui.sim import SimConfig  # noqa: E402
from gctui.sim.server import SimThread  # noqa: E402

BAD = "outdated_sdk_version"


def walk(obj: Any, seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, list):
        for x in obj:
            yield from walk(x, seen)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k), v
            yield from walk(v, seen)
    elif hasattr(obj, "swagger_types"):
        for attr in obj.swagger_types:
            v = getattr(obj, attr)
            yield attr, v
            yield from walk(v, seen)


def assert_clean(obj: Any) -> Any:
    bad = [k for k, v in walk(obj) if isinstance(v, str) and v == BAD]
    assert not bad, f"unknown enum values in {type(obj).__name__}: {bad}"
    return obj


@pytest.fixture(scope="module")
def sdk() -> Iterator[Any]:
    with SimThread(SimConfig(rate_limit=100_000)) as sim:
        PureCloud.configuration.host = sim.base_url
        client = PureCloud.api_client.ApiClient(sim.base_url).get_client_credentials_token(
            "gctui-demo", "gctui-demo-secret"
        )
        yield sim, client


def test_org_tokens_limits(sdk: Any) -> None:
    _, client = sdk
    org_api = PureCloud.OrganizationApi(client)
    me = assert_clean(org_api.get_organizations_me())
    assert me.product_platform == "GenesysCloud"
    limits = assert_clean(org_api.get_organizations_limits_namespace("platform.api"))
    assert limits.entities[0].key == "client.credentials.token.rate.per.minute"
    assert_clean(org_api.get_organizations_limits_namespace_defaults("platform.api"))
    assert_clean(org_api.get_organizations_limits_namespaces())
    info = assert_clean(PureCloud.TokensApi(client).get_tokens_me())
    assert info.o_auth_client.authorized_grant_type == "CLIENT-CREDENTIALS"
    PureCloud.TokensApi(client).head_tokens_me()


def test_routing_and_telephony(sdk: Any) -> None:
    _, client = sdk
    queues = assert_clean(PureCloud.RoutingApi(client).get_routing_queues(page_size=100))
    assert queues.total == 30 and queues.entities[0].media_settings.call.service_level.percentage
    tel = PureCloud.TelephonyProvidersEdgeApi(client)
    edges = assert_clean(tel.get_telephony_providers_edges(page_size=100))
    trunks = assert_clean(tel.get_telephony_providers_edges_trunks(page_size=100))
    assert trunks.entities[0].connected_status.connected in (True, False)
    ids = ",".join(e.id for e in edges.entities)
    metrics = assert_clean(tel.get_telephony_providers_edges_metrics(ids))
    assert metrics[0].processors[0].cpu_id == "total"
    assert_clean(tel.get_telephony_providers_edge_metrics(edges.entities[0].id))
    tm = assert_clean(
        tel.get_telephony_providers_edges_trunks_metrics(",".join(t.id for t in trunks.entities))
    )
    assert tm[0].calls.inbound_call_count >= 0
    assert_clean(tel.get_telephony_providers_edges_trunk_metrics(trunks.entities[0].id))


def test_integrations_actions(sdk: Any) -> None:
    _, client = sdk
    api = PureCloud.IntegrationsApi(client)
    listing = assert_clean(api.get_integrations_actions(include_config=True, page_size=100))
    assert listing.entities[0].config.request.request_url_template
    action = assert_clean(api.get_integrations_action(listing.entities[0].id, include_config=True))
    body = PureCloud.UpdateActionInput()
    body.version = action.version
    body.config = PureCloud.ActionConfig()
    body.config.timeout_seconds = 55
    body.config.request = action.config.request
    body.config.response = action.config.response
    updated = assert_clean(api.patch_integrations_action(action.id, body))
    assert updated.version == action.version + 1 and updated.config.timeout_seconds == 55
    full = assert_clean(api.get_integrations_action(action.id, expand="contract", include_config=True))
    schema = full.contract.input.input_schema
    assert full.config.timeout_seconds == 55 and "id" in schema.required and schema.properties["id"]
    assert full.contract.output.success_schema.type == "object"
    assert api.get_integrations_action(action.id).contract is None
    inputs = {"id": "1", "ani": "+15551234567", "email": "pat@example.com"}
    inputs = {k: v for k, v in inputs.items() if k in schema.required}
    result = assert_clean(api.post_integrations_action_test(action.id, inputs))
    assert result.operations and result.operations[0].step == 1
    api.post_integrations_action_execute(action.id, inputs)
    arch = PureCloud.ArchitectApi(client)
    users = assert_clean(
        arch.get_architect_dependencytracking_consumingresources(
            action.id, "SECUREACTION" if action.secure else "DATAACTION", flow_filter="published"
        )
    )
    assert all(u.type.endswith("FLOW") or u.type == "WORKFLOW" for u in users.entities)


def test_architect(sdk: Any) -> None:
    _, client = sdk
    api = PureCloud.ArchitectApi(client)
    flows = assert_clean(api.get_flows(type=["commonmodule"], page_size=100))
    flow = flows.entities[0]
    assert flow.type == "COMMONMODULE"
    consumed = assert_clean(
        api.get_architect_dependencytracking_consumedresources(
            flow.id, flow.published_version.id, "COMMONMODULEFLOW", page_size=100
        )
    )
    assert consumed.entities
    assert_clean(api.get_architect_dependencytracking_consumingresources(flow.id, "COMMONMODULEFLOW"))
    obj = assert_clean(
        api.get_architect_dependencytracking_object(
            flow.id, consumed_resources=True, consuming_resources=True
        )
    )
    assert obj.type == "COMMONMODULEFLOW"
    assert_clean(api.get_architect_dependencytracking_build())
    assert_clean(api.get_flows(page_size=100))


def test_analytics(sdk: Any) -> None:
    sim, client = sdk
    api = PureCloud.AnalyticsApi(client)
    interval = "2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z"
    q = PureCloud.ConversationAggregationQuery()
    q.interval = interval
    q.granularity = "PT1H"
    q.group_by = ["queueId"]
    q.metrics = [
        "nOffered",
        "tAnswered",
        "tAbandon",
        "tHandle",
        "tWait",
        "tTalkComplete",
        "tAcw",
        "oServiceLevel",
        "nTransferred",
    ]
    conv = assert_clean(api.post_analytics_conversations_aggregates_query(q))
    assert conv.results and conv.results[0].data[0].metrics
    obs = PureCloud.QueueObservationQuery()
    obs.filter = PureCloud.QueueObservationQueryFilter()
    obs.filter.type = "or"
    pred = PureCloud.QueueObservationQueryPredicate()
    pred.dimension = "queueId"
    pred.value = sim.runtime.org.queues[0]["id"]
    obs.filter.predicates = [pred]
    obs.metrics = ["oWaiting", "oInteracting", "oOnQueueUsers", "oUserRoutingStatuses", "oMemberUsers"]
    res = assert_clean(api.post_analytics_queues_observations_query(obs))
    assert res.results[0].data
    aq = PureCloud.ActionAggregationQuery()
    aq.interval = interval
    aq.group_by = ["actionId", "errorType"]
    aq.metrics = ["tTotalExecution"]
    actions = assert_clean(api.post_analytics_actions_aggregates_query(aq))
    assert actions.results and actions.results[0].data[0].metrics[0].stats.p99 > 0
