"""Typed, layered configuration: TOML file < GENESYSCLOUD_* env vars < CLI flags.

    overrides = overrides_from_args(args)
    resolved = load(overrides)            # ResolvedProfile; .options is the core's ClientOptions

Every failure is a :class:`ConfigError` (a GctuiError with exit code 2) naming the file, the dotted
key and what is allowed. ``config.example.toml`` at the repository root documents every key.
"""

from __future__ import annotations

from gctui.config.errors import ConfigError, Problem
from gctui.config.loader import (
    ENV_ACCESS_TOKEN,
    ENV_API_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_CONFIG,
    ENV_REGION,
    CliOverrides,
    EnvLayer,
    ResolvedProfile,
    default_config_path,
    load,
    load_settings,
    overrides_from_args,
    parse_settings,
    resolve_profile,
)
from gctui.config.models import HealthConfig, ProbeConfig, ProfileConfig, Settings

__all__ = [
    "ENV_ACCESS_TOKEN",
    "ENV_API_URL",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "ENV_CONFIG",
    "ENV_REGION",
    "CliOverrides",
    "ConfigError",
    "EnvLayer",
    "HealthConfig",
    "ProbeConfig",
    "Problem",
    "ProfileConfig",
    "ResolvedProfile",
    "Settings",
    "default_config_path",
    "load",
    "load_settings",
    "overrides_from_args",
    "parse_settings",
    "resolve_profile",
]
