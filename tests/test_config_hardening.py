"""Issue 8, items 3-5 at config load: URLs with credentials, plain http to real hosts, login
hosts and /api/v2 suffixes as the API base, unusable ports and hosts, and credentials no HTTP
request can carry. Each is a ConfigError (exit 2) naming the source and never the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from gctui.config import CliOverrides, ConfigError, load
from gctui.errors import EXIT_USAGE

PASSWORD = "PASSWORD-never-shown-42"
CREDS = {"GENESYSCLOUD_OAUTHCLIENT_ID": "cid", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "csecret"}


def _load_error(env: dict[str, str] | None = None, *, toml: str | None = None, tmp_path: Path | None = None,
                **flags: str) -> ConfigError:
    path = None
    if toml is not None:
        assert tmp_path is not None
        path = tmp_path / "config.toml"
        path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path, **flags), env={**CREDS, **(env or {})})  # type: ignore[arg-type]
    assert info.value.code == EXIT_USAGE
    assert "\n" not in info.value.message
    return info.value


URL_WITH_PASSWORD = f"http://alice:{PASSWORD}@127.0.0.1:8765"


@pytest.mark.parametrize(
    ("env", "flags", "source"),
    [
        ({}, {"api_url": URL_WITH_PASSWORD}, "--api-url"),
        ({}, {"region": URL_WITH_PASSWORD}, "--region"),
        ({"GENESYSCLOUD_API_URL": URL_WITH_PASSWORD}, {}, "GENESYSCLOUD_API_URL"),
        ({"GENESYSCLOUD_REGION": URL_WITH_PASSWORD}, {}, "GENESYSCLOUD_REGION"),
    ],
)
def test_credentials_in_an_api_url_are_refused_and_not_shown(
    env: dict[str, str], flags: dict[str, str], source: str
) -> None:
    err = _load_error(env, **flags)
    assert err.message.startswith(f"{source}: http://***@127.0.0.1:8765 contains credentials")
    assert PASSWORD not in err.message and "alice" not in err.message


@pytest.mark.parametrize("key", ["api_url", "region"])
def test_credentials_in_a_config_file_url_are_refused(tmp_path: Path, key: str) -> None:
    err = _load_error(toml=f'[profiles.p]\n{key} = "{URL_WITH_PASSWORD}"\n', tmp_path=tmp_path)
    assert f"profiles.p.{key}" in err.message and "***@127.0.0.1:8765" in err.message
    assert PASSWORD not in err.message


def test_credentials_in_the_webhook_url_are_refused_without_echoing_it(tmp_path: Path) -> None:
    toml = f'[profiles.p]\nregion = "eu-west-1"\n[health]\nalert_webhook = "https://u:{PASSWORD}@hooks.example.com/T0K3N"\n'
    err = _load_error(toml=toml, tmp_path=tmp_path)
    assert "health.alert_webhook" in err.message and "credentials" in err.message
    assert PASSWORD not in err.message and "T0K3N" not in err.message and "hooks.example" not in err.message


@pytest.mark.parametrize(
    ("env", "flags"),
    [
        ({"GENESYSCLOUD_REGION": "http://api.mypurecloud.ie"}, {}),
        ({"GENESYSCLOUD_API_URL": "http://proxy.example.com:8080"}, {}),
        ({}, {"api_url": "http://10.0.0.5:8765"}),
        ({}, {"region": "http://128.0.0.1"}),
    ],
)
def test_plain_http_is_only_for_loopback(env: dict[str, str], flags: dict[str, str]) -> None:
    err = _load_error(env, **flags)
    assert "plain http:// is only allowed for loopback" in err.message and "https://" in err.message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://127.5.6.7:1", "http://localhost:8765", "http://[::1]:8765"]
)
def test_loopback_may_use_http(url: str) -> None:
    assert load(CliOverrides(api_url=url), env=CREDS).options.region.api_base == url


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("https://login.mypurecloud.ie", "is a login host; give the API host (https://api.mypurecloud.ie)"),
        ("https://api.mypurecloud.ie/api/v2", "ends in /api/v2; give the base URL without it (https://api.mypurecloud.ie)"),
        ("https://api.mypurecloud.ie/api/v2/", "ends in /api/v2; give the base URL without it (https://api.mypurecloud.ie)"),
        ("https://proxy.example.com/gc/api/v2/", "without it (https://proxy.example.com/gc)"),
    ],
)
@pytest.mark.parametrize("source", ["--api-url", "GENESYSCLOUD_REGION"])
def test_a_login_host_or_an_api_v2_suffix_is_never_doubled(value: str, fix: str, source: str) -> None:
    flags = {"api_url": value} if source == "--api-url" else {}
    env = {"GENESYSCLOUD_REGION": value} if source != "--api-url" else {}
    err = _load_error(env, **flags)
    assert err.message.startswith(f"{source}: ") and fix in err.message


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("http://127.0.0.1:99999", "invalid port '99999' (allowed: 1-65535)"),
        ("http://127.0.0.1:0", "invalid port '0'"),
        ("http://127.0.0.1:18765 x", "contains a space or a control character"),
        ("http://\u2603.com", "invalid host '\u2603.com'"),
        ("https://xn--a.com", "invalid host 'xn--a.com'"),
        ("https://a..example.com", "invalid host"),
        ("https://api.mypurecloud.ie/?x=1", "no query string or fragment"),
    ],
)
def test_unusable_urls_say_what_is_wrong(url: str, what: str) -> None:
    err = _load_error(api_url=url)
    assert err.message.startswith("--api-url: ") and what in err.message


@pytest.mark.parametrize(
    ("env", "flags", "source"),
    [
        ({"GENESYSCLOUD_OAUTHCLIENT_ID": "c\nid"}, {}, "GENESYSCLOUD_OAUTHCLIENT_ID: the client id"),
        ({}, {"client_id": "c\x1bid"}, "--client-id: the client id"),
        ({"GENESYSCLOUD_OAUTHCLIENT_SECRET": "sec\nret-VALUE"}, {}, "GENESYSCLOUD_OAUTHCLIENT_SECRET: the client secret"),
        ({"GENESYSCLOUD_ACCESS_TOKEN": "tok\r\nX-Evil: 1"}, {}, "GENESYSCLOUD_ACCESS_TOKEN: the access token"),
        ({"GENESYSCLOUD_ACCESS_TOKEN": "tok\u00e9n-VALUE"}, {}, "GENESYSCLOUD_ACCESS_TOKEN: the access token must be printable ASCII"),
        ({"GENESYSCLOUD_ACCESS_TOKEN": "tok en"}, {}, "GENESYSCLOUD_ACCESS_TOKEN: the access token must be printable ASCII"),
    ],
)
def test_credentials_no_request_can_carry_are_refused(
    env: dict[str, str], flags: dict[str, str], source: str
) -> None:
    err = _load_error({"GENESYSCLOUD_REGION": "eu-west-1", **env}, **flags)
    assert err.message.startswith(source)
    for value in (*env.values(), *flags.values()):
        assert value not in err.message


def test_a_control_character_in_the_file_secret_names_the_key(tmp_path: Path) -> None:
    toml = '[profiles.p]\nregion = "eu-west-1"\nclient_id = "cid"\nclient_secret = "a\\u0007b"\n'
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(CliOverrides(config_path=path), env={})
    assert "profiles.p.client_secret: the client secret contains a control character" in info.value.message


def test_a_colon_in_the_client_id_is_refused() -> None:
    err = _load_error({"GENESYSCLOUD_REGION": "eu-west-1", "GENESYSCLOUD_OAUTHCLIENT_ID": "a:b"})
    assert "cannot contain ':'" in err.message


@pytest.mark.parametrize(
    "hook",
    [
        "https://api.mypurecloud.ie/api/v2/integrations/actions/a1/execute",
        "https://login.mypurecloud.ie/oauth/token",
        "https://apps.mypurecloud.ie/x",
    ],
)
def test_the_alert_webhook_may_not_point_at_the_org(tmp_path: Path, hook: str) -> None:
    toml = f'[profiles.p]\nregion = "eu-west-1"\n[health]\nalert_webhook = "{hook}"\n'
    err = _load_error(toml=toml, tmp_path=tmp_path)
    assert "alert_webhook points at Genesys Cloud" in err.message and hook not in err.message


def test_the_alert_webhook_may_not_point_at_a_custom_api_base(tmp_path: Path) -> None:
    toml = '[profiles.p]\napi_url = "http://127.0.0.1:8765"\n[health]\nalert_webhook = "http://127.0.0.1:8765/hook"\n'
    err = _load_error(toml=toml, tmp_path=tmp_path)
    assert "alert_webhook points at Genesys Cloud" in err.message


def test_the_users_own_webhook_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.p]\napi_url = "http://127.0.0.1:8765"\nread_only = true\n'
        '[health]\nalert_webhook = "http://127.0.0.1:9000/hook"\n',
        encoding="utf-8",
    )
    resolved = load(CliOverrides(config_path=path), env=CREDS)
    assert resolved.options.read_only
    assert resolved.health.alert_webhook.get_secret_value() == "http://127.0.0.1:9000/hook"
