"""Problems from dependency tracking itself: the build status, consumers of deleted and updated
resources, merged with the graph's own; a read that fails is reported, the rest still shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from gctui.genesys.models.architect import DependencyObject, DependencyStatus
from gctui.genesys.session import Session
from gctui.services.flows import (
    FlowRecord,
    Kind,
    Ref,
    Severity,
    build_graph,
    consumer_problems,
    fetch_problems,
    index_problem,
)
from tests.genesys.conftest import make_options
from tests.services.test_flows_support import MockedOrg, SyntheticOrg, dep_json


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as r:
        yield r


@pytest.mark.parametrize("status", ["NOTBUILT", "BUILDINPROGRESS", "OPERATIONALNEEDSREBUILD", None])
def test_an_index_that_is_not_operational_is_a_warning(status: str | None) -> None:
    p = index_problem(DependencyStatus(status=status))
    assert p is not None and p.kind is Kind.INDEX_NOT_OPERATIONAL and p.severity is Severity.WARNING
    assert f"dependency index is {status or 'UNKNOWN'}, not OPERATIONAL" in p.detail and p.subject is None


def test_an_operational_index_is_fine_unless_objects_failed() -> None:
    assert index_problem(DependencyStatus(status="OPERATIONAL")) is None
    failed = DependencyStatus.model_validate(
        {"status": "OPERATIONAL", "failedObjects": [{"id": "f1", "name": "x", "errorCode": "e"}]}
    )
    p = index_problem(failed)
    assert p is not None and "1 objects failed to index" in p.detail


def test_consumers_of_deleted_and_updated_resources() -> None:
    g = build_graph([FlowRecord("f1", "Main IVR", "INBOUNDCALL", "3.0")])
    deleted = [
        DependencyObject.model_validate(
            {
                "id": "f1",
                "name": "ignored: the graph's name wins",
                "type": "INBOUNDCALLFLOW",
                "consumedResources": [
                    dep_json("USERPROMPT", "p1", "Welcome", deleted=True),
                    dep_json("QUEUE", "q1", "Sales"),
                ],
            }
        ),
        DependencyObject.model_validate({"id": "zz", "name": "Elsewhere\x1b", "type": "workflow"}),
    ]
    updated = [
        DependencyObject.model_validate(
            {
                "id": "f1",
                "type": "INBOUNDCALLFLOW",
                "consumedResources": [dep_json("COMMONMODULEFLOW", "m1", "Auth", updated=True)],
            }
        )
    ]
    found = {(p.kind, p.subject): p for p in consumer_problems(g, deleted, updated)}
    main = ("INBOUNDCALLFLOW", "f1")
    assert found[(Kind.DELETED_DEPENDENCY, main)].detail == "consumes deleted Welcome"
    assert found[(Kind.DELETED_DEPENDENCY, main)].related == (("USERPROMPT", "p1"),)
    assert found[(Kind.DELETED_DEPENDENCY, main)].name == "Main IVR"
    other = found[(Kind.DELETED_DEPENDENCY, ("WORKFLOW", "zz"))]
    assert other.name == "Elsewhere\\x1b" and other.detail == "consumes a deleted resource"
    republish = found[(Kind.NEEDS_REPUBLISH, main)]
    assert republish.detail == "consumes Auth updated since it was published: republish it"


async def test_fetch_problems_merges_the_api_and_the_graph(router: respx.MockRouter) -> None:
    org = SyntheticOrg(10)
    mocked = MockedOrg(router, org)
    mocked.build = {"status": "BUILDINPROGRESS", "failedObjects": []}
    mocked.deleted = [
        {
            "id": "f0005",
            "name": "Flow 5",
            "type": "INBOUNDCALLFLOW",
            "consumedResources": [dep_json("DATATABLE", "t1", "Holidays", deleted=True)],
        }
    ]
    mocked.updated = [{"id": "f0006", "name": "Flow 6", "type": "WORKFLOW", "consumedResources": []}]
    g = build_graph(
        [
            FlowRecord("f0005", "Flow 5", "INBOUNDCALL", "1.0"),
            FlowRecord("f0006", "Flow 6", "WORKFLOW", "1.0", saved_version="2.0"),
        ],
        [
            ("f0005", [Ref("DATATABLE", "t1", "Holidays", deleted=True), Ref("DATAACTION", "a1", "Lookup")]),
            ("f0006", [Ref("DATAACTION", "a1", "Lookup")]),
        ],
    )
    async with Session.create(make_options()) as s:
        report = await fetch_problems(s.api, s.pool, g, action_risk={"a1": "p99 near timeout"}, partial=True)
        assert not s.pool.active()
    assert report.index_status == "BUILDINPROGRESS" and not report.index_ok and report.partial
    assert report.errors == []
    assert report.counts() == {
        Kind.INDEX_NOT_OPERATIONAL: 1,
        Kind.DELETED_DEPENDENCY: 1,  # the API and the graph say the same: once
        Kind.NEEDS_REPUBLISH: 1,
        Kind.AT_RISK_ACTION: 2,
        Kind.UNPUBLISHED_CHANGES: 1,
    }
    assert report.problems[0].severity is Severity.ERROR
    assert [p.subject for p in report.of_kind(Kind.NEEDS_REPUBLISH)] == [("WORKFLOW", "f0006")]
    sent = {c.request.url.path.rsplit("/", 1)[-1]: c.request.url.params for c in router.calls}
    assert sent["deletedresourceconsumers"]["consumedResources"] == "true"
    assert sent["updatedresourceconsumers"]["consumedResources"] == "true"


async def test_a_failing_read_is_reported_and_the_rest_still_shown(router: respx.MockRouter) -> None:
    mocked = MockedOrg(router, SyntheticOrg(3))
    mocked.build = 404  # e.g. a simulator or an org without the endpoint
    mocked.deleted = [{"id": "x", "name": "X", "type": "INBOUNDCALLFLOW", "consumedResources": []}]
    g = build_graph([FlowRecord("d", "Draft", "INBOUNDCALL", None)])
    async with Session.create(make_options()) as s:
        report = await fetch_problems(s.api, s.pool, g)
    assert report.index_status is None and not report.index_ok
    assert len(report.errors) == 1 and report.errors[0].startswith("dependency build status: 404")
    assert {p.kind for p in report.problems} == {Kind.DELETED_DEPENDENCY, Kind.NOT_PUBLISHED}
