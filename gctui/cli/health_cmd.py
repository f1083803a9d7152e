"""`gctui health`: the health board without the TUI.

    gctui health                     one run, a table; exit 0 all healthy, 1 any degraded/critical
    gctui health --json              the same as one JSON document
    gctui health --watch 30 [--json] a run every 30 s (a table, or one JSON line per run)
    gctui health --metrics-port 9464 Prometheus metrics on 127.0.0.1:9464 until Ctrl+C

Exit 2 on a config or usage error. Progress and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gctui.cli import interrupt
from gctui.errors import EXIT_FAILED, EXIT_OK, GctuiError
from gctui.services.poller import check_interval
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.services.health import HealthEvent, HealthMonitor, HealthSnapshot, HistoryStore
    from gctui.services.poller import Poller

DELAY_WORTH_SAYING = 1.0  # seconds the rate governor held a run before the CLI says so


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
    p.add_argument("--watch", type=float, metavar="SECONDS", help="run every SECONDS (5-3600) until Ctrl+C")
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
    if args.watch is not None:
        try:
            check_interval(args.watch)
        except ValueError as exc:
            raise GctuiError(f"--watch {str(exc).removeprefix('interval ')}") from None
    if args.count is not None and args.count < 1:
        raise GctuiError(f"--count {args.count} must be at least 1")
    if args.count is not None and args.watch is None and args.metrics_port is None:
        raise GctuiError("--count needs --watch or --metrics-port")
    if args.metrics_port is not None and not 0 <= args.metrics_port <= 65535:
        raise GctuiError(f"--metrics-port {args.metrics_port} is out of range (0-65535)")
    if args.history is not None and not args.history.strip():
        raise GctuiError("--history needs a file name (use --no-history to run without history)")
    if args.history and args.no_history:
        raise GctuiError("--history and --no-history cannot be combined")


def _open_store(args: argparse.Namespace, profile: ResolvedProfile) -> HistoryStore | None:
    """The one history opener; a corrupt or truncated file is a warning: the probes still run."""
    if args.no_history:
        return None
    from gctui.services.health import open_history

    path = Path(args.history).expanduser() if args.history else None
    try:
        store, problem = open_history(path, profile, strict=path is not None)
    except OSError as exc:
        raise GctuiError(f"cannot open history file {path}: {exc.strerror or exc}") from None
    if problem:
        _warn(problem)
    return store


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
            return interrupt.run(_main(args, profile, store, outcome))
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
        monitor.on_event.append(_print_event)
        try:
            if args.watch is None and args.metrics_port is None:
                await monitor.run_once()
                _emit(monitor, args.json, sys.stdout, pretty=True)
                outcome.code = _exit_code(monitor.snapshot)
                return outcome.code
            interval = args.watch if args.watch is not None else profile.health.interval_seconds
            return await _loop(args, monitor, interval, outcome)
        finally:
            await monitor.flush_alerts()


async def _loop(args: argparse.Namespace, monitor: HealthMonitor, interval: float, outcome: _Outcome) -> int:
    from gctui.services.health import health_poller

    poller = health_poller(monitor, interval)

    def after_run(snap: HealthSnapshot) -> None:
        outcome.code = _exit_code(snap)
        outcome.runs += 1
        _say_delay(monitor, poller, snap)
        if args.watch is not None:
            _emit(monitor, args.json, sys.stdout, pretty=False, late=poller.late)

    monitor.on_snapshot.append(after_run)
    with _metrics_server(args, monitor, interval):
        if args.metrics_port is None and not args.json:
            print(f"gctui: probing every {interval:g} s (Ctrl+C to stop)", file=sys.stderr)
        await poller.run_forever(max_runs=args.count)
    code = outcome.code if outcome.code is not None else EXIT_FAILED
    return code if args.watch is not None else EXIT_OK


@contextlib.contextmanager
def _metrics_server(args: argparse.Namespace, monitor: HealthMonitor, interval: float) -> Iterator[None]:
    if args.metrics_port is None:
        yield
        return
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
        f"every {interval:g} s (Ctrl+C to stop)",
        file=sys.stderr,
    )
    try:
        yield
    finally:
        server.stop()


def _say_delay(monitor: HealthMonitor, poller: Poller, snap: HealthSnapshot) -> None:
    """The governor held this run (late start, or probes waiting for the budget): say so."""
    from gctui.services.health.report import delay_of

    delayed = delay_of(snap, poller.late)
    if delayed < DELAY_WORTH_SAYING or snap.budget is None:
        return
    budget = snap.budget
    per_min = budget.limit * 60 / budget.window
    demand = (len(monitor.specs) + 1) * 60 / poller.interval
    _warn(
        f"the rate budget delayed this run by {delayed:.0f} s (limit {per_min:.0f}/min; the probes "
        f"ask ~{demand:.0f}/min every {poller.interval:g} s): runs come less often than asked"
    )


def _exit_code(snap: HealthSnapshot) -> int:
    return EXIT_FAILED if snap.failing else EXIT_OK


def _emit(monitor: HealthMonitor, as_json: bool, out: TextIO, *, pretty: bool, late: float = 0.0) -> None:
    from gctui.services.health import matrix_document, render_table

    snap = monitor.snapshot  # one snapshot for the whole document
    doc = matrix_document(snap, monitor.session.options.region, now=monitor.clock(), late=late)
    if as_json:
        out.write(json.dumps(doc, indent=2 if pretty else None, ensure_ascii=False) + "\n")
    else:
        title = f"{doc['org'] or 'org unknown (no answer yet)'} · {doc['region']} · {doc['status']}"
        if doc["checkedAt"]:
            title += f" · checked {doc['checkedAt']} in {doc['durationMs']} ms"
        if snap.blind:
            title += f" · could not run: {', '.join(r.name for r in snap.blind)}"
        if snap.budget_alarm and snap.budget_share is not None:
            title += f" · rate budget {snap.budget_share:.0%} used"
        if not pretty:
            out.write("\n")
        out.write(clean(title) + "\n" + render_table(list(snap.rows)) + "\n")
    out.flush()


def _print_event(event: HealthEvent) -> None:
    if event.level != "info":
        _warn(event.message)


def _warn(message: str) -> None:
    print(f"gctui: warning: {clean(message)}", file=sys.stderr)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
