import pytest

from gctui.genesys.regions import UnknownRegionError, login_base_for, resolve_region
from gctui.genesys.secrets import Secret


@pytest.mark.parametrize(
    ("value", "name", "api", "login"),
    [
        ("us_east_1", "us_east_1", "https://api.mypurecloud.com", "https://login.mypurecloud.com"),
        ("eu-west-1", "eu_west_1", "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"),
        ("mypurecloud.de", "eu_central_1", "https://api.mypurecloud.de", "https://login.mypurecloud.de"),
        ("api.usw2.pure.cloud", "us_west_2", "https://api.usw2.pure.cloud", "https://login.usw2.pure.cloud"),
        (
            "https://api.mypurecloud.com.au/",
            "ap_southeast_2",
            "https://api.mypurecloud.com.au",
            "https://login.mypurecloud.com.au",
        ),
        ("http://127.0.0.1:8123", "custom", "http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        (
            "https://api.proxy.example.com",
            "custom",
            "https://api.proxy.example.com",
            "https://login.proxy.example.com",
        ),
    ],
)
def test_region_forms_resolve_to_real_hosts(value: str, name: str, api: str, login: str) -> None:
    region = resolve_region(value)
    assert (region.name, region.api_base, region.login_base) == (name, api, login)


def test_unknown_region_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownRegionError) as info:
        resolve_region("mars_north_1")
    message = str(info.value)
    assert "mars_north_1" in message and "eu_west_1" in message and "ap_northeast_3" in message


def test_login_host_derivation_matches_the_sdk() -> None:
    assert login_base_for("https://api.euw2.pure.cloud") == "https://login.euw2.pure.cloud"
    assert login_base_for("http://localhost:9000/") == "http://localhost:9000"


def test_secret_never_shows_its_value() -> None:
    s = Secret("hunter2-very-secret")
    shown = [str(s), repr(s), f"{s}", f"{s!r}", str([s]), str({"k": s})]
    assert all("hunter2" not in x for x in shown)
    assert s.reveal() == "hunter2-very-secret"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(s)
