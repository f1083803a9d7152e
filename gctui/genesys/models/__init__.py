"""Typed models of every response the console reads. Lenient to unknown fields."""

from gctui.genesys.models.analytics import (
    AggregateQueryResponse,
    AggregateResult,
    IntervalData,
    MetricData,
    ObservationQueryResponse,
    ObservationResult,
    StatisticalSummary,
)
from gctui.genesys.models.architect import (
    FLOW_TYPE_TO_OBJECT_TYPE,
    Dependency,
    DependencyObject,
    DependencyStatus,
    Flow,
    FlowVersion,
)
from gctui.genesys.models.base import ApiModel, EntityListing, EntityRef
from gctui.genesys.models.errors import Detail, ErrorBody, Limit, LimitsListing
from gctui.genesys.models.integrations import (
    Action,
    ActionConfig,
    ActionWithConfig,
    RequestConfig,
    ResponseConfig,
    TestExecutionResult,
    TestOperation,
)
from gctui.genesys.models.org import OAuthClientInfo, Organization, TokenInfo, TokenResponse
from gctui.genesys.models.routing import MediaSetting, Queue, ServiceLevel
from gctui.genesys.models.telephony import Edge, EdgeMetrics, Trunk, TrunkMetrics

__all__ = [
    "FLOW_TYPE_TO_OBJECT_TYPE",
    "Action",
    "ActionConfig",
    "ActionWithConfig",
    "AggregateQueryResponse",
    "AggregateResult",
    "ApiModel",
    "Dependency",
    "DependencyObject",
    "DependencyStatus",
    "Detail",
    "Edge",
    "EdgeMetrics",
    "EntityListing",
    "EntityRef",
    "ErrorBody",
    "Flow",
    "FlowVersion",
    "IntervalData",
    "Limit",
    "LimitsListing",
    "MediaSetting",
    "MetricData",
    "OAuthClientInfo",
    "ObservationQueryResponse",
    "ObservationResult",
    "Organization",
    "Queue",
    "RequestConfig",
    "ResponseConfig",
    "ServiceLevel",
    "StatisticalSummary",
    "TestExecutionResult",
    "TestOperation",
    "TokenInfo",
    "TokenResponse",
    "Trunk",
    "TrunkMetrics",
]
