"""Issue 8, items 3-5 and 8 as a user meets them: `gctui … config check` with bad input exits 2
with one `gctui:` line, never echoes a secret and sends nothing; server text is printed clean."""

from __future__ import annotations

import json

import pytest
import respx

from gctui.cli.main import main
from tests.genesys.conftest import API, CLIENT_SECRET, LOGIN

CREDS = {"GENESYSCLOUD_OAUTHCLIENT_ID": "cid", "GENESYSCLOUD_OAUTHCLIENT_SECRET": CLIENT_SECRET}
PASSWORD = "PASSWORD-in-url-9c1d"
BAD_TOKEN_NON_ASCII = "t\u00f6k\u00e9n-NOT-ECHOED"


def _run(argv: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, int]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with respx.mock(assert_all_called=False) as router:
        anything = router.route().respond(200, json={})
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err, anything.call_count


def _assert_usage_error(code: int, out: str, err: str, sent: int, *secrets: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("gctui: ") and err.count("\n") == 1, err
    assert "unexpected" not in err and "Traceback" not in err
    for secret in secrets:
        assert secret not in err
    assert sent == 0, "a request was sent"


@pytest.mark.parametrize(
    ("argv", "env", "expect"),
    [
        (["--api-url", "http://127.0.0.1:99999"], CREDS, "invalid port '99999' (allowed: 1-65535)"),
        (["--api-url", "http://127.0.0.1:18765 x"], CREDS, "contains a space or a control character"),
        (["--api-url", "https://\u2603.example.com"], CREDS, "invalid host"),
        (["--api-url", "https://xn--.example.com"], CREDS, "invalid host"),
        ([], {**CREDS, "GENESYSCLOUD_REGION": "http://api.mypurecloud.ie"}, "only allowed for loopback"),
        ([], {**CREDS, "GENESYSCLOUD_API_URL": "https://login.mypurecloud.ie"}, "is a login host"),
        (["--region", "https://api.mypurecloud.ie/api/v2/"], CREDS, "ends in /api/v2"),
    ],
)
@pytest.mark.parametrize("command", [["config", "check"], ["health", "--json"]])
def test_bad_urls_exit_2_with_one_line_and_send_nothing(
    argv: list[str], env: dict[str, str], expect: str, command: list[str],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err, sent = _run([*argv, *command], env, monkeypatch, capsys)
    _assert_usage_error(code, out, err, sent, CLIENT_SECRET)
    assert expect in err


@pytest.mark.parametrize("command", [["config", "check"], ["health", "--json"]])
def test_a_password_in_the_api_url_is_refused_and_never_printed(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--api-url", f"http://u:{PASSWORD}@127.0.0.1:8765", *command]
    code, out, err, sent = _run(argv, CREDS, monkeypatch, capsys)
    _assert_usage_error(code, out, err, sent, PASSWORD, CLIENT_SECRET)
    assert "http://***@127.0.0.1:8765" in err


@pytest.mark.parametrize(
    ("env", "argv", "secret"),
    [
        ({"GENESYSCLOUD_ACCESS_TOKEN": BAD_TOKEN_NON_ASCII}, [], BAD_TOKEN_NON_ASCII),
        ({"GENESYSCLOUD_ACCESS_TOKEN": "tok\nen-NOT-ECHOED"}, [], "en-NOT-ECHOED"),
        ({**CREDS, "GENESYSCLOUD_OAUTHCLIENT_SECRET": "sec\x01ret-NOT-ECHOED"}, [], "ret-NOT-ECHOED"),
        ({**CREDS, "GENESYSCLOUD_OAUTHCLIENT_ID": "id\nNOT-ECHOED"}, [], "NOT-ECHOED"),
        ({"GENESYSCLOUD_OAUTHCLIENT_SECRET": CLIENT_SECRET}, ["--client-id", "id\x1b[2JNOT-ECHOED"], "NOT-ECHOED"),
    ],
)
def test_credentials_with_control_or_non_ascii_characters_exit_2(
    env: dict[str, str], argv: list[str], secret: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"GENESYSCLOUD_REGION": "eu-west-1", **env}
    code, out, err, sent = _run([*argv, "config", "check"], env, monkeypatch, capsys)
    _assert_usage_error(code, out, err, sent, secret, CLIENT_SECRET)


HOSTILE = "Acme\x1b]0;pwned\x07\x1b[2J"


def _hostile_org(router: respx.MockRouter) -> None:
    router.post(f"{LOGIN}/oauth/token").respond(
        200, json={"access_token": "BEARER-XYZ", "token_type": "bearer", "expires_in": 86400}
    )
    router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").respond(200, json={"entities": []})
    router.get(f"{API}/api/v2/organizations/me").respond(200, json={"id": "org\x1b[31m-1", "name": HOSTILE})


@respx.mock(assert_all_called=False)
def test_config_check_prints_the_org_name_with_control_characters_escaped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], respx_mock: respx.MockRouter
) -> None:
    for key, value in {**CREDS, "GENESYSCLOUD_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    _hostile_org(respx_mock)
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Acme\\x1b]0;pwned\\x07\\x1b[2J  (org\\x1b[31m-1)" in out


@respx.mock(assert_all_called=False)
def test_config_check_json_keeps_the_raw_name_escaped_by_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], respx_mock: respx.MockRouter
) -> None:
    for key, value in {**CREDS, "GENESYSCLOUD_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    _hostile_org(respx_mock)
    assert main(["config", "check", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and json.loads(out)["org"]["name"] == HOSTILE


@respx.mock(assert_all_called=False)
def test_config_check_failure_line_is_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], respx_mock: respx.MockRouter
) -> None:
    for key, value in {**CREDS, "GENESYSCLOUD_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    respx_mock.post(f"{LOGIN}/oauth/token").respond(
        400, json={"error": "invalid_request", "error_description": "bad\x1b[2J\x07 request"}
    )
    assert main(["config", "check"]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out + captured.err
    assert captured.err.startswith("gctui: config check failed: login failed: 400 invalid_request")
