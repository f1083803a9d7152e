"""Data actions of the simulated org, each with a backend latency distribution.

Stories a user can find: about 6% of actions have a timeout below their backend's typical latency
(tests fail, p99 far above the timeout), another ~8% are borderline (p99 above the timeout, tests
fail now and then), and about a quarter have no ``timeoutSeconds`` (the platform default applies).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from gctui.sim.det import new_uuid

INTEGRATIONS = (
    ("Salesforce CRM", "salesforce", "https://example.my.salesforce.com/services/data/v58.0"),
    ("ServiceNow ITSM", "servicenow", "https://example.service-now.com/api/now"),
    ("Zendesk Support", "zendesk", "https://example.zendesk.com/api/v2"),
    ("Billing API", "billing", "https://billing.internal.example.com/v1"),
    ("Customer Profile Service", "profile", "https://profile.internal.example.com/api"),
    ("Order Management", "orders", "https://orders.example.com/api/v3"),
    ("Identity Verification", "idv", "https://idv.example.com/v2"),
    ("Genesys Cloud Data Actions", "gcdata", "https://api.mypurecloud.com/api/v2"),
)
VERBS = ("Get", "Lookup", "Find", "Create", "Update", "Check", "Validate", "Fetch", "Search", "Sync")
NOUNS = (
    "Customer",
    "Account",
    "Order",
    "Case",
    "Ticket",
    "Invoice",
    "Balance",
    "Contact",
    "Subscription",
    "Payment",
    "Appointment",
    "Shipment",
    "Entitlement",
    "Loyalty Points",
    "Callback",
    "Identity",
)
SUFFIX = ("by ANI", "by Email", "by Id", "Status", "Details", "History", "Summary", "", "", "")

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "Request",
    "description": "Input",
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}},
    "additionalProperties": True,
}
SUCCESS_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "Response",
    "description": "Output",
    "type": "object",
    "properties": {"status": {"type": "string"}, "value": {"type": "string"}},
    "additionalProperties": True,
}


@dataclass
class ActionProfile:
    """How the action's backend behaves: log-normal latency (median ms, sigma), error rate, volume."""

    median_ms: float
    sigma: float
    error_rate: float
    per_hour: float  # executions per hour at a flat rate

    def quantile_ms(self, z: float) -> float:
        return self.median_ms * math.exp(self.sigma * z)


def _timeout_and_profile(rng: random.Random) -> tuple[int | None, ActionProfile]:
    roll = rng.random()
    sigma = rng.uniform(0.25, 0.7)
    per_hour = rng.choice((0.0, 2.0, 10.0, 40.0, 120.0, 400.0)) * rng.uniform(0.5, 1.5)
    err = rng.choice((0.0, 0.001, 0.005, 0.01, 0.03))
    if roll < 0.06:  # timeout too low: backend is usually slower than the timeout
        timeout: int | None = rng.choice((1, 2, 3))
        median = timeout * 1000 * rng.uniform(1.1, 1.8)
    elif roll < 0.14:  # borderline: p99 above the timeout
        timeout = rng.choice((2, 3, 4, 5))
        median = timeout * 1000 * rng.uniform(0.35, 0.55)
        sigma = rng.uniform(0.6, 0.8)
    else:
        timeout = rng.choice((None, None, 5, 8, 10, 15, 20, 30, 45, 60))
        median = rng.uniform(40, 700)
    return timeout, ActionProfile(round(median, 1), round(sigma, 3), err, round(per_hour, 2))


def generate_actions(count: int, rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, ActionProfile]]:
    """Actions as ``Action`` JSON dicts (config included; listings strip it) plus their profiles."""
    integrations = [(name, slug, base, new_uuid(rng)) for name, slug, base in INTEGRATIONS]
    actions: list[dict[str, Any]] = []
    profiles: dict[str, ActionProfile] = {}
    names: set[str] = set()
    for i in range(count):
        iname, slug, base, integration_id = integrations[min(int(rng.paretovariate(1.2)) - 1, 7)]
        verb, noun, suf = rng.choice(VERBS), rng.choice(NOUNS), rng.choice(SUFFIX)
        name = " ".join(p for p in (verb, noun, suf) if p)
        if name in names:
            name = f"{name} {i}"
        names.add(name)
        action_id = f"custom_-_{new_uuid(rng)}"
        timeout, profile = _timeout_and_profile(rng)
        config: dict[str, Any] = {
            "request": {
                "requestUrlTemplate": f"{base}/{noun.lower().replace(' ', '')}/${{input.id}}",
                "requestType": "POST" if verb in ("Create", "Update", "Sync") else "GET",
                "headers": {"Content-Type": "application/json"},
                "requestTemplate": "${input.rawRequest}",
            },
            "response": {
                "translationMap": {"status": "$.status", "value": "$.value"},
                "translationMapDefaults": {"status": '"UNKNOWN"'},
                "successTemplate": '{"status": ${status}, "value": ${value}}',
            },
        }
        if timeout is not None:
            config["timeoutSeconds"] = timeout
        actions.append(
            {
                "id": action_id,
                "name": name,
                "integrationId": integration_id,
                "category": iname,
                "contract": {
                    "input": {"inputSchema": INPUT_SCHEMA},
                    "output": {"successSchema": SUCCESS_SCHEMA},
                },
                "version": rng.randint(1, 9),
                "secure": slug == "idv",
                "config": config,
                "selfUri": f"/api/v2/integrations/actions/{action_id}",
            }
        )
        profiles[action_id] = profile
    return actions, profiles


def public_action(action: dict[str, Any], include_config: bool) -> dict[str, Any]:
    if include_config:
        return action
    return {k: v for k, v in action.items() if k != "config"}
