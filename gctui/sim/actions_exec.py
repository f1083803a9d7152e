"""Simulated execution of a data action: sample its backend latency, compare with its timeout.

Each invocation draws the n-th deterministic sample of the action's log-normal latency, so the
same seed replays the same sequence of successes and timeouts.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from gctui.sim.det import normal_quantile, str_key, unit
from gctui.sim.errors import error_body
from gctui.sim.runtime import SimRuntime


@dataclass
class Outcome:
    latency_ms: int
    timeout_s: int
    timed_out: bool
    remote_error: bool

    @property
    def success(self) -> bool:
        return not (self.timed_out or self.remote_error)


async def invoke(rt: SimRuntime, action: dict[str, Any]) -> Outcome:
    org = rt.org
    prof = org.action_profiles[action["id"]]
    with org.lock:
        n = org.test_counter.get(action["id"], 0)
        org.test_counter[action["id"]] = n + 1
    key = str_key(action["id"])
    u = min(max(unit(rt.config.seed, key, n), 1e-9), 1 - 1e-9)
    latency = prof.median_ms * math.exp(prof.sigma * normal_quantile(u))
    timeout_s = org.effective_timeout_s(action)
    timed_out = latency > timeout_s * 1000
    remote_error = not timed_out and unit(rt.config.seed, key, n, 7) < prof.error_rate
    spent = min(latency, timeout_s * 1000.0)
    await asyncio.sleep(min(spent / 1000.0 * rt.config.time_scale, rt.config.max_sleep_s))
    return Outcome(int(latency), timeout_s, timed_out, remote_error)


def outcome_error(rt: SimRuntime, out: Outcome, context_id: str) -> dict[str, Any] | None:
    cfg = rt.config
    if out.timed_out:
        return error_body(
            cfg.action_timeout_status,
            cfg.action_timeout_code,
            f"The data action timed out after {out.timeout_s} seconds",
            context_id,
        )
    if out.remote_error:
        return error_body(502, "remote.endpoint.error", "The remote endpoint returned HTTP 500", context_id)
    return None


def final_result(action: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    return {"status": "OK", "value": f"{action['name']} result for {inputs.get('id', '')}".strip()}


def _resolve(template: str, inputs: dict[str, Any]) -> str:
    return re.sub(r"\$\{input\.([A-Za-z0-9_]+)\}", lambda m: str(inputs.get(m.group(1), "")), template)


def test_result(
    rt: SimRuntime, action: dict[str, Any], inputs: dict[str, Any], out: Outcome, context_id: str
) -> dict[str, Any]:
    """``TestExecutionResult`` with per-step operations (step names unverified).

    The execute step reports the simulated backend latency; it fails with the timeout ErrorBody
    when that latency exceeds the action's effective ``timeoutSeconds``."""
    request = action.get("config", {}).get("request", {})
    ops: list[dict[str, Any]] = [
        {
            "step": 1,
            "name": "Resolve request URL template",
            "success": True,
            "result": _resolve(request.get("requestUrlTemplate", ""), inputs),
        },
        {
            "step": 2,
            "name": "Resolve request body template",
            "success": True,
            "result": json.dumps(inputs, sort_keys=True),
        },
    ]
    err = outcome_error(rt, out, context_id)
    if err is not None:
        ops.append({"step": 3, "name": "Execute HTTP request", "success": False, "error": err})
        return {"operations": ops, "error": err, "success": False}
    result = final_result(action, inputs)
    ops += [
        {
            "step": 3,
            "name": "Execute HTTP request",
            "success": True,
            "result": {"status": 200, "latencyMs": out.latency_ms, "timeoutSeconds": out.timeout_s},
        },
        {"step": 4, "name": "Resolve translation map", "success": True, "result": result},
        {"step": 5, "name": "Execute success template", "success": True, "result": result},
    ]
    return {"operations": ops, "finalResult": result, "success": True}
