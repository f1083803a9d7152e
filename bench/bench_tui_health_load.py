"""Health tab under load: 50 probes every 5 s. CPU of the app process per minute of polling, and
frame times / event-loop lag while it polls (target: no frame slower than 50 ms).

The simulator runs in its own process (`python -m gctui sim --port 0 ...`), so the app
process's CPU is measured alone. The app runs in a child process (this script with --child) on
the slave side of a pseudo-terminal (120x40, the real Linux driver writing real escape
sequences; the parent drains the master side), or with --headless via `App.run(headless=True)`
(Textual then skips turning frames into escape sequences, so that mode under-counts).

The child builds the profile directly (a StaticSource: ClientOptions pointing at the simulator,
HealthConfig(interval_seconds=5, probes=43 extra GETs) -> 7 built-ins + 43 = 50 probes) and
runs GctuiApp with the Health tab active. Instrumentation, all from the bench (gctui untouched):
  frames   wall time of each outermost call of Screen._on_timer_update / _refresh_layout /
           _compositor_refresh (layout + compositor + escape-sequence rendering; Textual has no
           public frame hook)
  lag      an asyncio task sleeping 10 ms in a loop (lateness = event-loop blocking) and a
           10 ms Textual interval on the App (gap between callbacks = message-queue latency)
  handlers HealthTab.on_rows_ready (DataView.set_rows inside), HealthTab._tick,
           GctuiApp._tick_header, HistoryStore.record (sqlite insert + commit on the loop)
  gc       gc.callbacks pause per collection
  cpu      time.process_time() and getrusage deltas over the measured window
A warm-up (first run, connection) precedes the window.

Scenarios, each with a fresh simulator:
  fast     sim --rate-limit 100000: the app's own cost of polling 50 probes every 5 s
  limit    sim default 300 requests/min per token: 600/min wanted, the governor paces
  idle     same 50 probes, interval 3600 s (one run in the warm-up): the app's idle CPU,
           instrumentation included, to subtract
  idle0    idle without the two 10 ms lag probes: what the instrumentation itself costs

    python bench/bench_tui_health_load.py            # --quick: fast 20 s, limit 75 s, idle(0) 10 s
    python bench/bench_tui_health_load.py --full     # fast 60 s, limit 120 s, idle(0) 20 s
    python bench/bench_tui_health_load.py --json [--headless] [--scenarios fast,limit]
    python bench/bench_tui_health_load.py --gc-freeze   # experiment: gc.freeze() once started
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 120, 40
FRAME_TARGET_MS = 50.0
WARMUP_S = 4.0
EXTRA_PATHS = (
    "/api/v2/organizations/me",
    "/api/v2/routing/queues?pageSize=1",
    "/api/v2/flows?pageSize=1",
    "/api/v2/integrations/actions?pageSize=1",
    "/api/v2/integrations/actions/categories",
    "/api/v2/telephony/providers/edges?pageSize=1",
    "/api/v2/organizations/limits/namespaces",
)
N_EXTRA = 43


# ------------------------------------------------------------------------------------ child


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def _dist(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "max": max(values) if values else None,
        "p99": _pct(values, 99),
        "p95": _pct(values, 95),
        "median": statistics.median(values) if values else None,
        "over_50ms": sum(1 for v in values if v > FRAME_TARGET_MS),
    }


def _child(cfg_path: str) -> int:
    import asyncio
    import collections
    import gc
    import resource

    cfg = json.loads(Path(cfg_path).read_text())
    from textual.screen import Screen

    from gctui.config import ResolvedProfile
    from gctui.config.models import HealthConfig, ProbeConfig
    from gctui.genesys.options import ClientOptions
    from gctui.genesys.regions import resolve_region
    from gctui.genesys.secrets import Secret
    from gctui.services.health.store import HistoryStore
    from gctui.tui.app import GctuiApp
    from gctui.tui.source import StaticSource
    from gctui.tui.tabs.health import HealthTab

    pc = time.perf_counter
    state: dict[str, Any] = {"in_window": False}
    frames: list[float] = []
    frame_kinds: collections.Counter[str] = collections.Counter()
    loop_lag: list[float] = []
    timer_lag: list[float] = []
    gc_pauses: list[tuple[int, float]] = []
    handlers: dict[str, list[float]] = collections.defaultdict(list)
    run_durations: list[float] = []
    transitions: list[str] = []
    samples: list[dict[str, Any]] = []
    out_bytes = [0]

    depth = [0]
    gc_in_frame = [0.0]
    frames_no_gc: list[float] = []
    slowest: list[tuple[float, float, str]] = []

    def wrap_frame(name: str) -> None:
        orig = getattr(Screen, name)

        def wrapper(self: Any, *a: Any, **k: Any) -> Any:
            if depth[0]:
                return orig(self, *a, **k)
            depth[0] += 1
            gc_in_frame[0] = 0.0
            t = pc()
            try:
                return orig(self, *a, **k)
            finally:
                depth[0] -= 1
                if state["in_window"]:
                    ms = (pc() - t) * 1000
                    frames.append(ms)
                    frames_no_gc.append(ms - gc_in_frame[0])
                    frame_kinds[name] += 1
                    slowest.append((ms, gc_in_frame[0], name))
                    slowest.sort(reverse=True)
                    del slowest[3:]

        setattr(Screen, name, wrapper)

    for name in ("_on_timer_update", "_refresh_layout", "_compositor_refresh"):
        wrap_frame(name)

    def timed(cls: Any, name: str, label: str) -> None:
        orig = getattr(cls, name)

        def wrapper(self: Any, *a: Any, **k: Any) -> Any:
            t = pc()
            try:
                return orig(self, *a, **k)
            finally:
                if state["in_window"]:
                    handlers[label].append((pc() - t) * 1000)

        setattr(cls, name, wrapper)

    timed(HealthTab, "on_rows_ready", "HealthTab.on_rows_ready")
    timed(HealthTab, "_tick", "HealthTab._tick")
    timed(GctuiApp, "_tick_header", "GctuiApp._tick_header")
    timed(HistoryStore, "record", "HistoryStore.record")
    orig_rows_ready = HealthTab.on_rows_ready

    def on_rows_ready(self: Any, message: Any) -> None:
        if state["in_window"]:
            run_durations.append(message.duration_s)
        orig_rows_ready(self, message)

    HealthTab.on_rows_ready = on_rows_ready  # type: ignore[method-assign]

    if not cfg["headless"]:
        from textual.drivers.linux_driver import LinuxDriver

        orig_write = LinuxDriver.write

        def write(self: Any, data: str) -> None:
            if state["in_window"]:
                out_bytes[0] += len(data.encode("utf-8", "replace"))
            orig_write(self, data)

        LinuxDriver.write = write  # type: ignore[method-assign]

    gc_start = [0.0]

    def gc_cb(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = pc()
        elif state["in_window"]:
            ms = (pc() - gc_start[0]) * 1000
            gc_pauses.append((info["generation"], ms))
            if depth[0]:
                gc_in_frame[0] += ms

    gc.callbacks.append(gc_cb)

    probes = [
        ProbeConfig(name=f"extra-{i:02d}", path=EXTRA_PATHS[i % len(EXTRA_PATHS)]) for i in range(N_EXTRA)
    ]
    profile = ResolvedProfile(
        name="bench",
        options=ClientOptions(
            region=resolve_region(cfg["base_url"]),
            client_id=cfg["client_id"],
            client_secret=Secret(cfg["client_secret"]),
        ),
        health=HealthConfig(interval_seconds=cfg["interval"], probes=probes),
    )
    result: dict[str, Any] = {}

    import gctui.tui.app

    class BenchApp(GctuiApp):
        CSS_PATH = str(Path(gctui.tui.app.__file__).with_name("app.tcss"))  # relative to the subclass

        def on_mount(self) -> None:
            super().on_mount()
            self._last_tick: float | None = None
            if cfg["lag_probes"]:
                self._lag_task = asyncio.get_running_loop().create_task(self._loop_lag())
                self.set_interval(0.01, self._timer_probe)
            self.set_timer(cfg["warmup"], self._start_window)

        async def _loop_lag(self) -> None:
            while True:
                t = pc()
                await asyncio.sleep(0.01)
                if state["in_window"]:
                    loop_lag.append(max(0.0, (pc() - t - 0.01) * 1000))

        def _timer_probe(self) -> None:
            now = pc()
            if self._last_tick is not None and state["in_window"]:
                timer_lag.append(max(0.0, (now - self._last_tick - 0.01) * 1000))
            self._last_tick = now

        def _monitor(self) -> Any:
            return self.query_one(HealthTab).monitor

        def _start_window(self) -> None:
            if cfg["gc_freeze"]:
                gc.freeze()  # the experiment: what the app could do once started
            mon = self._monitor()
            self._w0 = {
                "wall": pc(),
                "cpu": time.process_time(),
                "ru": resource.getrusage(resource.RUSAGE_SELF),
                "runs": mon.runs if mon else 0,
                "rate_limited": mon.rate_limited_probes if mon else 0,
                "throttled": self.session.client.governor.status().throttled if self.session else 0,
            }
            result["attached_before_window"] = mon is not None
            if mon is not None:
                mon.on_transition.append(lambda t: transitions.append(f"{t.probe}: {t.old}->{t.new}"))
            state["in_window"] = True
            self._sample()
            self.set_interval(5.0, self._sample)
            self.set_timer(cfg["duration"], self._finish)

        def _sample(self) -> None:
            """Every 5 s: what the board shows (the Health line) and the governor's state."""
            if not state["in_window"]:
                return
            mon = self._monitor()
            gov = self.session.client.governor.status() if self.session else None
            line = self.query_one("#health-line").render()
            samples.append(
                {
                    "t": round(pc() - self._w0["wall"], 1),
                    "runs": mon.runs if mon else None,
                    "running": mon.running if mon else None,
                    "used": gov.used if gov else None,
                    "in_flight": gov.in_flight if gov else None,
                    "waiting": gov.waiting if gov else None,
                    "slot_free_in": round(gov.slot_free_in, 1) if gov else None,
                    "line": getattr(line, "plain", str(line)),
                }
            )

        def _finish(self) -> None:
            state["in_window"] = False
            w0 = self._w0
            wall = pc() - w0["wall"]
            cpu = time.process_time() - w0["cpu"]
            ru = resource.getrusage(resource.RUSAGE_SELF)
            mon = self._monitor()
            gov = self.session.client.governor.status() if self.session else None
            rows = mon.rows() if mon else []
            result.update(
                window_s=wall,
                cpu_s=cpu,
                cpu_s_per_min=cpu / wall * 60,
                user_s=ru.ru_utime - w0["ru"].ru_utime,
                sys_s=ru.ru_stime - w0["ru"].ru_stime,
                maxrss_mb=ru.ru_maxrss / 1024,
                probes=len(rows),
                runs=(mon.runs - w0["runs"]) if mon else 0,
                runs_total=mon.runs if mon else 0,
                skipped_runs=mon.skipped_runs if mon else 0,
                run_duration_s=_dist([d * 1000 for d in run_durations]) | {"unit": "ms"},
                last_run_s=mon.last_duration if mon else None,
                status_counts=dict(collections.Counter(str(r.status) for r in rows)),
                row_latency_max_ms=max((r.latency_ms or 0.0 for r in rows), default=None),
                row_errors=dict(collections.Counter(r.last_error for r in rows if r.last_error)),
                transitions=len(transitions),
                transition_examples=transitions[:4],
                samples=samples,
                codes=dict(collections.Counter(str(r.status_code) for r in rows)),
                rate_limited_probe_answers=(mon.rate_limited_probes - w0["rate_limited"]) if mon else 0,
                governor=None
                if gov is None
                else {
                    "limit": gov.limit,
                    "window": gov.window,
                    "source": gov.source,
                    "used": gov.used,
                    "throttled_in_window": gov.throttled - w0["throttled"],
                    "held_for": gov.held_for,
                    "waiting": gov.waiting,
                    "requests_per_minute": gov.requests_per_minute,
                },
                frames=_dist(frames),
                frames_minus_gc=_dist(frames_no_gc),
                slowest_frames=[{"ms": m, "gc_ms": g, "kind": k} for m, g, k in slowest],
                frame_kinds=dict(frame_kinds),
                loop_lag=_dist(loop_lag),
                timer_lag=_dist(timer_lag),
                handlers={k: _dist(v) for k, v in handlers.items()},
                gc={
                    "collections": len(gc_pauses),
                    "gen2": sum(1 for g, _ in gc_pauses if g == 2),
                    "max_ms": max((p for _, p in gc_pauses), default=0.0),
                },
                terminal_bytes=None if cfg["headless"] else out_bytes[0],
            )
            Path(cfg["out"]).write_text(json.dumps(result))
            self.exit(0)

    app = BenchApp(
        StaticSource(profile),
        export_dir=Path(cfg["tmp"]) / "exports",
        history_path=Path(cfg["tmp"]) / "health.sqlite3",
    )
    app.run(headless=cfg["headless"], size=(COLS, ROWS) if cfg["headless"] else None)
    return 0


# ----------------------------------------------------------------------------------- parent


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCTUI_", "XDG_"))}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLS),
        LINES=str(ROWS),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        XDG_CACHE_HOME=str(tmp / "cache"),
    )
    return env


def _proc_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sim:
    """`python -m gctui sim` on a free loopback port, in its own process."""

    def __init__(self, env: dict[str, str], rate_limit: int | None) -> None:
        argv = [sys.executable, "-m", "gctui", "sim", "--host", "127.0.0.1", "--port", "0"]
        argv += ["--token-rate-limit", "1000"]
        if rate_limit is not None:
            argv += ["--rate-limit", str(rate_limit)]
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
        )
        self.base_url = ""
        deadline = time.monotonic() + 30
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                self.base_url = line.rsplit(" ", 1)[1].strip()
                break
        if not self.base_url:
            self.stop()
            raise RuntimeError("the simulator did not start")

    def cpu(self) -> float | None:
        return _proc_cpu(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _run_child(cfg: dict[str, Any], env: dict[str, str], headless: bool) -> tuple[int | None, str]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", cfg["cfg_path"]]
    limit = cfg["warmup"] + cfg["duration"] + 60
    if headless:
        proc = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=False
        )
        return proc.returncode, proc.stderr[-2000:]
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    proc2 = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    tail = b""
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                tail = (tail + chunk)[-4000:]
            elif proc2.poll() is not None:
                break
    finally:
        if proc2.poll() is None:
            os.kill(proc2.pid, signal.SIGKILL)
        proc2.wait(timeout=10)
        os.close(master)
    return proc2.returncode, tail.decode("utf-8", "replace")[-600:]


SCENARIOS: dict[str, dict[str, Any]] = {
    "fast": {"rate_limit": 100_000, "interval": 5.0},
    "limit": {"rate_limit": None, "interval": 5.0},
    "idle": {"rate_limit": 100_000, "interval": 3600.0},
    "idle0": {"rate_limit": 100_000, "interval": 3600.0, "lag_probes": False},
}


def _scenario(
    name: str, duration: float, tmp: Path, env: dict[str, str], headless: bool, gc_freeze: bool
) -> dict[str, Any]:
    spec = SCENARIOS[name]
    work = tmp / name
    work.mkdir()
    sim = Sim(env, spec["rate_limit"])
    try:
        sim_cpu0 = sim.cpu()
        cfg = {
            "base_url": sim.base_url,
            "client_id": "gctui-demo",
            "client_secret": "gctui-demo-secret",
            "interval": spec["interval"],
            "lag_probes": spec.get("lag_probes", True),
            "gc_freeze": gc_freeze,
            "warmup": WARMUP_S,
            "duration": duration,
            "headless": headless,
            "tmp": str(work),
            "out": str(work / "result.json"),
            "cfg_path": str(work / "cfg.json"),
        }
        Path(cfg["cfg_path"]).write_text(json.dumps(cfg))
        t = time.monotonic()
        code, tail = _run_child(cfg, env, headless)
        elapsed = time.monotonic() - t
        sim_cpu1 = sim.cpu()
    finally:
        sim.stop()
    out = Path(cfg["out"])
    res: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {"error": f"exit {code}: {tail}"}
    res["scenario"] = name
    res["sim_rate_limit"] = spec["rate_limit"] or "default (300/60 s)"
    res["interval_s"] = spec["interval"]
    res["child_wall_s"] = elapsed
    if sim_cpu0 is not None and sim_cpu1 is not None:
        res["sim_cpu_s_over_child"] = sim_cpu1 - sim_cpu0
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="fast 20 s, limit 75 s, idles 10 s (default)")
    g.add_argument("--full", action="store_true", help="fast 60 s, limit 120 s, idles 20 s")
    p.add_argument("--scenarios", default="fast,limit,idle,idle0", help="comma list of fast,limit,idle,idle0")
    p.add_argument("--headless", action="store_true", help="App.run(headless=True) instead of a pty")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--gc-freeze", action="store_true", help="experiment: gc.freeze() in the app once started")
    p.add_argument("--verbose", action="store_true", help="print the 5 s samples of every scenario")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return _child(args.child)
    durations = (
        {"fast": 60.0, "limit": 120.0, "idle": 20.0, "idle0": 20.0}
        if args.full
        else {"fast": 20.0, "limit": 75.0, "idle": 10.0, "idle0": 10.0}
    )
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(unknown)}")
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="gctui-health-bench-") as tmpdir:
        tmp = Path(tmpdir)
        env = _env(tmp)
        for name in names:
            results.append(_scenario(name, durations[name], tmp, env, args.headless, args.gc_freeze))
    report = {
        "bench": "tui_health_load",
        "mode": ("headless" if args.headless else f"pty {COLS}x{ROWS}")
        + (", gc.freeze()" if args.gc_freeze else ""),
        "probes": 7 + N_EXTRA,
        "loadavg_before": [round(x, 2) for x in load_before],
        "frame_target_ms": FRAME_TARGET_MS,
        "scenarios": results,
    }
    polling = [r for r in results if r["scenario"] in ("fast", "limit") and "frames" in r]
    cpu = {r["scenario"]: r["cpu_s_per_min"] for r in results if "cpu_s_per_min" in r}
    if "fast" in cpu and "idle" in cpu:
        report["polling_cpu_s_per_min"] = cpu["fast"] - cpu["idle"]
    if "idle" in cpu and "idle0" in cpu:
        report["lag_probe_cpu_s_per_min"] = cpu["idle"] - cpu["idle0"]
    report["meets_target"] = (
        None
        if not polling
        else all(
            (r["frames"]["max"] or 0) <= FRAME_TARGET_MS and (r["loop_lag"]["max"] or 0) <= FRAME_TARGET_MS
            for r in polling
        )
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report, args.verbose)
    return 0


def _f(v: float | None, spec: str = ".1f") -> str:
    return "-" if v is None else format(v, spec)


def _print(rep: dict[str, Any], verbose: bool = False) -> None:
    print(
        f"Health tab, {rep['probes']} probes, app in a child process ({rep['mode']}), simulator in "
        f"another; loadavg {rep['loadavg_before']}"
    )
    for r in rep["scenarios"]:
        head = f"[{r['scenario']}] interval {r['interval_s']:.0f} s, sim limit {r['sim_rate_limit']}"
        if "error" in r:
            print(f"{head}: FAILED {r['error']}")
            continue
        print(
            f"{head}, window {r['window_s']:.1f} s: CPU {r['cpu_s_per_min']:.2f} s/min "
            f"({r['cpu_s_per_min'] / 60 * 100:.1f} % of a core; "
            f"user {r['user_s']:.2f} s, sys {r['sys_s']:.2f} s), "
            f"sim CPU {_f(r.get('sim_cpu_s_over_child'), '.1f')} s over {r['child_wall_s']:.0f} s, "
            f"max RSS {r['maxrss_mb']:.0f} MB"
        )
        rd = r["run_duration_s"]
        gov = r["governor"] or {}
        print(
            f"  runs {r['runs']} in window ({r['runs_total']} total, {r['skipped_runs']} skipped), "
            f"run time median {_f(rd['median'], '.0f')} ms max {_f(rd['max'], '.0f')} ms; "
            f"rows {r['status_counts']} codes {r['codes']}; 429 answers {r['rate_limited_probe_answers']}"
        )
        print(
            f"  governor: limit {gov.get('limit')}/{_f(gov.get('window'), '.0f')} s ({gov.get('source')}), "
            f"used {gov.get('used')}, throttled {gov.get('throttled_in_window')}, "
            f"held_for {_f(gov.get('held_for'), '.1f')} s, waiting {gov.get('waiting')}"
        )
        if r["transitions"] or r["row_errors"]:
            print(
                f"  probe transitions in window: {r['transitions']} e.g. {r['transition_examples']}; "
                f"row max latency {_f(r['row_latency_max_ms'], '.0f')} ms; errors {r['row_errors']}"
            )
        if verbose or r["scenario"] == "limit":
            for smp in r["samples"]:
                print(
                    f"    t={smp['t']:>5}s runs={smp['runs']} running={smp['running']} used={smp['used']} "
                    f"in_flight={smp['in_flight']} waiting={smp['waiting']} free_in={smp['slot_free_in']}s "
                    f"| {smp['line']}"
                )
        for label in ("frames", "frames_minus_gc", "loop_lag", "timer_lag"):
            d = r[label]
            print(
                f"  {label:<15} n={d['n']:<5} max {_f(d['max'])} p99 {_f(d['p99'])} p95 {_f(d['p95'])} "
                f"median {_f(d['median'], '.2f')} ms, >50 ms: {d['over_50ms']}"
            )
        hs = ", ".join(
            f"{k} max {_f(v['max'])}/med {_f(v['median'], '.2f')} ms (n={v['n']})"
            for k, v in r["handlers"].items()
        )
        print(f"  handlers: {hs}")
        sl = ", ".join(f"{x['ms']:.1f} ms ({x['gc_ms']:.1f} gc, {x['kind']})" for x in r["slowest_frames"])
        print(f"  slowest frames: {sl}")
        gcd = r["gc"]
        tb = r.get("terminal_bytes")
        out = "-" if tb is None else f"{tb / r['window_s'] * 60 / 1024:.0f} KiB/min"
        print(
            f"  gc: {gcd['collections']} collections ({gcd['gen2']} gen2), max pause {gcd['max_ms']:.1f} ms; "
            f"terminal output {out}"
        )
    if "polling_cpu_s_per_min" in rep:
        print(f"polling cost (fast - idle): {rep['polling_cpu_s_per_min']:.2f} CPU s/min")
    if "lag_probe_cpu_s_per_min" in rep:
        print(
            f"the 10 ms lag probes themselves (idle - idle0): {rep['lag_probe_cpu_s_per_min']:.2f} CPU s/min"
        )
    print(
        f"target: no frame and no loop stall > {rep['frame_target_ms']:.0f} ms while polling: "
        f"{ {True: 'OK', False: 'MISSED', None: 'n/a (no polling scenario)'}[rep['meets_target']] }"
    )


if __name__ == "__main__":
    raise SystemExit(main())
