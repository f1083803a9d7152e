"""First frame of `gctui --demo` vs a bare Textual app, both cold, in the same run.

Target (issue 9): median(gctui --demo) <= 1.3 x median(the same widgets in bare Textual: the
`widgets` variant). The ratio to the `bare` app (Static + Footer) is printed too.

Method: every run is a fresh interpreter started on the slave side of a pseudo-terminal
(120x40, TERM=xterm-256color) with the real Linux driver; the bench reads the master side and
stops the clock when the output, ANSI sequences stripped, first contains the app's text ("Health"
for gctui, "BENCH BARE APP" for the bare app: an App with a Static and a Footer). That is process
start (spawn) to first frame bytes on the terminal, imports and interpreter start included. The
child is then killed (SIGKILL by pid; it is our own child). Variants are interleaved round-robin
after one discarded warm-up round (the disk cache is warm: "cold" means fresh imports). Bytecode
is cached as after an install: the children write and read it under a temp PYTHONPYCACHEPREFIX
(the warm-up round compiles), even when PYTHONDONTWRITEBYTECODE is set around the bench, which
would otherwise have every run compile gctui's sources (~25 ms that no installed copy pays);
`--no-pyc-cache` measures that way instead.

Variants:
  bare          python -c <App with Static + Footer>
  widgets       python -c <App with the widget classes gctui's first frame shows: Static,
                TabbedContent/TabPane, DataTable (10 columns), Input, Footer>: Textual's floor
  gctui         python -m gctui --demo        (the real entry, unmodified)
  bare+hook     the bare app, with App._display wrapped to timestamp the first frame
  gctui+hook    gctui.cli.main.main(["--demo"]) with App._display, GctuiApp.__init__/on_mount and
                DemoSource.open wrapped: a timeline (perf_counter is CLOCK_MONOTONIC, shared
                with the parent), the modules and threads alive at the first frame
  gctui+nosim   as gctui+hook, but DemoSource.open sleeps 3 s first: the simulator's start-up
                (uvicorn/starlette imports in a thread) is taken out of the first-frame window

Then: `-X importtime` self time of the modules loaded at gctui's first frame that the bare app
does not load, summed by top-level package; and `python -X importtime -m gctui --version`.

    python bench/bench_tui_first_frame.py            # --quick: 7 runs per variant (~1 min)
    python bench/bench_tui_first_frame.py --full     # 15 runs per variant
    python bench/bench_tui_first_frame.py --json
    python bench/bench_tui_first_frame.py --no-pyc-cache   # every run compiles what has no .pyc
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 120, 40
RUN_TIMEOUT = 20.0
TARGET_RATIO = 1.3
HEAVY = ("pandas", "networkx", "pyarrow", "numpy", "uvicorn", "starlette", "gctui.sim.server")

_ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")

BARE_MARKER = b"BENCH BARE APP"
WIDGETS_MARKER = b"BENCH WIDGETS APP"
GCTUI_MARKER = b"Health"

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static


class BareApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        yield Static("BENCH BARE APP")
        yield Footer()
"""

# The widget classes gctui's first frame uses (its structural floor), none of its own code.
WIDGETS_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane


class WidgetsApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        yield Static("BENCH WIDGETS APP")
        with TabbedContent():
            with TabPane("1 Health"):
                yield Static("waiting for the org")
                yield DataTable()
        yield Input()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for i in range(10):
            table.add_column(f"col{i}", width=8)
"""

# Runs in the child. Only standard modules and the ones the app imports anyway are imported
# before the app; everything written to disk happens after the first frame.
HOOK = """
import time
_T = {"script": time.perf_counter()}
import json, os, sys, threading
import textual.app
_T["import textual.app"] = time.perf_counter()
from textual.app import App

MODE = os.environ["BENCH_FF_MODE"]
OUT = os.environ["BENCH_FF_OUT"]
_snap = {}


def _dump():
    data = dict(_snap, marks=dict(_T))
    with open(OUT + ".tmp", "w") as f:
        json.dump(data, f)
    os.replace(OUT + ".tmp", OUT)


_orig_display = App._display


def _display(self, screen, renderable):
    _orig_display(self, screen, renderable)
    if renderable is not None and "first frame" not in _T:
        _T["first frame"] = time.perf_counter()
        _snap["modules"] = list(sys.modules)
        _snap["threads"] = [t.name for t in threading.enumerate()]
        self.call_later(_dump)


App._display = _display

if MODE == "bare":
__BARE__
    _T["app class"] = time.perf_counter()
    app = BareApp()
    _T["app created"] = time.perf_counter()
    app.run()
else:
    import gctui.cli.main
    _T["import gctui.cli.main"] = time.perf_counter()
    import gctui.config
    import gctui.cli.launch
    import gctui.cli.profile
    _T["import gctui.config"] = time.perf_counter()
    import gctui.tui.app
    _T["import gctui.tui.app"] = time.perf_counter()
    cls = gctui.tui.app.GctuiApp
    _init, _mount = cls.__init__, cls.on_mount

    def __init__(self, *a, **k):
        _T["GctuiApp.__init__"] = time.perf_counter()
        _init(self, *a, **k)

    def on_mount(self):
        _T["GctuiApp.on_mount"] = time.perf_counter()
        _mount(self)

    cls.__init__, cls.on_mount = __init__, on_mount
    src = gctui.cli.profile.DemoSource
    _open = src.open

    def open_(self):
        _T["DemoSource.open start"] = time.perf_counter()
        if os.environ.get("BENCH_FF_DELAY_OPEN"):
            time.sleep(float(os.environ["BENCH_FF_DELAY_OPEN"]))
        try:
            return _open(self)
        finally:
            _T["DemoSource.open end (sim up)"] = time.perf_counter()
            if "first frame" in _T:
                _dump()

    src.open = open_
    gctui.cli.main.main(["--demo"])
"""


def _hook_source() -> str:
    bare = "\n".join("    " + line if line else "" for line in BARE_APP.strip("\n").splitlines())
    return HOOK.replace("__BARE__", bare)


VARIANTS: dict[str, dict[str, Any]] = {
    "bare": {"argv": ["-c", BARE_APP + "\nBareApp().run()\n"], "marker": BARE_MARKER},
    "widgets": {"argv": ["-c", WIDGETS_APP + "\nWidgetsApp().run()\n"], "marker": WIDGETS_MARKER},
    "gctui": {"argv": ["-m", "gctui", "--demo"], "marker": GCTUI_MARKER},
    "bare+hook": {"argv": ["-c", "HOOK"], "marker": BARE_MARKER, "env": {"BENCH_FF_MODE": "bare"}},
    "gctui+hook": {"argv": ["-c", "HOOK"], "marker": GCTUI_MARKER, "env": {"BENCH_FF_MODE": "gctui"}},
    "gctui+nosim": {
        "argv": ["-c", "HOOK"],
        "marker": GCTUI_MARKER,
        "env": {"BENCH_FF_MODE": "gctui", "BENCH_FF_DELAY_OPEN": "3"},
    },
}


def _base_env(home: Path, *, pyc_cache: bool = True) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GENESYSCLOUD_", "GCTUI_", "TEXTUAL", "XDG_"))
    }
    if pyc_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLS),
        LINES=str(ROWS),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
    )
    return env


def _run_once(name: str, env: dict[str, str], out: Path, hook_src: str) -> dict[str, Any]:
    spec = VARIANTS[name]
    argv = [sys.executable] + [hook_src if a == "HOOK" else a for a in spec["argv"]]
    instrumented = "HOOK" in spec["argv"]
    env = dict(env, **spec.get("env", {}), BENCH_FF_OUT=str(out))
    out.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    buf = b""
    first_bytes: float | None = None
    frame: float | None = None
    try:
        while time.perf_counter() - t0 < RUN_TIMEOUT:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            now = time.perf_counter()
            if first_bytes is None:
                first_bytes = now - t0
            buf += chunk
            if spec["marker"] in _ANSI.sub(b"", buf):
                frame = now - t0
                break
        info: dict[str, Any] = {}
        if instrumented and frame is not None:
            want_open = name.startswith("gctui") and name != "gctui+nosim"
            deadline = time.perf_counter() + 8.0
            while time.perf_counter() < deadline:
                _drain(master)
                if out.exists():
                    info = json.loads(out.read_text())
                    if not want_open or "DemoSource.open end (sim up)" in info.get("marks", {}):
                        break
                time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(master)
    result: dict[str, Any] = {"frame_s": frame, "first_bytes_s": first_bytes}
    if info:
        result["marks_ms"] = {k: (v - t0) * 1000 for k, v in info["marks"].items()}
        result["modules"] = info.get("modules", [])
        result["threads"] = info.get("threads", [])
    if frame is None:
        result["error"] = f"marker not seen in {RUN_TIMEOUT:.0f}s; output tail {_ANSI.sub(b'', buf)[-200:]!r}"
    return result


def _drain(fd: int) -> None:
    while True:
        ready, _, _ = select.select([fd], [], [], 0)
        if not ready:
            return
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _importtime(code: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """(self_us, cumulative_us, depth, module) for each line of `python -X importtime ...`."""
    proc = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-X", "importtime", *code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m[1]), int(m[2]), len(m[3]) // 2, m[4]))
    return rows


def _extra_import_cost(gctui_mods: list[str], bare_mods: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Self import time of the modules only gctui has at its first frame, by top-level package.
    Median of 3 `-X importtime` runs importing exactly gctui's first-frame module set."""
    extra = set(gctui_mods) - set(bare_mods)
    code = (
        "import importlib, sys\n"
        f"for m in {sorted(set(gctui_mods))!r}:\n"
        "    if m in sys.modules or m == '__main__':\n"
        "        continue\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    per_run: list[dict[str, float]] = []
    total_runs: list[float] = []
    for _ in range(3):
        rows = _importtime(["-c", code], env)
        by_pkg: dict[str, float] = {}
        for self_us, _cum, _depth, mod in rows:
            if mod in extra:
                top = "gctui" if mod.startswith("gctui") else mod.split(".")[0]
                if top == "gctui":
                    top = ".".join(mod.split(".")[:2])
                by_pkg[top] = by_pkg.get(top, 0.0) + self_us / 1000
        per_run.append(by_pkg)
        total_runs.append(sum(by_pkg.values()))
    keys = set().union(*per_run)
    med = {k: statistics.median(r.get(k, 0.0) for r in per_run) for k in keys}
    top = sorted(med.items(), key=lambda kv: -kv[1])[:14]
    return {
        "extra_modules": len(extra),
        "extra_self_ms_total": statistics.median(total_runs),
        "by_package_ms": [{"package": k, "self_ms": round(v, 1)} for k, v in top],
    }


def _version_importtime(env: dict[str, str]) -> dict[str, Any]:
    rows = _importtime(["-m", "gctui", "--version"], env)
    top = sorted((r for r in rows if r[2] == 0), key=lambda r: -r[1])[:8]
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gctui", "--version"], capture_output=True, env=env, cwd=ROOT,
            timeout=30, check=False,
        )  # fmt: skip
        walls.append(time.perf_counter() - t)
    return {
        "wall_ms_median": statistics.median(walls) * 1000,
        "top_level_cumulative_ms": [{"module": r[3], "cum_ms": round(r[1] / 1000, 1)} for r in top],
        "heavy_imported": [m for m in HEAVY if any(r[3] == m for r in rows)],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="7 runs per variant (default)")
    g.add_argument("--full", action="store_true", help="15 runs per variant")
    p.add_argument("--runs", type=int, default=None, help="runs per variant (overrides the mode)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument(
        "--no-pyc-cache",
        action="store_true",
        help="no bytecode cache of the bench's own: sources without a .pyc compile each run",
    )
    args = p.parse_args(argv)
    runs = args.runs or (15 if args.full else 7)
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="gctui-ff-") as tmp:
        home = Path(tmp)
        env = _base_env(home, pyc_cache=not args.no_pyc_cache)
        out = home / "hook.json"
        hook_src = _hook_source()
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
        started = time.perf_counter()
        for rnd in range(runs + 1):  # round 0 is a warm-up, discarded
            for name in VARIANTS:
                r = _run_once(name, env, out, hook_src)
                if rnd > 0:
                    results[name].append(r)
                elif r["frame_s"] is None:
                    print(f"{name}: {r['error']}", file=sys.stderr)
        runs_s = time.perf_counter() - started

        summary: dict[str, Any] = {}
        for name, rs in results.items():
            frames = [r["frame_s"] * 1000 for r in rs if r["frame_s"] is not None]
            summary[name] = {
                "median_ms": _median(frames),
                "min_ms": min(frames) if frames else None,
                "max_ms": max(frames) if frames else None,
                "ok": len(frames),
                "failed": len(rs) - len(frames),
            }
            marks = [r["marks_ms"] for r in rs if "marks_ms" in r]
            if marks:
                keys = list(marks[0])
                summary[name]["timeline_ms"] = {
                    k: round(statistics.median(m[k] for m in marks if k in m), 1) for k in keys
                }
        bare_m, gctui_m = summary["bare"]["median_ms"], summary["gctui"]["median_ms"]
        widgets_m = summary["widgets"]["median_ms"]
        ratio = gctui_m / bare_m if bare_m and gctui_m else None
        ratio_widgets = gctui_m / widgets_m if widgets_m and gctui_m else None

        hooked = next((r for r in results["gctui+hook"] if r.get("modules")), None)
        hooked_bare = next((r for r in results["bare+hook"] if r.get("modules")), None)
        checks: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        if hooked and hooked_bare:
            mods = set(hooked["modules"])
            checks["heavy_at_first_frame"] = {
                m: sum(1 for r in results["gctui+hook"] if m in r.get("modules", ())) for m in HEAVY
            }
            checks["threads_at_first_frame"] = sorted(
                {t for r in results["gctui+hook"] for t in r.get("threads", ())}
            )
            opened_before = [
                r["marks_ms"].get("DemoSource.open start", 1e9) < r["marks_ms"].get("first frame", 0)
                for r in results["gctui+hook"]
                if "marks_ms" in r
            ]
            checks["sim_open_started_before_first_frame"] = f"{sum(opened_before)}/{len(opened_before)}"
            checks["modules_at_first_frame"] = {"bare": len(hooked_bare["modules"]), "gctui": len(mods)}
            extra = _extra_import_cost(hooked["modules"], hooked_bare["modules"], env)
        version = _version_importtime(env)

    report = {
        "bench": "tui_first_frame",
        "runs_per_variant": runs,
        "terminal": f"{COLS}x{ROWS} pty",
        "loadavg_before": [round(x, 2) for x in load_before],
        "pyc_cache": not args.no_pyc_cache,
        "wall_s": round(runs_s, 1),
        "variants": summary,
        "ratio_gctui_vs_bare": ratio,
        "ratio_gctui_vs_widgets": ratio_widgets,
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio_widgets is not None and ratio_widgets <= TARGET_RATIO,
        "checks": checks,
        "gctui_only_import_cost": extra,
        "gctui_version": version,
    }
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print(report)
    return 0


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f}"


def _print(rep: dict[str, Any]) -> None:
    print(
        f"first frame, spawn -> app text on a {rep['terminal']}; {rep['runs_per_variant']} runs/variant "
        f"(+1 warm-up), loadavg {rep['loadavg_before']}, {rep['wall_s']} s, "
        f"bytecode {'cached' if rep['pyc_cache'] else 'not cached (--no-pyc-cache)'}"
    )
    print(f"{'variant':<13} {'median ms':>9} {'min':>6} {'max':>6}  ok/failed")
    for name, s in rep["variants"].items():
        print(
            f"{name:<13} {_fmt(s['median_ms']):>9} {_fmt(s['min_ms']):>6} {_fmt(s['max_ms']):>6}  "
            f"{s['ok']}/{s['failed']}"
        )
    ratio = rep["ratio_gctui_vs_bare"]
    rw = rep["ratio_gctui_vs_widgets"]
    verdict = "OK" if rep["meets_target"] else "OVER TARGET"
    print(
        f"ratio gctui/widgets (the same widget set without gctui): {'-' if rw is None else f'{rw:.2f}'}x "
        f"(target <= {rep['target_ratio']}x) {verdict}; "
        f"gctui/bare: {'-' if ratio is None else f'{ratio:.2f}'}x"
    )
    for name in ("bare+hook", "gctui+hook", "gctui+nosim"):
        tl = rep["variants"][name].get("timeline_ms")
        if tl:
            steps = sorted(tl.items(), key=lambda kv: kv[1])
            print(f"timeline {name} (median ms since spawn): " + ", ".join(f"{k} {v:.0f}" for k, v in steps))
    c = rep["checks"]
    if c:
        heavy = ", ".join(f"{m} {n}/{rep['runs_per_variant']}" for m, n in c["heavy_at_first_frame"].items())
        print(f"loaded at gctui's first frame (runs): {heavy}")
        print(
            f"DemoSource.open started before the first frame: {c['sim_open_started_before_first_frame']}; "
            f"threads then: {', '.join(c['threads_at_first_frame'])}"
        )
        print(f"modules at first frame: {c['modules_at_first_frame']}")
    e = rep["gctui_only_import_cost"]
    if e:
        print(
            f"-X importtime self time of the {e['extra_modules']} modules only gctui loads before its "
            f"first frame: {e['extra_self_ms_total']:.0f} ms (importtime inflates ~1.3x); by package:"
        )
        print("  " + ", ".join(f"{d['package']} {d['self_ms']:.1f}" for d in e["by_package_ms"]))
    v = rep["gctui_version"]
    print(
        f"gctui --version: {v['wall_ms_median']:.0f} ms wall; top importers (cumulative ms): "
        + ", ".join(f"{d['module']} {d['cum_ms']:.0f}" for d in v["top_level_cumulative_ms"][:6])
        + f"; heavy: {v['heavy_imported'] or 'none'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
