"""Erlang C staffing (M/M/N queue): the probability of waiting, the service level and the
agents needed for a target, as in the classic call-centre formulas (analytics reference §1.5:
arrival rate = nOffered per interval, AHT = tHandle.sum / tHandle.count).

Erlang B by its stable recurrence B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), then
C(N, A) = N·B / (N - A·(1 - B)): no factorials, no overflow at hundreds of agents."""

from __future__ import annotations

import math

MAX_AGENTS = 100_000


def erlang_b(agents: int, traffic: float) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """P(wait > 0) with ``agents`` serving ``traffic`` Erlangs; 1.0 when overloaded (N <= A)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, aht_s: float, threshold_s: float) -> float:
    """Share of contacts answered within ``threshold_s``: 1 - C·exp(-(N - A)·T / AHT)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1.0 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * threshold_s / aht_s)


def asa(agents: int, traffic: float, aht_s: float) -> float:
    """Average speed of answer (seconds): C·AHT / (N - A); inf when overloaded."""
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_s / (agents - traffic)


def agents_needed(rate_per_s: float, aht_s: float, target: float, threshold_s: float) -> int | None:
    """The fewest agents whose service level meets ``target``; None without arrivals or AHT."""
    if rate_per_s <= 0 or aht_s <= 0:
        return None
    traffic = rate_per_s * aht_s
    n = max(1, math.floor(traffic) + 1)
    while n < MAX_AGENTS and service_level(n, traffic, aht_s, threshold_s) < target:
        n += 1
    return n
