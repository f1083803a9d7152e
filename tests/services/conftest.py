"""Fixtures shared by the health tests: a respx-mocked org and a session on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from gctui.genesys.session import Session
from tests.genesys.conftest import make_options
from tests.services.test_health_support import FakeOrg


@pytest.fixture
def org() -> Iterator[FakeOrg]:
    with respx.mock(assert_all_called=False) as router:
        yield FakeOrg(router)


@pytest.fixture
async def session(org: FakeOrg) -> AsyncIterator[Session]:
    s = Session.create(make_options())
    yield s
    await s.close()
