"""Fixed simulator clock starts for tests whose numbers follow the simulated day.

The simulator's load (queue arrivals, edge CPU, trunk calls) follows its clock, which starts at
wall time unless ``SimConfig.clock_start`` says otherwise: a test that reads a trend from it must
pin the start, or it sees another moment of the simulated day on every run.
"""

from __future__ import annotations

# A Thursday at 11:00 UTC: the queues' arrivals are flat then, so the arrival trend (which pushes
# CPU and trunk forecasts) does not move, and a forecast over a few minutes shows the noise only.
FLAT_ARRIVALS_START = 1_796_295_600.0  # 2026-12-03T11:00:00Z
