"""The token panel changes rarely: a panel repainted every second costs a slow SSH link ~1.7 KB/s
for a number nobody reads to the second."""

from __future__ import annotations

import itertools

from gctui.genesys.auth import BreakerState, TokenStatus
from gctui.tui.tabs.health_panels import age, token_panel


def _status(age_s: float, lifetime: float = 86_400.0) -> TokenStatus:
    return TokenStatus(
        has_token=True,
        static=False,
        expires_in=lifetime - age_s,
        age=age_s,
        lifetime=lifetime,
        refreshes=1,
        failures=0,
        consecutive_failures=0,
        last_outcome="ok",
        last_error=None,
        breaker=BreakerState.CLOSED,
        breaker_retry_in=0.0,
    )


def test_token_age_is_shown_by_the_minute() -> None:
    assert age(None) == "-"
    assert age(0) == "<1m"
    assert age(59.9) == "<1m"
    assert age(60) == "1m"
    assert age(61 * 60) == "1h01m"


def test_token_panel_and_header_agree_on_the_time_left() -> None:
    from gctui.tui.widgets.header import token_text

    for left in (86_399.0, 86_370.0, 3_700.0):
        shown = token_text(left, static=False, has_token=True)[0].removeprefix("token ")
        assert f"expires in {shown}" in token_panel(_status(86_400.0 - left), "client credentials").plain


def test_a_day_long_token_panel_changes_at_most_twice_a_minute() -> None:
    for start in (0, 37, 600, 3_599, 7_200):
        texts = [token_panel(_status(start + s), "client credentials").plain for s in range(60)]
        changes = sum(1 for a, b in itertools.pairwise(texts) if a != b)
        assert changes <= 2, (start, set(texts))  # the age and the expiry each turn once
    # ...and still says something that moves over an hour.
    hour = {token_panel(_status(s), "client credentials").plain for s in range(0, 3_600, 60)}
    assert len(hour) > 30
