"""Everything a running simulator holds: config, org, tokens, budgets, controls, webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from gctui.sim.action_state import ActionState
from gctui.sim.auth import TokenStore
from gctui.sim.config import SimConfig
from gctui.sim.control import SimControl
from gctui.sim.org import Org, build_org
from gctui.sim.persist import load_state
from gctui.sim.ratelimit import SlidingWindow
from gctui.sim.webhooks import WebhookStore


@dataclass
class SimRuntime:
    config: SimConfig
    org: Org
    tokens: TokenStore
    control: SimControl
    api_budget: SlidingWindow
    token_budget: SlidingWindow
    webhooks: WebhookStore
    actions: ActionState = field(init=False)

    def __post_init__(self) -> None:
        self.actions = ActionState(self.config)


def build_runtime(config: SimConfig) -> SimRuntime:
    config.validate()
    org = build_org(config)
    if config.state_path is not None:
        load_state(org, config.state_path)
    tokens = TokenStore(config)
    webhooks = WebhookStore()
    control = SimControl(config.fault_rate, config.latency_ms, config.seed, tokens, webhooks)
    return SimRuntime(
        config=config,
        org=org,
        tokens=tokens,
        control=control,
        api_budget=SlidingWindow(config.rate_limit, config.rate_window),
        token_budget=SlidingWindow(config.token_rate_limit, 60.0),
        webhooks=webhooks,
    )
