"""``gctui sim``: serve the simulated org over HTTP until Ctrl+C.

The CLI depends on the simulator, never the reverse (:mod:`gctui.sim` imports nothing else of
gctui). Module-level imports stay light (argparse and the simulator's config dataclass):
starlette/uvicorn are imported inside ``run``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gctui.errors import GctuiError
from gctui.sim.config import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    MAX_ENTITIES,
    MAX_LATENCY_MS,
    RESTRICTED_CLIENT_ID,
    RESTRICTED_CLIENT_SECRET,
    SCALING_SCENARIOS,
    SimConfig,
    SimConfigError,
)

# SimConfig fields whose flag is not ``--`` + the field name with dashes.
_FLAGS = {"state_path": "--state"}


def flag_for(field: str) -> str:
    return _FLAGS.get(field, "--" + field.replace("_", "-"))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = SimConfig()
    p = subparsers.add_parser(
        "sim",
        help="serve a simulated Genesys Cloud org on loopback",
        description="Serve a simulated Genesys Cloud org (OAuth + /api/v2) over real HTTP.",
        epilog=f"Each of --actions, --flows, --queues and --edges takes at most {MAX_ENTITIES}. "
        "A bad value is refused (exit 2) before anything starts.",
    )
    p.add_argument("--host", default=d.host, help="bind address (default %(default)s)")
    p.add_argument("--port", type=int, default=8765, help="0-65535, 0 for a free one (default %(default)s)")
    p.add_argument("--client-id", dest="sim_client_id", default=DEMO_CLIENT_ID, metavar="ID")
    p.add_argument("--client-secret", dest="sim_client_secret", default=DEMO_CLIENT_SECRET, metavar="S")
    p.add_argument("--restricted-client-id", default=RESTRICTED_CLIENT_ID, metavar="ID")
    p.add_argument("--restricted-client-secret", default=RESTRICTED_CLIENT_SECRET, metavar="S")
    p.add_argument("--seed", type=int, default=d.seed, help="same seed, same org (default %(default)s)")
    for name in ("actions", "flows", "queues", "edges"):
        p.add_argument(
            f"--{name}",
            type=int,
            default=getattr(d, name),
            metavar="N",
            help=f"how many to generate, 0-{MAX_ENTITIES} (default %(default)s)",
        )
    p.add_argument(
        "--trunks", type=int, default=None, metavar="N", help="trunks in all (default: 2-3 per edge)"
    )
    p.add_argument(
        "--scaling-scenario",
        choices=SCALING_SCENARIOS,
        default=d.scaling_scenario,
        help="edge/trunk load: a ramp crosses critical in 20 simulated minutes (default %(default)s)",
    )
    p.add_argument(
        "--rate-limit", type=int, default=d.rate_limit, metavar="N", help="requests per token per window"
    )
    p.add_argument(
        "--rate-window",
        type=float,
        default=d.rate_window,
        metavar="SECONDS",
        help="rate-limit window, finite and > 0 (default %(default)s)",
    )
    p.add_argument(
        "--token-rate-limit",
        type=int,
        default=d.token_rate_limit,
        metavar="N",
        help="token requests per client per minute",
    )
    p.add_argument(
        "--token-ttl", type=int, default=d.token_ttl, metavar="SECONDS", help=">= 1 (default %(default)s)"
    )
    p.add_argument(
        "--fault-rate",
        type=float,
        default=d.fault_rate,
        metavar="F",
        help="share of API requests that fail at random, 0-1 (default %(default)s)",
    )
    p.add_argument(
        "--latency-ms",
        type=int,
        default=d.latency_ms,
        metavar="M",
        help=f"added latency per API request, 0-{MAX_LATENCY_MS} (default %(default)s)",
    )
    p.add_argument(
        "--state", type=Path, default=None, metavar="FILE", help="persist changes to this JSON file"
    )
    p.add_argument("--log-requests", action="store_true", help="access log (never logs auth headers)")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> SimConfig:
    return SimConfig(
        seed=args.seed, actions=args.actions, flows=args.flows, queues=args.queues, edges=args.edges,
        rate_limit=args.rate_limit, rate_window=args.rate_window, token_ttl=args.token_ttl,
        token_rate_limit=args.token_rate_limit, fault_rate=args.fault_rate, latency_ms=args.latency_ms,
        client_id=args.sim_client_id, client_secret=args.sim_client_secret,
        restricted_client_id=args.restricted_client_id,
        restricted_client_secret=args.restricted_client_secret,
        state_path=args.state, host=args.host, port=args.port, log_requests=args.log_requests,
        trunks=args.trunks, scaling_scenario=args.scaling_scenario,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    import asyncio

    config = config_from_args(args)
    try:
        config.validate()
    except SimConfigError as exc:
        raise GctuiError(exc.describe(flag_for(exc.field)), 2) from None
    from gctui.sim.server import SimServer

    async def serve() -> None:
        sim = SimServer(config, capture_signals=True)
        try:
            await sim.start()
        except OSError as exc:
            raise GctuiError(
                f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", 2
            ) from None
        except SimConfigError as exc:
            raise GctuiError(exc.describe(flag_for(exc.field)), 2) from None
        except ValueError as exc:
            raise GctuiError(str(exc), 2) from None
        rt = sim.runtime
        assert rt is not None
        org = rt.org
        print(f"Simulated Genesys Cloud org listening on {sim.base_url}", flush=True)
        print(
            f"  {len(org.actions)} data actions, {len(org.flows)} flows, {len(org.queues)} queues, "
            f"{len(org.edges)} edges, {len(org.trunks)} trunks (seed {config.seed})"
        )
        window = f"{config.rate_window:g} s" if config.rate_window != 60 else "minute"
        print(
            f"  rate limit {config.rate_limit} per token per {window}, tokens live {config.token_ttl} s, "
            f"faults {config.fault_rate:.0%}, latency {config.latency_ms} ms"
        )
        print(f"export GENESYSCLOUD_API_URL={sim.base_url}")
        print(f"export GENESYSCLOUD_OAUTHCLIENT_ID={config.client_id}")
        print(f"export GENESYSCLOUD_OAUTHCLIENT_SECRET={config.client_secret}")
        print("Press Ctrl+C to stop.", flush=True)
        await sim.wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    print("gctui sim: stopped", file=sys.stderr)
    return 0
