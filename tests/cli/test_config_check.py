"""`gctui config check` as a user runs it: exit codes, output, no secrets, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from gctui.cli.main import main
from tests.genesys.conftest import API, CLIENT_SECRET, LOGIN

ENV = {
    "GENESYSCLOUD_REGION": "eu-west-1",
    "GENESYSCLOUD_OAUTHCLIENT_ID": "cid",
    "GENESYSCLOUD_OAUTHCLIENT_SECRET": CLIENT_SECRET,
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(__import__("os").environ):
        if key.startswith(("GENESYSCLOUD_", "GCTUI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GCTUI_CONFIG", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)


def _mock_org(router: respx.MockRouter) -> None:
    router.post(f"{LOGIN}/oauth/token").respond(
        200, json={"access_token": "BEARER-XYZ", "token_type": "bearer", "expires_in": 86400}
    )
    router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").respond(
        200, json={"entities": [{"key": "client.credentials.token.rate.per.minute", "value": 600}]}
    )
    router.get(f"{API}/api/v2/organizations/me").respond(200, json={"id": "org-1", "name": "Acme EU"})


@respx.mock(assert_all_called=False)
def test_check_prints_org_region_token_and_budget(env: None, capsys: pytest.CaptureFixture[str],
                                                  respx_mock: respx.MockRouter) -> None:
    _mock_org(respx_mock)
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "Acme EU" in out and "eu_west_1" in out and "https://api.mypurecloud.ie" in out
    assert "expires in 23h59m" in out or "expires in 24h00m" in out
    assert "600 per 1m (limits API)" in out
    assert CLIENT_SECRET not in out and "BEARER-XYZ" not in out


@respx.mock(assert_all_called=False)
def test_check_json(env: None, capsys: pytest.CaptureFixture[str], respx_mock: respx.MockRouter) -> None:
    _mock_org(respx_mock)
    assert main(["config", "check", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["org"] == {"id": "org-1", "name": "Acme EU", "state": None}
    assert doc["rateLimit"]["limit"] == 600 and doc["token"]["expiresInSeconds"] > 86000
    assert CLIENT_SECRET not in json.dumps(doc)


@respx.mock(assert_all_called=False)
def test_bad_credentials_exit_1_with_one_line(env: None, capsys: pytest.CaptureFixture[str],
                                              respx_mock: respx.MockRouter) -> None:
    respx_mock.post(f"{LOGIN}/oauth/token").respond(
        401, json={"error": "invalid_client", "error_description": "authentication failed"})
    respx_mock.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").respond(200, json={})
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gctui: config check failed: login failed: 401 invalid_client")
    assert "Traceback" not in err and CLIENT_SECRET not in err


def test_unknown_region_is_a_usage_error(env: None, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GENESYSCLOUD_REGION", "atlantis")
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert "unknown region 'atlantis'" in err and "eu_west_1" in err


def test_bad_config_file_names_file_and_key(env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[profiles.prod]\nregion = "eu-west-1"\nreadonly = true\n')
    assert main(["--config", str(cfg), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert str(cfg) in err and "profiles.prod.readonly" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("gctui ")


def test_unreachable_login_host(env: None, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GENESYSCLOUD_REGION", "http://127.0.0.1:9")
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").mock(side_effect=httpx.ConnectError("refused"))
        assert main(["config", "check", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and "cannot reach http://127.0.0.1:9/oauth/token" in doc["error"]


def test_demo_never_sends_alerts_to_the_configured_webhook(tmp_path: Path) -> None:
    from gctui.cli.profile import demo_profile
    from gctui.config import CliOverrides

    cfg = tmp_path / "c.toml"
    cfg.write_text('[health]\nalert_webhook = "https://hooks.example.com/real-oncall"\n')
    with demo_profile(CliOverrides(config_path=cfg)) as profile:
        assert profile.health.alert_webhook.get_secret_value() == ""
        assert profile.options.region.api_base.startswith("http://127.0.0.1:")
