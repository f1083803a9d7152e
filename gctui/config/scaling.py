"""``[scaling]``: the Scaling tab and ``gctui scale`` (thresholds, horizon, scaling webhook)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ScalingConfig(BaseModel):
    """The Scaling tab and ``gctui scale``: ``[scaling]``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
