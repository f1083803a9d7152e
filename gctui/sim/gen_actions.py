"""Data actions of the simulated org, each with a backend latency distribution.

Stories a user can find: about 6% of actions have a timeout below their backend's typical latency
(tests fail, p99 far above the timeout), another ~8% are borderline (p99 above the timeout, tests
fail now and then), about a quarter have no ``timeoutSeconds`` (the platform default applies),
and about 8% run so rarely (a few executions a day) that their percentiles mean little.

Every action's input contract requires ``id`` (a string); "... by ANI" actions also require
``ani`` (digits, optional leading ``+``) and "... by Email" ones ``email``. Optional typed fields
(``channel`` enum, ``limit`` 1-100, ``includeHistory`` boolean, nested ``context`` object) vary
per action. Schemas are shared between actions of the same shape, so 10,000 actions stay cheap.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from gctui.sim.det import new_uuid, str_key, unit

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

SCHEMA_DRAFT = "http://json-schema.org/draft-04/schema#"
OPTIONAL_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("channel", {"type": "string", "enum": ["voice", "chat", "email", "sms"]}),
    ("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
    ("includeHistory", {"type": "boolean"}),
    (
        "context",
        {
            "type": "object",
            "properties": {"locale": {"type": "string"}, "agentId": {"type": "string"}},
            "additionalProperties": False,
        },
    ),
)
KEY_FIELDS = {
    "by ANI": ("ani", {"type": "string", "pattern": "^\\+?[0-9]{7,15}$", "description": "caller number"}),
    "by Email": ("email", {"type": "string", "pattern": "^[^@ ]+@[^@ ]+$", "description": "e-mail address"}),
}
_SCHEMAS: dict[tuple[str, int], dict[str, Any]] = {}


def input_schema(suffix: str, mask: int) -> dict[str, Any]:
    """The (shared) input schema for a name suffix and a bit mask over :data:`OPTIONAL_FIELDS`."""
    key = (suffix if suffix in KEY_FIELDS else "", mask)
    if key not in _SCHEMAS:
        props: dict[str, Any] = {"id": {"type": "string", "description": "record id"}}
        required = ["id"]
        if key[0]:
            name, spec = KEY_FIELDS[key[0]]
            props[name] = spec
            required.append(name)
        for bit, (name, spec) in enumerate(OPTIONAL_FIELDS):
            if mask >> bit & 1:
                props[name] = spec
        _SCHEMAS[key] = {
            "$schema": SCHEMA_DRAFT,
            "title": "Request",
            "description": "Input",
            "type": "object",
            "required": required,
            "properties": props,
            "additionalProperties": True,
        }
    return _SCHEMAS[key]


def flattened(schema: dict[str, Any]) -> dict[str, Any]:
    """``inputSchemaFlattened``: nested object properties become dotted top-level names."""
    props: dict[str, Any] = {}
    required: list[str] = []

    def walk(node: dict[str, Any], prefix: str, req: bool) -> None:
        for name, spec in node.get("properties", {}).items():
            full = prefix + name
            is_req = req and name in node.get("required", ())
            if spec.get("type") == "object" and "properties" in spec:
                walk(spec, full + ".", is_req)
            else:
                props[full] = spec
                if is_req:
                    required.append(full)

    walk(schema, "", True)
    return {**schema, "properties": props, "required": required}


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


LOW_VOLUME_SHARE = 0.08  # actions with only a few executions a day


def _low_volume(action_id: str, profile: ActionProfile) -> None:
    """Derived from the id (not the rng stream), so the rest of the org stays as it was."""
    k = str_key(action_id)
    if profile.per_hour > 0 and unit(k, 31) < LOW_VOLUME_SHARE:
        profile.per_hour = round(0.03 + 0.2 * unit(k, 32), 3)  # about 0.3 to 2 executions a day


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
                    "input": {"inputSchema": input_schema(suf, str_key(action_id) >> 7 & 0xF)},
                    "output": {"successSchema": SUCCESS_SCHEMA},
                },
                "version": rng.randint(1, 9),
                "secure": slug == "idv",
                "config": config,
                "selfUri": f"/api/v2/integrations/actions/{action_id}",
            }
        )
        _low_volume(action_id, profile)
        profiles[action_id] = profile
    return actions, profiles


def public_action(
    action: dict[str, Any], include_config: bool, include_contract: bool = False, flatten: bool = False
) -> dict[str, Any]:
    """The ``Action`` JSON a reader sees: ``config`` and ``contract`` only when asked for."""
    out = {k: v for k, v in action.items() if k not in ("config", "contract")}
    if include_config and "config" in action:
        out["config"] = action["config"]
    if include_contract:
        contract = action["contract"]
        if flatten:
            schema = contract["input"]["inputSchema"]
            contract = {**contract, "input": {"inputSchemaFlattened": flattened(schema)}}
        out["contract"] = contract
    return out
