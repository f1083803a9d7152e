"""`gctui health`: the health board without the TUI.

    gctui health                     one run, a table; exit 0 all healthy, 1 any degraded/critical
    gctui health --json              the same as one JSON document
    gctui health --watch 30 [--json] a run every 30 s (a table, or one JSON line per run)
    gctui health --metrics-port 9464 Prometheus metrics on 127.0.0.1:9464 until Ctrl+C

Exit 2 on a config or usage error. Progress and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gctui.errors import EXIT_FAILED, EXIT_OK, GctuiError

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.services.health import HealthEvent, HealthMonitor, HistoryStore

MIN_WATCH = 5.0
MAX_WATCH = 3600.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "health",
        help="probe the org's API and print the health matrix (exit 1 when degraded)",
        description="Run the health probes (cheap authenticated requests plus an analytics query) "
        "and print the matrix. Exit 0 when every probe is healthy, 1 when any is degraded or "
        "critical, 2 on a config or usage error.",
    )
    p.add_argument("--once", action="store_true", help="run once and exit (the default)")
    p.add_argument("--json", action="store_true", help="JSON on stdout (one line per run with --watch)")
    p.add_argument(
        "--watch", type=float, metavar="SECONDS", help="run every SECONDS (at least 5) until Ctrl+C"
    )
    p.add_argument("--count", type=int, metavar="N", help="with --watch or --metrics-port: stop after N runs")
    p.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus metrics on PORT, probing on the [health] interval until Ctrl+C",
    )
    p.add_argument("--metrics-host", default="127.0.0.1", metavar="HOST", help="default 127.0.0.1")
    p.add_argument("--history", metavar="FILE", help="history database (default: the platform data dir)")
    p.add_argument("--no-history", action="store_true", help="neither read nor write probe history")
    p.set_defaults(func=run)


@dataclass
class _Outcome:
    """What the last completed run said, kept outside asyncio so Ctrl+C can report it."""

    code: int | None = None
    runs: int = 0


def _validate(args: argparse.Namespace) -> None:
    if args.once and (args.watch is not None or args.metrics_port is not None):
        raise GctuiError("--once cannot be combined with --watch or --metrics-port")
    if args.watch is not None and not MIN_WATCH <= args.watch <= MAX_WATCH:
        raise GctuiError(f"--watch {args.watch:g} is out of range ({MIN_WATCH:g}-{MAX_WATCH:g} seconds)")
    if args.count is not None and args.count < 1:
        raise GctuiError(f"--count {args.count} must be at least 1")
    if args.count is not None and args.watch is None and args.metrics_port is None:
        raise GctuiError("--count needs --watch or --metrics-port")
    if args.metrics_port is not None and not 0 <= args.metrics_port <= 65535:
        raise GctuiError(f"--metrics-port {args.metrics_port} is out of range (0-65535)")
    if args.history and args.no_history:
        raise GctuiError("--history and --no-history cannot be combined")


def _open_store(args: argparse.Namespace, profile: ResolvedProfile) -> HistoryStore | None:
    if args.no_history:
        return None
    from gctui.services.health import HistoryStore, default_history_path, history_scope

    path = Path(args.history).expanduser() if args.history else default_history_path()
    try:
        opts = profile.options
        return HistoryStore(path, scope=history_scope(profile.name, opts.region.api_base, opts.client_id))
    except (OSError, sqlite3.Error) as exc:
        if args.history:
            raise GctuiError(f"cannot open history file {path}: {exc}") from None
        _warn(f"probe history disabled: cannot open {path}: {exc}")
        return None


def run(args: argparse.Namespace) -> int:
    _validate(args)
    outcome = _Outcome()
    serving = args.metrics_port is not None
    with contextlib.ExitStack() as stack:
        from gctui.cli.profile import open_profile  # --demo: the simulator runs meanwhile

        profile = stack.enter_context(open_profile(args))
        store = _open_store(args, profile)
        if store is not None:
            stack.callback(store.close)
        try:
            return asyncio.run(_main(args, profile, store, outcome))
        except KeyboardInterrupt:
            if serving and args.watch is None:
                print("gctui: metrics server stopped", file=sys.stderr)
                return EXIT_OK
            if outcome.code is None:
                print("gctui: interrupted before the first run finished", file=sys.stderr)
                return 130
            return outcome.code


async def _main(
    args: argparse.Namespace, profile: ResolvedProfile, store: HistoryStore | None, outcome: _Outcome
) -> int:
    from gctui.genesys.session import Session
    from gctui.services.health import HealthMonitor

    async with Session.create(profile.options) as session:
        monitor = HealthMonitor.from_profile(session, profile, store=store)
        if args.watch is not None:
            monitor.interval = args.watch
        monitor.on_event.append(_print_event)
        try:
            if args.watch is None and args.metrics_port is None:
                await monitor.run_once()
                _emit(monitor, args.json, sys.stdout, pretty=True)
                outcome.code = _exit_code(monitor)
                return outcome.code
            return await _loop(args, monitor, outcome)
        finally:
            await monitor.stop()


async def _loop(args: argparse.Namespace, monitor: HealthMonitor, outcome: _Outcome) -> int:
    server = None
    if args.metrics_port is not None:
        from gctui.services.health.metrics import MetricsServer, build_registry

        server = MetricsServer(build_registry(monitor), host=args.metrics_host, port=args.metrics_port)
        try:
            server.start()
        except OSError as exc:
            raise GctuiError(
                f"cannot serve metrics on {args.metrics_host}:{args.metrics_port}: {exc.strerror or exc}"
            ) from None
        print(
            f"gctui: serving metrics on http://{_host(args.metrics_host)}:{server.port}/metrics "
            f"every {monitor.interval:g} s (Ctrl+C to stop)",
            file=sys.stderr,
        )
    elif not args.json:
        print(f"gctui: probing every {monitor.interval:g} s (Ctrl+C to stop)", file=sys.stderr)
    try:
        while True:
            await monitor.run_once()
            outcome.code = _exit_code(monitor)
            outcome.runs += 1
            if args.watch is not None:
                _emit(monitor, args.json, sys.stdout, pretty=False)
            if args.count is not None and outcome.runs >= args.count:
                return outcome.code if args.watch is not None else EXIT_OK
            await asyncio.sleep(monitor.next_run_in() or 0.0)
    finally:
        if server is not None:
            server.stop()


def _exit_code(monitor: HealthMonitor) -> int:
    return EXIT_FAILED if any(row.status.failing for row in monitor.rows()) else EXIT_OK


def _emit(monitor: HealthMonitor, as_json: bool, out: TextIO, *, pretty: bool) -> None:
    from gctui.services.health import matrix_document, render_table

    if as_json:
        doc = matrix_document(monitor)
        out.write(json.dumps(doc, indent=2 if pretty else None, ensure_ascii=False) + "\n")
    else:
        doc = matrix_document(monitor)
        title = f"{doc['org'] or 'org unknown (no answer yet)'} · {doc['region']} · {doc['status']}"
        if doc["checkedAt"]:
            title += f" · checked {doc['checkedAt']} in {doc['durationMs']} ms"
        if not pretty:
            out.write("\n")
        out.write(title + "\n" + render_table(monitor.rows()) + "\n")
    out.flush()


def _print_event(event: HealthEvent) -> None:
    if event.level != "info":
        _warn(event.message)


def _warn(message: str) -> None:
    print(f"gctui: warning: {message}", file=sys.stderr)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
