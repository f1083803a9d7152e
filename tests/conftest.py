"""Every test runs with its own XDG dirs: nothing a test does reaches the user's real config,
data, cache or state dir (crash logs, history, exports included)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_xdg_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = root / name.removeprefix("XDG_").removesuffix("_HOME").lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    for name in (
        "GENESYSCLOUD_REGION",
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "GENESYSCLOUD_ACCESS_TOKEN",
        "GENESYSCLOUD_API_URL",
        "GCTUI_CONFIG",
        "GCTUI_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    return root
