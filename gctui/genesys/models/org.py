"""Organization, token and OAuth models (reference §2, §5a)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from gctui.genesys.models.base import ApiModel, EntityRef


class Organization(ApiModel):
    id: str
    name: str
    default_language: str | None = None
    third_party_org_name: str | None = None
    domain: str | None = None
    version: int | None = None
    state: str | None = None
    product_platform: str | None = None
    features: dict[str, bool] | None = None


class OAuthClientInfo(ApiModel):
    id: str | None = None
    name: str | None = None
    authorized_grant_type: str | None = None
    state: str | None = None


class TokenInfo(ApiModel):
    organization: EntityRef | None = None
    home_organization: EntityRef | None = None
    authorized_scope: list[str] = Field(default_factory=list)
    date_token_idles: datetime | None = None
    oauth_client: OAuthClientInfo | None = Field(default=None, alias="OAuthClient")


class TokenResponse(ApiModel):
    """The /oauth/token answer. ``access_token`` is wrapped in a Secret by the token manager
    before anything else sees it; this model never leaves auth.py."""

    access_token: str = Field(alias="access_token", repr=False)
    token_type: str | None = Field(default=None, alias="token_type")
    expires_in: int = Field(default=86400, alias="expires_in")
