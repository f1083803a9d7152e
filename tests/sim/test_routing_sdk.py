"""The official SDK deserializes the routing additions: jobs, predictors, KPIs, queue routing fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sim.test_sdk_oracle import assert_clean

PureCloud = pytest.importorskip("PureCloudPlatformClientV2")

from gctui.sim import SimConfig  # noqa: E402
from gctui.sim.analytics_jobs import jobs_of  # noqa: E402
from gctui.sim.server import SimThread  # noqa: E402


@pytest.fixture(scope="module")
def sdk() -> Iterator[Any]:
    with SimThread(SimConfig(rate_limit=100_000, analytics_job_seconds=60)) as sim:
        PureCloud.configuration.host = sim.base_url
        client = PureCloud.api_client.ApiClient(sim.base_url).get_client_credentials_token(
            "gctui-demo", "gctui-demo-secret"
        )
        yield sim, client


def test_aggregate_job_round_trip(sdk: Any) -> None:
    sim, client = sdk
    api = PureCloud.AnalyticsApi(client)
    q = PureCloud.ConversationAsyncAggregationQuery()
    q.interval = "2024-04-01T00:00:00Z/2024-05-31T00:00:00Z"
    q.granularity = "P1D"
    q.time_zone = "Europe/Paris"
    q.group_by = ["queueId", "usedRouting", "requestedRouting"]
    q.metrics = ["nOffered", "tAnswered", "tAbandon", "tHandle", "oServiceLevel"]
    view = PureCloud.ConversationAggregationView()
    view.name, view.target, view.function = "answeredIn20s", "tAnswered", "rangeBound"
    view.range = PureCloud.AggregationRange()
    view.range.lt = 20000
    q.views = [view]
    q.page_size = 25
    job = assert_clean(api.post_analytics_conversations_aggregates_jobs(q))
    status = assert_clean(api.get_analytics_conversations_aggregates_job(job.job_id))
    assert status.state == "QUEUED" and status.submission_date is not None
    jobs_of(sim.runtime).advance(60)
    status = assert_clean(api.get_analytics_conversations_aggregates_job(job.job_id))
    assert status.state == "FULFILLED" and status.completion_date and status.expiration_date
    groups, cursor, pages = [], None, 0
    while True:
        kw = {"cursor": cursor} if cursor else {}
        page = assert_clean(api.get_analytics_conversations_aggregates_job_results(job.job_id, **kw))
        groups += page.results
        pages += 1
        cursor = page.cursor
        if not cursor:
            break
    assert pages > 1 and all(g.group["usedRouting"] for g in groups)
    assert any(v.name == "answeredIn20s" for g in groups for d in g.data for v in (d.views or []))
    api.delete_analytics_conversations_aggregates_job(job.job_id)
    assert api.get_analytics_conversations_aggregates_job(job.job_id).state == "CANCELLED"


def test_predictors_kpis_and_queue_routing_fields(sdk: Any) -> None:
    _, client = sdk
    routing = PureCloud.RoutingApi(client)
    preds = assert_clean(routing.get_routing_predictors(page_size=200))
    assert preds.entities and all(p.queues and p.kpi for p in preds.entities)
    one = assert_clean(routing.get_routing_predictor(preds.entities[0].id))
    assert one.state in ("Active", "Created", "Error")
    kpis = assert_clean(routing.get_routing_predictors_keyperformanceindicators())
    assert {k.id for k in kpis.entities} >= {p.kpi for p in preds.entities}
    queues = assert_clean(routing.get_routing_queues(page_size=100))
    kinds = set()
    for q in queues.entities:
        if q.bullseye and q.bullseye.rings:
            kinds.add("bullseye")
            assert q.bullseye.rings[0].expansion_criteria[0].type == "TIMEOUT_SECONDS"
        if q.routing_rules:
            kinds.add("preferred")
        if q.conditional_group_routing and q.conditional_group_routing.rules:
            kinds.add("conditional")
        if q.last_agent_routing_mode != "Disabled":
            kinds.add("last")
        if q.direct_routing:
            kinds.add("direct")
    assert kinds == {"bullseye", "preferred", "conditional", "last", "direct"}
