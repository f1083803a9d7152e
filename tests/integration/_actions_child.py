"""Child process of ``test_actions_reliability``: one bulk timeout change through ActionsWriter,
exactly as the CLI would run it, against a simulator that is already running. The test kills it
with SIGKILL in the middle of the batch and settles its journal from the parent.

    python tests/integration/_actions_child.py BASE_URL JOURNAL_PATH TARGETS_JSON

``TARGETS_JSON`` is a file holding ``{action id: new timeout}``. Prints one line when the plan
is made and one when the batch ends (the test fails if it ever gets that far).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from gctui.genesys.options import ClientOptions
from gctui.genesys.regions import resolve_region
from gctui.genesys.secrets import Secret
from gctui.genesys.session import Session
from gctui.services.actions import ActionsWriter, Journal, plan_timeouts

SCOPE = "sim"


async def run(base_url: str, journal_path: Path, targets: dict[str, int]) -> None:
    options = ClientOptions(
        region=resolve_region(base_url),
        client_id="gctui-demo",
        client_secret=Secret("gctui-demo-secret"),
        backoff_base=0.01,
        backoff_max=0.05,
    )
    async with Session.create(options) as session:
        with Journal(journal_path, SCOPE) as journal:
            writer = ActionsWriter(session.api, session.pool, journal)
            plan = await plan_timeouts(session.api, targets, 10)
            print(f"planned {len(plan.changes)} changes", flush=True)
            report = await writer.apply(plan)
            print(f"finished: {report.summary()}", flush=True)


def main(argv: list[str]) -> int:
    base_url, journal_path, targets_path = argv
    targets = json.loads(Path(targets_path).read_text())
    asyncio.run(run(base_url, Path(journal_path), targets))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
