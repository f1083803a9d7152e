"""Layered loading: TOML file < environment variables < CLI flags, producing ClientOptions.

Environment variables are read from the mapping passed in (default ``os.environ``) so tests are
hermetic; the env layer is a pydantic-settings model fed by a source over that mapping.
"""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from gctui.config.errors import ConfigError, dotted, from_validation
from gctui.config.models import (
    PROFILE_NAME_RE,
    ActionsConfig,
    HealthConfig,
    ProfileConfig,
    Settings,
    check_base_url,
)
from gctui.config.routing import RoutingConfig
from gctui.config.scaling import ScalingConfig
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import Region, UnknownRegionError, is_genesys_host, resolve_region
from gctui.genesys.secrets import Secret

APP_NAME = "gctui"
ENV_CONFIG = "GCTUI_CONFIG"
ENV_CLIENT_ID = "GENESYSCLOUD_OAUTHCLIENT_ID"
ENV_CLIENT_SECRET = "GENESYSCLOUD_OAUTHCLIENT_SECRET"  # noqa: S105 - a variable name, not a secret
ENV_ACCESS_TOKEN = "GENESYSCLOUD_ACCESS_TOKEN"  # noqa: S105
ENV_REGION = "GENESYSCLOUD_REGION"
ENV_API_URL = "GENESYSCLOUD_API_URL"
DEFAULT_PROFILE_NAME = "default"  # the profile name used when the file defines none
# C0/C1 control characters, DEL and the Unicode line separators: never part of a credential.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A bearer token is sent verbatim in a header: printable ASCII without spaces.
_TOKEN = re.compile("[\x21-\x7e]+")

# Profile keys copied into ClientOptions when set (None keeps the ClientOptions default).
_TUNING_KEYS = (
    "request_timeout",
    "connect_timeout",
    "max_connections",
    "concurrency",
    "page_concurrency",
    "rate_limit_fallback",
    "retry_after_ceiling",
    "max_retries",
    "breaker_threshold",
    "breaker_cooldown",
)


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


@dataclass(frozen=True, slots=True)
class CliOverrides:
    """The global CLI flags that override the file and the environment (None = not given)."""

    config_path: Path | None = None
    profile: str | None = None
    read_only: bool | None = None
    region: str | None = None
    api_url: str | None = None
    client_id: str | None = None


def overrides_from_args(args: argparse.Namespace) -> CliOverrides:
    config = getattr(args, "config", None)
    return CliOverrides(
        config_path=Path(config).expanduser() if config else None,
        profile=getattr(args, "profile", None) or None,
        read_only=getattr(args, "read_only", None),
        region=getattr(args, "region", None) or None,
        api_url=getattr(args, "api_url", None) or None,
        client_id=getattr(args, "client_id", None) or None,
    )


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    """One org, ready to use: the ClientOptions for the API core plus the UI's settings."""

    name: str
    options: ClientOptions
    production: bool = False
    health: HealthConfig = field(default_factory=HealthConfig)
    actions: ActionsConfig = field(default_factory=ActionsConfig)
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    scaling: ScalingConfig = field(default_factory=ScalingConfig)
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source_path: Path | None = None

    @property
    def region(self) -> Region:
        return self.options.region


# --------------------------------------------------------------------------------------- env layer
class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' env source over a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, case_sensitive=True, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name: value for name, value in self._environ.items() if value.strip()}


class EnvLayer(BaseSettings):
    """The variables the official Genesys tools use, plus ``GENESYSCLOUD_API_URL``/``GCTUI_CONFIG``."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    client_id: str | None = Field(default=None, validation_alias=ENV_CLIENT_ID)
    client_secret: SecretStr | None = Field(default=None, validation_alias=ENV_CLIENT_SECRET)
    access_token: SecretStr | None = Field(default=None, validation_alias=ENV_ACCESS_TOKEN)
    region: str | None = Field(default=None, validation_alias=ENV_REGION)
    api_url: str | None = Field(default=None, validation_alias=ENV_API_URL)
    config: str | None = Field(default=None, validation_alias=ENV_CONFIG)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # never os.environ behind the caller's back: see from_mapping

    @classmethod
    def from_mapping(cls, env: Mapping[str, str] | None = None) -> EnvLayer:
        source = _MappingEnvSource(cls, os.environ if env is None else env)
        return cls.model_validate(source())


# -------------------------------------------------------------------------------------- file layer
def _choose_path(overrides: CliOverrides, env: EnvLayer) -> tuple[Path, str | None]:
    """The file to read and, when given explicitly, where it was named (for messages)."""
    if overrides.config_path is not None:
        return overrides.config_path, "--config"
    if env.config:
        return Path(env.config).expanduser(), ENV_CONFIG
    return default_config_path(), None


def load_settings(overrides: CliOverrides, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the config file. A missing file at the default location gives empty
    settings; a missing file named by ``--config`` or ``GCTUI_CONFIG`` is an error."""
    path, named_by = _choose_path(overrides, EnvLayer.from_mapping(env))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if named_by is None:
            return Settings()
        raise ConfigError(f"config file {path} does not exist (named by {named_by})") from None
    except IsADirectoryError:
        raise ConfigError("is a directory, expected a TOML file", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text; save the file as UTF-8", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    return parse_settings(data, path)


def parse_settings(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Validate already-parsed TOML data (``path`` only names the file in messages)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc, path) from None
    for name in settings.profiles:
        if not PROFILE_NAME_RE.match(name):
            raise ConfigError(
                "profile names may use letters, digits, '-' and '_' (and start with a letter or digit)",
                path,
                dotted(("profiles", name)),
            )
    if settings.default_profile is not None and settings.default_profile not in settings.profiles:
        raise ConfigError(
            f"no profile named {settings.default_profile!r}; {_profiles_phrase(settings)}",
            path,
            "default_profile",
        )
    settings._source_path = path
    return settings


def _profiles_phrase(settings: Settings) -> str:
    if settings.profiles:
        return f"profiles defined: {', '.join(settings.profiles)}"
    return "no profiles are defined"


def _where(settings: Settings) -> str:
    path = settings.source_path
    return str(path) if path is not None else f"{default_config_path()} (not found)"


# ------------------------------------------------------------------------------------- resolution
def _select(settings: Settings, overrides: CliOverrides) -> tuple[str, ProfileConfig]:
    name = overrides.profile or settings.default_profile
    if name is not None:
        profile = settings.profiles.get(name)
        if profile is None:
            raise ConfigError(f"unknown profile {name!r} in {_where(settings)}; {_profiles_phrase(settings)}")
        return name, profile
    if len(settings.profiles) == 1:
        return next(iter(settings.profiles.items()))
    if not settings.profiles:
        return DEFAULT_PROFILE_NAME, ProfileConfig()
    raise ConfigError(
        f"{_where(settings)} defines several profiles ({', '.join(settings.profiles)}) and no "
        "default_profile; choose one with --profile NAME or set default_profile"
    )


def _resolve(value: str, source: str, url_only: bool) -> Region:
    try:
        if url_only:
            check_base_url(value)
        return resolve_region(value)
    except UnknownRegionError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except ValueError as exc:  # the message shows the URL without its credentials
        raise ConfigError(f"{source}: {exc}") from None


def _region(settings: Settings, name: str, profile: ProfileConfig, env: EnvLayer, ov: CliOverrides) -> Region:
    # Highest layer that says anything wins; within a layer, an explicit API URL beats a region.
    file_key = f"{_where(settings)}: {dotted(('profiles', name))}"
    layers = (
        (ov.api_url, "--api-url", ov.region, "--region"),
        (env.api_url, ENV_API_URL, env.region, ENV_REGION),
        (profile.api_url, f"{file_key}.api_url", profile.region, f"{file_key}.region"),
    )
    for api_url, api_source, region, region_source in layers:
        if api_url:
            return _resolve(api_url, api_source, url_only=True)
        if region:
            return _resolve(region, region_source, url_only=False)
    raise ConfigError(
        f"no region configured; set region in profile {name!r}, {ENV_REGION} or --region "
        "(see config.example.toml; `gctui --demo` runs against a simulated org with no config)"
    )


def _secret(value: SecretStr | None) -> Secret | None:
    if value is None:
        return None
    text = value.get_secret_value().strip()
    return Secret(text) if text else None


def _first(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    """The first value that is set, with where it came from."""
    for value, source in candidates:
        if value:
            return value, source
    return None, ""


def _first_secret(*candidates: tuple[SecretStr | None, str]) -> tuple[Secret | None, str]:
    for value, source in candidates:
        secret = _secret(value)
        if secret is not None:
            return secret, source
    return None, ""


def _check_credential(value: str | None, source: str, what: str) -> None:
    """Refuse a credential an HTTP request cannot carry, naming where it came from but never
    echoing it (it is a secret, or a paste gone wrong next to one)."""
    if value is None:
        return
    if _CONTROL.search(value):
        raise ConfigError(
            f"{source}: the {what} contains a control character (a line break or a tab?); "
            "set it again without one"
        )
    if what == "access token" and not _TOKEN.fullmatch(value):
        raise ConfigError(
            f"{source}: the {what} must be printable ASCII without spaces (it is sent verbatim "
            "in the Authorization header); set it again as issued"
        )
    if what == "client id" and ":" in value:
        raise ConfigError(f"{source}: the {what} cannot contain ':' (it separates id and secret at login)")


def _check_webhook(settings: Settings, region: Region) -> None:
    """The alert webhook goes to the user's own systems (chat, paging), never to the org: it is
    the one POST gctui sends in read-only mode, so it must not be able to reach the org."""
    url = settings.health.alert_webhook.get_secret_value()
    if not url:
        return
    target = _origin(url)
    if target in {_origin(region.api_base), _origin(region.login_base)} or is_genesys_host(target[0]):
        raise ConfigError(
            f"{_where(settings)}: health.alert_webhook points at Genesys Cloud; alert webhooks go to "
            "your own systems (chat, paging), never to the org"
        )


def _origin(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL already checked at load, the scheme's default port made explicit."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return (parts.hostname or "").rstrip("."), parts.port if parts.port is not None else default


def resolve_profile(
    settings: Settings,
    overrides: CliOverrides,
    env: Mapping[str, str] | None = None,
    require_credentials: bool = True,
) -> ResolvedProfile:
    """Pick the profile (--profile, else default_profile, else the only one) and layer the
    environment and the CLI flags over it."""
    name, profile = _select(settings, overrides)
    env_layer = EnvLayer.from_mapping(env)
    region = _region(settings, name, profile, env_layer, overrides)
    _check_webhook(settings, region)
    file_key = f"{_where(settings)}: {dotted(('profiles', name))}"
    client_id, id_source = _first(
        (overrides.client_id, "--client-id"),
        (env_layer.client_id, ENV_CLIENT_ID),
        (profile.client_id, f"{file_key}.client_id"),
    )
    client_secret, secret_source = _first_secret(
        (env_layer.client_secret, ENV_CLIENT_SECRET), (profile.client_secret, f"{file_key}.client_secret")
    )
    access_token = _secret(env_layer.access_token)
    _check_credential(client_id, id_source, "client id")
    _check_credential(client_secret.reveal() if client_secret else None, secret_source, "client secret")
    _check_credential(access_token.reveal() if access_token else None, ENV_ACCESS_TOKEN, "access token")
    if require_credentials and access_token is None and not (client_id and client_secret):
        raise ConfigError(_missing_credentials(settings, name, client_id, client_secret))
    tuning = {key: getattr(profile, key) for key in _TUNING_KEYS if getattr(profile, key) is not None}
    options = ClientOptions(
        region=region,
        client_id=client_id,
        client_secret=client_secret,
        access_token=access_token,
        read_only=overrides.read_only if overrides.read_only is not None else profile.read_only,
        **tuning,
    )
    return ResolvedProfile(
        name=name,
        options=options,
        production=profile.production,
        health=settings.health,
        actions=settings.actions,
        routing=settings.routing,
        scaling=settings.scaling,
        keys=MappingProxyType(dict(settings.keys)),
        source_path=settings.source_path,
    )


def _missing_credentials(settings: Settings, name: str, client_id: str | None, secret: Secret | None) -> str:
    table = f"[{dotted(('profiles', name))}] of {_where(settings)}"
    if client_id and not secret:
        return (
            f"no client secret for profile {name!r}: set client_secret in {table} or {ENV_CLIENT_SECRET} "
            f"(or a ready token in {ENV_ACCESS_TOKEN})"
        )
    if secret and not client_id:
        return f"no client id for profile {name!r}: set client_id in {table}, {ENV_CLIENT_ID} or --client-id"
    return (
        f"no credentials for profile {name!r}: set client_id and client_secret in {table} "
        f"(or {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}), or a ready token in {ENV_ACCESS_TOKEN}"
    )


def load(
    overrides: CliOverrides, env: Mapping[str, str] | None = None, require_credentials: bool = True
) -> ResolvedProfile:
    """Load the file and resolve the selected profile in one call."""
    return resolve_profile(load_settings(overrides, env), overrides, env, require_credentials)
