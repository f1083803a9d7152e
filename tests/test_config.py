"""gctui.config: TOML file < env vars < CLI flags, and errors a user can act on."""

from __future__ import annotations

import argparse
import dataclasses
import re
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

import gctui.config.loader as loader
from gctui.config import (
    CliOverrides,
    ConfigError,
    ResolvedProfile,
    Settings,
    load,
    load_settings,
    overrides_from_args,
    resolve_profile,
)
from gctui.errors import EXIT_USAGE, GctuiError
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import valid_region_names
from gctui.genesys.secrets import Secret

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"
SECRET = "s3cr3t-DO-NOT-LEAK-7f9a"
TOKEN = "tok3n-DO-NOT-LEAK-0b1c"

MULTI = """
default_profile = "prod"

[profiles.prod]
region = "eu-west-1"
client_id = "prod-id"
client_secret = "prod-secret"
read_only = true
production = true
request_timeout = 12.5
concurrency = 4
rate_limit_fallback = 600

[profiles.test]
region = "us_east_1"
client_id = "test-id"
client_secret = "test-secret"

[health]
interval_seconds = 10
degraded_ms = 500
critical_ms = 1500

[[health.probes]]
name = "queues"
method = "head"
path = "/api/v2/routing/queues?pageSize=1"
expect_status = [200, 204]
critical_ms = 2000

[keys]
"health.pause" = "p"
"""


@pytest.fixture(autouse=True)
def _no_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never read the real config dir: the default location is a path that does not exist."""
    monkeypatch.setattr(loader, "default_config_path", lambda: tmp_path / "default" / "config.toml")


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path), env or {})
    return info.value


def assert_clean(exc: ConfigError) -> None:
    text = str(exc)
    assert SECRET not in text and TOKEN not in text
    assert "pydantic" not in text.lower() and "errors.pydantic.dev" not in text
    assert "Traceback" not in text


# ------------------------------------------------------------------------------------ valid files
def test_valid_multi_profile_file(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI)
    settings = load_settings(CliOverrides(config_path=path), {})
    assert settings.source_path == path
    assert list(settings.profiles) == ["prod", "test"]

    resolved = resolve_profile(settings, CliOverrides(), {})
    assert resolved.name == "prod"
    assert resolved.production is True
    opts = resolved.options
    assert isinstance(opts, ClientOptions)
    assert opts.region.name == "eu_west_1"
    assert opts.region.api_base == "https://api.mypurecloud.ie"
    assert opts.region.login_base == "https://login.mypurecloud.ie"
    assert opts.client_id == "prod-id"
    assert isinstance(opts.client_secret, Secret) and opts.client_secret.reveal() == "prod-secret"
    assert opts.access_token is None
    assert opts.read_only is True
    assert (opts.request_timeout, opts.concurrency, opts.rate_limit_fallback) == (12.5, 4, 600)
    assert opts.connect_timeout == ClientOptions.__dataclass_fields__["connect_timeout"].default
    assert resolved.health.interval_seconds == 10
    probe = resolved.health.probes[0]
    assert (probe.method, probe.expect_status) == ("HEAD", [200, 204])
    assert resolved.health.probe_thresholds(probe) == (500, 2000)
    assert resolved.keys == {"health.pause": "p"}
    assert resolved.source_path == path


def test_default_profile_vs_profile_flag(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI)
    assert load(CliOverrides(config_path=path), {}).name == "prod"
    test = load(CliOverrides(config_path=path, profile="test"), {})
    assert test.name == "test"
    assert test.options.region.name == "us_east_1"
    assert test.options.read_only is False and test.production is False


def test_single_profile_needs_no_default(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.only]\nregion = "eu-central-1"\n')
    resolved = load(CliOverrides(config_path=path), {}, require_credentials=False)
    assert resolved.name == "only"


def test_several_profiles_without_default_must_choose(tmp_path: Path) -> None:
    exc = error_for(tmp_path, '[profiles.a]\nregion = "eu-west-1"\n[profiles.b]\nregion = "eu-west-1"\n')
    assert "--profile" in str(exc) and "a, b" in str(exc)


def test_unknown_profile_lists_existing(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI)
    with pytest.raises(ConfigError, match=r"unknown profile 'staging'.*prod, test") as info:
        load(CliOverrides(config_path=path, profile="staging"), {})
    assert str(path) in str(info.value)


def test_default_profile_must_exist(tmp_path: Path) -> None:
    exc = error_for(tmp_path, 'default_profile = "nope"\n[profiles.prod]\nregion = "eu-west-1"\n')
    assert "default_profile" in str(exc) and "prod" in str(exc)


# ------------------------------------------------------------------------------------ file errors
def test_unknown_top_level_key_names_file_and_key(tmp_path: Path) -> None:
    exc = error_for(tmp_path, 'colour = "red"\n')
    text = str(exc)
    assert str(tmp_path / "config.toml") in text
    assert "colour: unknown key" in text
    assert "default_profile, profiles, health, keys" in text
    assert exc.code == EXIT_USAGE and isinstance(exc, GctuiError)
    assert exc.key == "colour"
    assert_clean(exc)


def test_unknown_profile_key_is_not_echoed(tmp_path: Path) -> None:
    exc = error_for(tmp_path, f'[profiles.prod]\nregion = "eu-west-1"\nclient_secert = "{SECRET}"\n')
    assert "profiles.prod.client_secert: unknown key" in str(exc)
    assert "client_secret" in str(exc)  # the allowed keys are listed
    assert_clean(exc)


def test_bad_value_type_names_key_and_allowed(tmp_path: Path) -> None:
    exc = error_for(tmp_path, '[profiles.prod]\nregion = "eu-west-1"\nread_only = "yes"\n')
    assert 'profiles.prod.read_only: expected true or false (got "yes")' in str(exc)
    assert_clean(exc)


def test_bad_secret_type_never_echoes_value(tmp_path: Path) -> None:
    exc = error_for(tmp_path, f'[profiles.prod]\nclient_secret = ["{SECRET}"]\n')
    assert "profiles.prod.client_secret: expected a string" in str(exc)
    assert_clean(exc)


def test_bad_webhook_never_echoes_value(tmp_path: Path) -> None:
    exc = error_for(tmp_path, f'[health]\nalert_webhook = "hooks.example/{SECRET}"\n')
    assert "health.alert_webhook" in str(exc)
    assert_clean(exc)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[health]\ninterval_seconds = 2\n",
            "health.interval_seconds: must be at least 5 and at most 3600 (got 2)",
        ),
        ("[health]\ndegraded_ms = 3000\ncritical_ms = 1000\n", "must be less than critical_ms"),
        ("[health]\nfailures_critical = 0\n", "health.failures_critical: must be at least 1"),
        ("[profiles.p]\nrate_limit_fallback = 0\n", "profiles.p.rate_limit_fallback: must be at least 1"),
        ("[profiles.p]\nrequest_timeout = 0\n", "profiles.p.request_timeout: must be greater than 0"),
        ('[[health.probes]]\nname = "x"\npath = "/api/v2/x"\nmethod = "POST"\n', "'GET' or 'HEAD'"),
        ('[[health.probes]]\nname = "x"\npath = "https://evil"\n', "health.probes[0].path"),
        ('[[health.probes]]\nname = "x"\npath = "/a"\nexpect_status = [700]\n', "expect_status[0]"),
        ('[[health.probes]]\nname = "x"\npath = "/a"\ncritical_ms = 500\n', "probes[0] (x)"),
        ('[[health.probes]]\npath = "/a"\n', "health.probes[0].name: required key is missing"),
        ('[keys]\n"health.pause" = ""\n', "keys: health.pause"),
        ('[profiles."a b"]\n', "profile names may use"),
        ("health = 5\n", "health: expected a table"),
    ],
)
def test_out_of_range_and_malformed_values(tmp_path: Path, toml: str, expected: str) -> None:
    exc = error_for(tmp_path, toml)
    assert expected in str(exc)
    assert_clean(exc)


def test_several_problems_reported_together(tmp_path: Path) -> None:
    exc = error_for(tmp_path, "[health]\ninterval_seconds = 1\nretention_days = 0\n")
    assert "2 problems" in str(exc)
    assert {p.key for p in exc.problems} == {"health.interval_seconds", "health.retention_days"}


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    exc = error_for(tmp_path, '[profiles.prod]\nregion = "eu-west-1"\nread_only = yes\n')
    assert str(tmp_path / "config.toml") in str(exc)
    assert "invalid TOML" in str(exc) and "line 3" in str(exc)


def test_missing_explicit_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml does not exist \(named by --config\)"):
        load_settings(CliOverrides(config_path=missing), {})
    with pytest.raises(ConfigError, match=r"named by GCTUI_CONFIG"):
        load_settings(CliOverrides(), {"GCTUI_CONFIG": str(missing)})


def test_missing_default_file_is_fine_and_env_alone_configures(tmp_path: Path) -> None:
    settings = load_settings(CliOverrides(), {})
    assert settings == Settings() and settings.source_path is None
    env = {
        "GENESYSCLOUD_REGION": "us-west-2",
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET,
    }
    resolved = load(CliOverrides(), env)
    assert resolved.name == "default"
    assert resolved.options.region.api_base == "https://api.usw2.pure.cloud"
    assert resolved.options.client_id == "env-id"


def test_gctui_config_env_and_config_flag_wins(tmp_path: Path) -> None:
    env_file = write(tmp_path, '[profiles.fromenv]\nregion = "eu-west-1"\n', "env.toml")
    flag_file = write(tmp_path, '[profiles.fromflag]\nregion = "eu-west-1"\n', "flag.toml")
    env = {"GCTUI_CONFIG": str(env_file)}
    assert list(load_settings(CliOverrides(), env).profiles) == ["fromenv"]
    assert list(load_settings(CliOverrides(config_path=flag_file), env).profiles) == ["fromflag"]


def test_os_environ_is_not_read_when_env_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENESYSCLOUD_REGION", "eu-west-1")
    with pytest.raises(ConfigError, match="no region configured"):
        load(CliOverrides(), {}, require_credentials=False)
    assert load(CliOverrides(), None, require_credentials=False).options.region.name == "eu_west_1"


# --------------------------------------------------------------------------------------- layering
def test_env_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI)
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET,
        "GENESYSCLOUD_REGION": "ap-southeast-2",
    }
    opts = load(CliOverrides(config_path=path), env).options
    assert opts.client_id == "env-id"
    assert opts.client_secret is not None and opts.client_secret.reveal() == SECRET
    assert opts.region.name == "ap_southeast_2"


def test_cli_overrides_env(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI.replace("read_only = true", "read_only = false"))
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "env-id", "GENESYSCLOUD_REGION": "ap-southeast-2"}
    overrides = CliOverrides(config_path=path, client_id="flag-id", region="eu_central_1", read_only=True)
    opts = load(overrides, env).options
    assert opts.client_id == "flag-id"
    assert opts.region.name == "eu_central_1"
    assert opts.read_only is True
    # --api-url beats everything, GENESYSCLOUD_API_URL included.
    env["GENESYSCLOUD_API_URL"] = "https://env-proxy.example"
    opts = load(dataclasses.replace(overrides, api_url="http://127.0.0.1:9000/"), env).options
    assert opts.region.api_base == "http://127.0.0.1:9000"


def test_empty_env_values_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI)
    opts = load(
        CliOverrides(config_path=path), {"GENESYSCLOUD_OAUTHCLIENT_ID": "", "GENESYSCLOUD_REGION": " "}
    )
    assert opts.options.client_id == "prod-id" and opts.options.region.name == "eu_west_1"


@pytest.mark.parametrize(
    ("value", "name", "api_base"),
    [
        ("us_east_1", "us_east_1", "https://api.mypurecloud.com"),
        ("us-east-1", "us_east_1", "https://api.mypurecloud.com"),
        ("US-WEST-2", "us_west_2", "https://api.usw2.pure.cloud"),
        ("mypurecloud.com", "us_east_1", "https://api.mypurecloud.com"),
        ("api.mypurecloud.ie", "eu_west_1", "https://api.mypurecloud.ie"),
        ("https://api.mypurecloud.de/", "eu_central_1", "https://api.mypurecloud.de"),
        ("http://127.0.0.1:8765", "custom", "http://127.0.0.1:8765"),
    ],
)
@pytest.mark.parametrize("layer", ["file", "env", "flag"])
def test_every_region_form(tmp_path: Path, layer: str, value: str, name: str, api_base: str) -> None:
    file_region = f'region = "{value}"' if layer == "file" else ""
    path = write(tmp_path, f"[profiles.p]\n{file_region}\n")
    env = {"GENESYSCLOUD_REGION": value} if layer == "env" else {}
    overrides = CliOverrides(config_path=path, region=value if layer == "flag" else None)
    region = load(overrides, env, require_credentials=False).options.region
    assert (region.name, region.api_base) == (name, api_base)


def test_api_url_wins_over_region_in_each_layer(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.p]\nregion = "eu-west-1"\napi_url = "https://proxy.example/gc/"\n')
    region = load(CliOverrides(config_path=path), {}, require_credentials=False).options.region
    assert region.api_base == "https://proxy.example/gc"
    assert region.login_base == "https://proxy.example/gc"

    env = {"GENESYSCLOUD_REGION": "us-east-1", "GENESYSCLOUD_API_URL": "https://api.mypurecloud.jp"}
    region = load(CliOverrides(config_path=path), env, require_credentials=False).options.region
    assert (region.name, region.login_base) == ("ap_northeast_1", "https://login.mypurecloud.jp")

    # A higher layer's region beats a lower layer's api_url.
    resolved = load(CliOverrides(config_path=path, region="eu-west-2"), env, require_credentials=False)
    assert resolved.options.region.name == "eu_west_2"


@pytest.mark.parametrize(
    ("toml", "env", "overrides", "source"),
    [
        ('region = "mars-1"', {}, {}, "profiles.p.region"),
        ("", {"GENESYSCLOUD_REGION": "mars-1"}, {}, "GENESYSCLOUD_REGION"),
        ("", {}, {"region": "mars-1"}, "--region"),
    ],
)
def test_unknown_region_lists_valid_names(
    tmp_path: Path, toml: str, env: dict[str, str], overrides: dict[str, Any], source: str
) -> None:
    path = write(tmp_path, f"[profiles.p]\n{toml}\n")
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path, **overrides), env, require_credentials=False)
    text = str(info.value)
    assert source in text and "mars-1" in text
    assert all(name in text for name in valid_region_names())


@pytest.mark.parametrize(
    ("env", "overrides", "source"),
    [
        ({"GENESYSCLOUD_API_URL": "mypurecloud.ie"}, {}, "GENESYSCLOUD_API_URL"),
        ({}, {"api_url": "ftp://x"}, "--api-url"),
    ],
)
def test_api_url_must_be_a_url(
    tmp_path: Path, env: dict[str, str], overrides: dict[str, Any], source: str
) -> None:
    with pytest.raises(ConfigError, match=f"{source}: expected .*base URL"):
        load(CliOverrides(**overrides), env, require_credentials=False)


def test_no_region_message(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.prod]\nclient_id = "x"\n')
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path), {"GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET})
    assert str(info.value).startswith(
        "no region configured; set region in profile 'prod', GENESYSCLOUD_REGION or --region"
    )
    assert "gctui --demo" in str(info.value)


# ------------------------------------------------------------------------------------ credentials
def test_access_token_alone_is_enough() -> None:
    resolved = load(CliOverrides(), {"GENESYSCLOUD_ACCESS_TOKEN": TOKEN, "GENESYSCLOUD_REGION": "eu-west-1"})
    opts = resolved.options
    assert opts.access_token is not None and opts.access_token.reveal() == TOKEN
    assert opts.client_id is None and opts.client_secret is None


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "no credentials for profile 'p'"),
        ({"GENESYSCLOUD_OAUTHCLIENT_ID": "id"}, "no client secret for profile 'p'"),
        ({"GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET}, "no client id for profile 'p'"),
    ],
)
def test_missing_credentials_say_where_to_set_them(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    path = write(tmp_path, '[profiles.p]\nregion = "eu-west-1"\n')
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path), env)
    text = str(info.value)
    assert expected in text and "[profiles.p]" in text and str(path) in text
    assert_clean(info.value)
    assert load(CliOverrides(config_path=path), env, require_credentials=False).name == "p"


def test_secret_never_in_repr_or_str(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'[profiles.p]\nregion = "eu-west-1"\nclient_id = "id"\nclient_secret = "{SECRET}"\n'
        f'[health]\nalert_webhook = "https://hooks.example/{SECRET}"\n',
    )
    settings = load_settings(CliOverrides(config_path=path), {})
    resolved = resolve_profile(settings, CliOverrides(), {"GENESYSCLOUD_ACCESS_TOKEN": TOKEN})
    assert resolved.options.client_secret is not None and resolved.options.client_secret.reveal() == SECRET
    for text in (repr(resolved), str(resolved), str(resolved.options), repr(settings), str(settings)):
        assert SECRET not in text and TOKEN not in text
    assert settings.health.alert_webhook.get_secret_value() == f"https://hooks.example/{SECRET}"


# --------------------------------------------------------------------------------------------- CLI
def test_overrides_from_args() -> None:
    args = argparse.Namespace(
        config="~/gc.toml", profile="prod", read_only=None, region="eu-west-1", api_url=None, client_id="id"
    )
    ov = overrides_from_args(args)
    assert ov.config_path == Path("~/gc.toml").expanduser()
    assert (ov.profile, ov.read_only, ov.region, ov.api_url, ov.client_id) == (
        "prod",
        None,
        "eu-west-1",
        None,
        "id",
    )
    assert overrides_from_args(argparse.Namespace()) == CliOverrides()


# ----------------------------------------------------------------------------------------- example
def test_example_config_loads_cleanly() -> None:
    settings = load_settings(CliOverrides(config_path=EXAMPLE), {})
    assert settings.default_profile == "prod"
    resolved = resolve_profile(settings, CliOverrides(), {"GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET})
    assert isinstance(resolved, ResolvedProfile) and resolved.production
    for name in settings.profiles:
        resolve_profile(settings, CliOverrides(profile=name), {}, require_credentials=False)


def test_example_documents_every_key_and_true_defaults() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    from gctui.config.models import HealthConfig, ProbeConfig, ProfileConfig

    for model in (Settings, ProfileConfig, HealthConfig, ProbeConfig):
        for key in model.model_fields:
            pattern = rf"^#?\s*({key}\s*=|\[{key}[.\]]|\[\[\w+\.{key}\]\])"
            assert re.search(pattern, text, re.MULTILINE), f"{model.__name__}.{key} undocumented"
    # The commented tuning defaults are the real ClientOptions defaults.
    defaults = {f.name: f.default for f in dataclasses.fields(ClientOptions)}
    commented = re.findall(r"^# (\w+) = ([0-9.]+)\s", text, re.MULTILINE)
    assert len(commented) >= 10
    for key, value in commented:
        assert tomllib.loads(f"v = {value}")["v"] == defaults[key], key
