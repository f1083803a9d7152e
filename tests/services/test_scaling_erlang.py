"""Erlang C against hand-computed values and a published worked example."""

from __future__ import annotations

import math

import pytest

from gctui.services.scaling import agents_needed, erlang_c, service_level
from gctui.services.scaling.erlang import asa, erlang_b


def erlang_c_by_factorials(n: int, a: float) -> float:
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_two_agents_one_erlang_by_hand() -> None:
    # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2 x 0.2 / (2 - 1 x 0.8) = 1/3
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # SL(20 s) with AHT 60 s: 1 - 1/3 x exp(-(2 - 1) x 20 / 60) = 0.76116
    assert service_level(2, 1.0, 60, 20) == pytest.approx(1 - math.exp(-1 / 3) / 3)
    assert asa(2, 1.0, 60) == pytest.approx(20.0)  # C x AHT / (N - A) = 1/3 x 60 / 1


@pytest.mark.parametrize(("n", "a"), [(5, 3.2), (12, 10.0), (55, 48.0), (120, 100.5)])
def test_recurrence_matches_the_factorial_formula(n: int, a: float) -> None:
    assert erlang_c(n, a) == pytest.approx(erlang_c_by_factorials(n, a), rel=1e-9)


def test_published_worked_example() -> None:
    # Westbay Engineers, "The Erlang-C formula" (erlang.com), worked example: 360 calls per half
    # hour, 4 minutes average call duration, 55 agents, 15 s target answer time. Traffic
    # intensity 48 Erlangs, occupancy 0.873; probability of waiting ~24%, average speed of answer
    # ~8.2 s, service level ~85% answered within 15 s.
    rate, aht = 360 / 1800, 240.0
    traffic = rate * aht
    assert traffic == pytest.approx(48.0)
    assert traffic / 55 == pytest.approx(0.873, abs=5e-4)
    assert erlang_c(55, traffic) == pytest.approx(0.24, abs=0.005)
    assert asa(55, traffic, aht) == pytest.approx(8.2, abs=0.1)
    assert service_level(55, traffic, aht, 15) == pytest.approx(0.85, abs=0.01)
    # 55 agents is the fewest that reach 80% in 15 s (54 fall short)
    assert service_level(54, traffic, aht, 15) < 0.8 <= service_level(55, traffic, aht, 15)
    assert agents_needed(rate, aht, 0.8, 15) == 55


def test_overload_and_no_traffic() -> None:
    assert erlang_c(10, 10.0) == 1.0 and service_level(10, 12.0, 60, 20) == 0.0
    assert erlang_c(3, 0.0) == 0.0 and service_level(3, 0.0, 60, 20) == 1.0
    assert agents_needed(0.0, 300, 0.8, 20) is None and agents_needed(0.1, 0.0, 0.8, 20) is None
    # never fewer than the traffic: 1 call per s x 300 s = 300 Erlangs needs more than 300 agents
    needed = agents_needed(1.0, 300, 0.8, 20)
    assert needed is not None and needed > 300
