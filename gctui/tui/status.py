"""What the header and the banner say, read from the session's state (no Textual here)."""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

from gctui.text import clean, duration
from gctui.tui.widgets.header import HeaderState, budget_text, token_text

if TYPE_CHECKING:
    from gctui.genesys.session import Session


def live_state(base: HeaderState, session: Session | None, open_error: str | None) -> HeaderState:
    """``base`` (org, region, mode) with the token, the budget and what is wrong now."""
    problem, banner = _problem(session, open_error)
    if session is None:
        return dataclasses.replace(base, problem=problem, banner=banner)
    tok = session.client.tokens.status()
    bud = session.client.governor.status()
    token, token_warn = token_text(tok.expires_in, tok.static, tok.has_token)
    budget, budget_warn = budget_text(bud.used, bud.in_flight, bud.limit, bud.throttled, bud.held_for)
    # Pool groups are "<feature>" or "<feature>-<job>" ("actions-batch-3"): name the features.
    spending = sorted({j.group.split("-", 1)[0] for j in session.pool.active() if j.group})
    return dataclasses.replace(
        base,
        token=token,
        token_warn=token_warn,
        budget=budget,
        budget_warn=budget_warn,
        spending=",".join(spending),
        problem=problem,
        banner=banner,
    )


def _problem(session: Session | None, open_error: str | None) -> tuple[str | None, str | None]:
    """(header word, banner line) for what is wrong with the link or the login now."""
    if open_error:
        return "offline", open_error
    if session is None:
        return None, None
    client = session.client
    tok = client.tokens.status()
    if client.link_error is not None:
        since = time.monotonic() - (client.link_down_since or time.monotonic())
        return "offline", (
            f"Link down for {duration(since)}: {clean(client.link_error)}. Retrying; the rows show "
            "the last answers."
        )
    if str(tok.breaker) != "closed":
        return "login blocked", (
            f"Login failed {tok.consecutive_failures} times ({clean(tok.last_error)}); next try in "
            f"{duration(tok.breaker_retry_in)}."
        )
    if tok.last_outcome in ("failed", "rejected by API"):
        return "login failed", f"{clean(tok.last_error)}. Retrying."
    return None, None
