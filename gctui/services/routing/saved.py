"""Weights saved per profile by the Routing tab.

The project has no TOML writer (no tomlkit/tomli-w), and rewriting the user's commented
config.toml by hand would lose its comments, so the saved weights live in a small JSON file
beside it, ``routing-weights.json`` in the config dir (``{profile: {weights, directions}}``),
replaced atomically (temp file 0600 + ``os.replace``). ``[routing]`` in config.toml stays the
default; a profile's saved weights win over it; "reset" forgets them."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from gctui.config.routing import KPI_HIGHER_IS_BETTER, RoutingConfig, check_weights
from gctui.files import FILE_MODE, private_dir

if TYPE_CHECKING:
    from gctui.services.routing.score import ScoreSettings

APP_NAME = "gctui"


def default_weights_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "routing-weights.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_saved(profile: str, path: Path | None = None) -> tuple[dict[str, float], dict[str, bool]] | None:
    """The profile's saved (weights, higher-is-better), or None (nothing valid saved)."""
    entry = _read(path or default_weights_path()).get(profile)
    if not isinstance(entry, dict):
        return None
    try:
        weights = check_weights(dict(entry.get("weights", {})))
    except (ValueError, TypeError):
        return None
    raw_dirs = entry.get("directions", {})
    directions = {
        k: v == "higher"
        for k, v in (raw_dirs.items() if isinstance(raw_dirs, dict) else ())
        if k in KPI_HIGHER_IS_BETTER and v in ("higher", "lower")
    }
    return weights, directions


def _write(path: Path, data: dict[str, Any]) -> None:
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".routing-weights.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(profile: str, weights: dict[str, float], higher: dict[str, bool], path: Path | None = None) -> Path:
    path = path or default_weights_path()
    data = _read(path)
    data[profile] = {
        "weights": check_weights(dict(weights)),
        "directions": {k: "higher" if v else "lower" for k, v in higher.items() if k in KPI_HIGHER_IS_BETTER},
    }
    _write(path, data)
    return path


def forget(profile: str, path: Path | None = None) -> None:
    path = path or default_weights_path()
    data = _read(path)
    if data.pop(profile, None) is not None:
        _write(path, data)


def settings_from_config(cfg: RoutingConfig, profile: str, path: Path | None = None) -> ScoreSettings:
    """``[routing]``, then the profile's saved weights and directions (the tab's)."""
    from gctui.services.routing.score import ScoreSettings

    weights: dict[str, float] = dict(cfg.weights)
    higher = cfg.direction_map()
    saved = load_saved(profile, path)
    if saved is not None:
        weights, saved_dirs = saved
        higher.update(saved_dirs)
    return ScoreSettings(weights, higher, cfg.normalization, cfg.min_offered)


def default_settings(cfg: RoutingConfig) -> ScoreSettings:
    """``[routing]`` alone ("reset to the defaults")."""
    from gctui.services.routing.score import ScoreSettings

    return ScoreSettings(dict(cfg.weights), cfg.direction_map(), cfg.normalization, cfg.min_offered)
