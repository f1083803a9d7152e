"""Architect flows and dependency tracking (reference §5c)."""

from __future__ import annotations

from pydantic import Field

from gctui.genesys.models.base import ApiModel, EntityRef


class FlowVersion(ApiModel):
    id: str
    name: str | None = None
    commit_version: str | None = None
    configuration_version: str | None = None
    type: str | None = None
    date_created: int | None = None


class Flow(ApiModel):
    id: str
    name: str
    type: str
    description: str | None = None
    division: EntityRef | None = None
    active: bool | None = None
    system: bool | None = None
    deleted: bool | None = None
    published_version: FlowVersion | None = None
    saved_version: FlowVersion | None = None
    checked_in_version: FlowVersion | None = None


class Dependency(ApiModel):
    id: str
    name: str | None = None
    version: str | None = None
    type: str
    deleted: bool | None = None
    updated: bool | None = None
    state_unknown: bool | None = None


class DependencyObject(Dependency):
    consumed_resources: list[Dependency] = Field(default_factory=list)
    consuming_resources: list[Dependency] = Field(default_factory=list)


class FailedObject(ApiModel):
    """An object the dependency-tracking build could not index (``DependencyStatus.failedObjects``)."""

    id: str | None = None
    version: str | None = None
    name: str | None = None
    error_code: str | None = None


class DependencyStatus(ApiModel):
    id: str | None = None
    build_id: str | None = None
    status: str | None = None
    date_started: str | None = None
    date_completed: str | None = None
    failed_objects: list[FailedObject] = Field(default_factory=list)


# Flow.type -> the dependency-tracking objectType (terraform's mapping, reference §4.4).
FLOW_TYPE_TO_OBJECT_TYPE: dict[str, str] = {
    "BOT": "BOTFLOW",
    "COMMONMODULE": "COMMONMODULEFLOW",
    "DIGITALBOT": "DIGITALBOTFLOW",
    "INBOUNDCALL": "INBOUNDCALLFLOW",
    "INBOUNDCHAT": "INBOUNDCHATFLOW",
    "INBOUNDEMAIL": "INBOUNDEMAILFLOW",
    "INBOUNDSHORTMESSAGE": "INBOUNDSHORTMESSAGEFLOW",
    "INQUEUECALL": "INQUEUECALLFLOW",
    "INQUEUEEMAIL": "INQUEUEEMAILFLOW",
    "INQUEUESHORTMESSAGE": "INQUEUESHORTMESSAGEFLOW",
    "OUTBOUNDCALL": "OUTBOUNDCALLFLOW",
    "SECURECALL": "SECURECALLFLOW",
    "SURVEYINVITE": "SURVEYINVITEFLOW",
    "VOICE": "VOICEFLOW",
    "VOICEMAIL": "VOICEMAILFLOW",
    "WORKFLOW": "WORKFLOW",
    "WORKITEM": "WORKITEMFLOW",
}


__all__ = [
    "FLOW_TYPE_TO_OBJECT_TYPE",
    "Dependency",
    "DependencyObject",
    "DependencyStatus",
    "EntityRef",
    "FailedObject",
    "Flow",
    "FlowVersion",
]
