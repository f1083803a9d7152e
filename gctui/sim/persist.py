"""``--state FILE``: persist the org's changes (edited actions) as JSON so they survive a restart.

The generated org is a pure function of the seed, so only edited actions are stored, keyed by
id, together with the seed and sizes they apply to (a file for another org is ignored). The
webhook receiver's deliveries are kept under ``webhooks`` whatever the org (``load_webhooks``,
``save_webhooks``); each writer keeps the other's part.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from gctui.sim.org import Org

FORMAT = 1
_WRITE_LOCK = threading.Lock()  # the action and webhook writers share the file


def _signature(org: Org) -> dict[str, int]:
    c = org.config
    return {"seed": c.seed, "actions": c.actions, "flows": c.flows, "queues": c.queues, "edges": c.edges}


def load_state(org: Org, path: Path) -> int:
    """Apply saved action edits; return how many were applied."""
    if not path.exists():
        return 0
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read state file {path}: {exc}") from exc
    if data.get("format") != FORMAT or data.get("org") != _signature(org):
        return 0
    applied = 0
    for action_id, saved in data.get("actions", {}).items():
        current = org.action_by_id.get(action_id)
        if current is not None:
            current.update(saved)
            applied += 1
    return applied


def save_state(org: Org, path: Path, edited: dict[str, dict[str, Any]]) -> None:
    """Merge ``edited`` actions into the state file atomically."""
    data: dict[str, Any] = {"format": FORMAT, "org": _signature(org), "actions": {}}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("org") == data["org"]:
                data["actions"] = old.get("actions", {})
        except (OSError, ValueError):
            pass
    data["actions"].update(edited)
    _write(path, data, keep=("webhooks",))


def _write(path: Path, data: dict[str, Any], keep: tuple[str, ...]) -> None:
    """Write ``data`` atomically, keeping the file's ``keep`` parts (the other writer's)."""
    with _WRITE_LOCK:
        if path.exists():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            for k in keep:
                if isinstance(old, dict) and k in old and k not in data:
                    data[k] = old[k]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sim-state-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)


def load_webhooks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The webhook deliveries saved in the state file, by receiver name ({} if none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    hooks = data.get("webhooks") if isinstance(data, dict) else None
    if not isinstance(hooks, dict):
        return {}
    return {str(k): [e for e in v if isinstance(e, dict)] for k, v in hooks.items() if isinstance(v, list)}


def save_webhooks(path: Path, deliveries: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the state file's webhook deliveries, keeping its action edits."""
    _write(path, {"format": FORMAT, "webhooks": deliveries}, keep=("org", "actions"))
