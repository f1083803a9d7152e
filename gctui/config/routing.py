"""``[routing]``: the Routing tab and ``gctui routing`` (KPI weights, cohort, BI webhook)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RoutingConfig(BaseModel):
    """The Routing tab and ``gctui routing``: ``[routing]``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
