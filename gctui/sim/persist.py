"""``--state FILE``: persist the org's changes (edited actions) as JSON so they survive a restart.

The generated org is a pure function of the seed, so only edited actions are stored, keyed by
id, together with the seed and sizes they apply to (a file for another org is ignored).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gctui.sim.org import Org

FORMAT = 1


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sim-state-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)
