"""respx fixtures: a mocked region with a token endpoint and a limits endpoint."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from gctui.genesys.client import GenesysClient
from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret

API = "https://api.mypurecloud.ie"
LOGIN = "https://login.mypurecloud.ie"
CLIENT_ID = "test-client-id"
CLIENT_SECRET = "s3cr3t-VALUE-never-printed"


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": f"ctx-{status}",
        "details": [],
        "errors": [],
        **extra,
    }


def make_options(**overrides: Any) -> ClientOptions:
    base = ClientOptions(
        region=resolve_region("eu_west_1"),
        client_id=CLIENT_ID,
        client_secret=Secret(CLIENT_SECRET),
        backoff_base=0.01,
        backoff_max=0.05,
        breaker_cooldown=0.5,
    )
    return dataclasses.replace(base, **overrides)


class TokenServer:
    """Counts token requests and hands out numbered tokens."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.issued = 0
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.issued += 1
        return httpx.Response(
            200,
            json={
                "access_token": f"tok-{self.issued}-SECRETBEARER",
                "token_type": "bearer",
                "expires_in": self.expires_in,
            },
        )


@pytest.fixture
def tokens() -> TokenServer:
    return TokenServer()


@pytest.fixture
def mock(tokens: TokenServer) -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{LOGIN}/oauth/token").mock(side_effect=tokens)
        router.get(f"{API}/api/v2/organizations/limits/namespaces/platform.api").mock(
            return_value=httpx.Response(
                200,
                json={
                    "entities": [
                        {
                            "key": "client.credentials.token.rate.per.minute",
                            "namespace": "platform.api",
                            "value": 300,
                        }
                    ]
                },
            )
        )
        yield router


@pytest.fixture
async def client(mock: respx.MockRouter) -> Any:
    c = GenesysClient(make_options())
    yield c
    await c.aclose()


def dumps(obj: Any) -> str:
    return json.dumps(obj)
