"""Edge groups: the node groups of the Scaling tab (API reference §5a; SDK ``EdgeGroup``)."""

from __future__ import annotations

from gctui.genesys.models.base import ApiModel


class EdgeGroup(ApiModel):
    """``GET /api/v2/telephony/providers/edges/edgegroups``: its edges name it in ``edgeGroup``."""

    id: str
    name: str
    state: str | None = None
    managed: bool | None = None
    hybrid: bool | None = None
