"""What the scorer accepts before any request: intervals, weights, the cohort filter and
names; and how a queue's routing method is derived from its configuration (§4.4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from gctui.config.loader import parse_settings
from gctui.config.routing import RoutingConfig
from gctui.errors import GctuiError
from gctui.genesys.models import Queue
from gctui.genesys.models.routing import Predictor
from gctui.services.routing import (
    CohortError,
    IntervalError,
    ScoreError,
    ScoreSettings,
    build_query,
    compile_filter,
    parse_interval,
    parse_weights,
    queue_routing,
    select_named,
)
from gctui.services.routing.methods import predictors_by_queue

NOW = datetime(2024, 5, 10, 22, 30, tzinfo=UTC)


def test_presets() -> None:
    assert (
        parse_interval("1h", now=NOW, time_zone="UTC").iso()
        == "2024-05-10T21:30:00.000Z/2024-05-10T22:30:00.000Z"
    )
    seven = parse_interval("7d", now=NOW, time_zone="UTC")
    assert seven.days == 7 and seven.granularity() == "P1D"
    assert parse_interval("1h", now=NOW).granularity() is None


def test_today_starts_at_midnight_in_the_configured_zone() -> None:
    # 22:30 UTC is already 00:30 on the 11th in Paris (UTC+2 in May)
    paris = parse_interval("today", now=NOW, time_zone="Europe/Paris")
    assert paris.iso() == "2024-05-10T22:00:00.000Z/2024-05-10T22:30:00.000Z"
    assert paris.time_zone == "Europe/Paris"
    utc = parse_interval("today", now=NOW, time_zone="UTC")
    assert utc.start == datetime(2024, 5, 10, tzinfo=UTC)


def test_custom_interval_offsets_and_naive_times() -> None:
    iv = parse_interval("2024-05-01T02:00:00+02:00/2024-05-02T00:00:00Z", time_zone="UTC")
    assert iv.iso() == "2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z" and iv.label == "custom"
    naive = parse_interval("2024-05-01T00:00:00/2024-05-02T00:00:00", time_zone="Europe/Paris")
    assert naive.start == datetime(2024, 4, 30, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2024-05-08T00:00:00Z/2024-05-01T00:00:00Z", "the end must come after the start"),
        ("2023-01-01T00:00:00Z/2024-05-01T00:00:00Z", "longer than 366 days"),
        ("yesterday", "expected one of 1h, today, 7d, 30d"),
        ("2024-13-01/2024-05-01T00:00:00Z", "start '2024-13-01' is not an ISO 8601"),
    ],
)
def test_bad_intervals_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(IntervalError, match=message) as err:
        parse_interval(spec, time_zone="UTC")
    assert err.value.code == 2


def test_unknown_time_zone() -> None:
    with pytest.raises(IntervalError, match="not an IANA time zone"):
        parse_interval("today", time_zone="Mars/Olympus")


def test_weights_parsing_and_validation() -> None:
    assert parse_weights("asa=0.4, abandoned=0.3,handled=0.3") == {
        "asa": 0.4,
        "abandoned": 0.3,
        "handled": 0.3,
    }
    for text, message in [
        ("asa=-1", "finite number >= 0"),
        ("asa=0,handled=0", "at least one weight must be above 0"),
        ("speed=1", "unknown KPI 'speed'"),
        ("asa", "not NAME=NUMBER"),
        ("asa=fast", "not a number"),
        ("asa=nan", "expected a number"),
        ("asa=inf", "finite number"),
    ]:
        with pytest.raises(ScoreError, match=message):
            parse_weights(text)
    with pytest.raises(ScoreError, match="normalization"):
        ScoreSettings(normalization="zscore")


def test_defaults_are_the_seeds_with_asa_and_abandons_inverted() -> None:
    s = ScoreSettings()
    assert s.active() == {"handled": 0.3, "abandoned": 0.3, "asa": 0.4}
    assert not s.higher("asa") and not s.higher("abandoned") and s.higher("handled")
    cfg = RoutingConfig()
    assert cfg.weights == {"handled": 0.3, "asa": 0.4, "abandoned": 0.3} and cfg.min_offered == 10


def test_config_rejects_bad_weights_and_hides_webhook_secrets() -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        RoutingConfig.model_validate({"weights": {"asa": 0}})
    with pytest.raises(ValueError, match="unknown KPI"):
        RoutingConfig.model_validate({"directions": {"speed": "lower"}})
    cfg = RoutingConfig.model_validate(
        {
            "webhook_url": "https://bi.example/hook?token=TOPSECRET",
            "webhook_headers": {"X-Key": "HEADERSECRET"},
        }
    )
    assert "TOPSECRET" not in repr(cfg) and "HEADERSECRET" not in repr(cfg)
    for bad in (
        {"webhook_url": "ftp://bi.example/SECRETPATH"},
        {"webhook_headers": {"X-Key": "SECRETPATH\n"}},
    ):
        with pytest.raises(GctuiError) as err:
            parse_settings({"routing": bad})
        assert "SECRETPATH" not in err.value.message and "routing.webhook_" in err.value.message


def test_query_validates_metric_names() -> None:
    iv = parse_interval("7d")
    with pytest.raises(Exception, match="unknown aggregate metric 'nAnswered'"):
        build_query(iv, metrics=("nOffered", "nAnswered"))
    body = build_query(iv, queue_ids=["q1", "q2"])
    assert body["filter"] == {
        "type": "or",
        "predicates": [{"dimension": "queueId", "value": "q1"}, {"dimension": "queueId", "value": "q2"}],
    }


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Sales EU", "Sales US", "Support", "Dup", "Dup"],
            "method": ["bullseye", "standard", "standard", "last", "last"],
            "division": "",
            "skillEvaluation": "BEST",
            "offered": [100, 5, 300, 1, 2],
            "asaMs": [10_000.0, None, 40_000.0, 1.0, 2.0],
        },
        index=["q1", "q2", "q3", "q4", "q5"],
    )


def test_filter_expressions() -> None:
    f = _frame()

    def ids(expr: str) -> list[str]:
        return list(f.index[compile_filter(expr)(f)])

    assert ids("method=standard") == ["q2", "q3"]
    assert ids("name~sales and offered>=100") == ["q1"]
    assert ids("not method=standard") == ["q1", "q4", "q5"]
    assert ids("asaMs<20000 or name=support") == ["q1", "q3", "q4", "q5"]
    assert ids("asaMs>0") == ["q1", "q3", "q4", "q5"]  # a missing ASA matches no comparison
    for expr, message in [
        ("speed>3", "unknown field 'speed'"),
        ("name>3", "name is text"),
        ("offered~3", "offered is a number"),
        ("offered>=many", "expected a number"),
        ("offered", "not FIELD OP VALUE"),
    ]:
        with pytest.raises(CohortError, match=message):
            compile_filter(expr)


def test_named_queues_by_id_or_name() -> None:
    f = _frame()
    assert select_named(f, ["q3", "sales eu"]) == ["q3", "q1"]
    with pytest.raises(CohortError, match="no queue with id or name 'Nope'"):
        select_named(f, ["Nope"])
    with pytest.raises(CohortError, match="several queues are named 'dup'"):
        select_named(f, ["dup"])


def _queue(**fields: object) -> Queue:
    return Queue.model_validate({"id": "q", "name": "Q", "skillEvaluationMethod": "ALL", **fields})


def test_routing_method_from_the_queue_configuration() -> None:
    assert queue_routing(_queue()).method == "standard"
    assert queue_routing(_queue()).skill_evaluation == "ALL"
    assert queue_routing(_queue(bullseye={"rings": []})).method == "standard"  # no rings: not bullseye
    ring = {"rings": [{"expansionCriteria": [{"type": "TIMEOUT_SECONDS", "threshold": 10}]}, {}]}
    both = queue_routing(_queue(bullseye=ring, routingRules=[{"operator": "ANY", "waitSeconds": 5}]))
    assert both.method == "bullseye" and both.methods == ("bullseye", "preferred", "standard")
    assert queue_routing(_queue(routingRules=[{"operator": "ANY"}])).method == "preferred"
    cgr = {"rules": [{"metric": "EstimatedWaitTime", "operator": "GreaterThan", "conditionValue": 30}]}
    assert queue_routing(_queue(conditionalGroupRouting=cgr)).method == "conditional"
    assert queue_routing(_queue(lastAgentRoutingMode="Disabled")).method == "standard"
    assert queue_routing(_queue(lastAgentRoutingMode="AnyAgent")).method == "last"
    assert queue_routing(_queue(directRouting={"agentWaitSeconds": 60})).method == "direct"
    pred = Predictor.model_validate({"id": "p", "state": "Active", "queues": [{"id": "q"}]})
    covered = queue_routing(_queue(), predictors_by_queue([pred]).get("q"))
    assert covered.method == "predictive" and covered.predictor_state == "Active"
    assert predictors_by_queue([pred]).get("other") is None
