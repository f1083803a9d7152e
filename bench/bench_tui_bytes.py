"""Bytes the console writes to the terminal per second: what a slow SSH link has to carry.

Black box: `python -m gctui --demo` runs unmodified on the slave side of a pseudo-terminal
(120x40 by default, TERM=xterm-256color, Textual's real Linux driver), with XDG dirs in a temp
dir and a config file that sets the probe interval. The bench drains the master side and
stamps every chunk it reads. After a warm-up (first frame, login, first probe run) it counts
the bytes in a measuring window.

Scenarios (a fresh app each):
  idle      interval 3600 s: nothing is polled in the window; only clocks tick.
  default   the default interval (30 s): one probe run falls in a 30 s window.
  polling   interval 5 s: a probe run every 5 s (7 probes) inside the window.

    python bench/bench_tui_bytes.py                 # all three, 30 s windows (~2 min)
    python bench/bench_tui_bytes.py --window 60 --size 80x24
    python bench/bench_tui_bytes.py --json

Target (issue 9): <= 300 B/s idle on the Health tab at 120x40.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _config(directory: Path, interval: int) -> Path:
    path = directory / "config.toml"
    path.write_text(f"[health]\ninterval_seconds = {interval}\n")
    return path


def measure(interval: int, *, warmup: float, window: float, size: tuple[int, int]) -> dict[str, object]:
    cols, rows = size
    with tempfile.TemporaryDirectory(prefix="gctui-bench-bytes-") as tmp:
        base = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCTUI_"))}
        for name in ("CONFIG", "DATA", "CACHE", "STATE"):
            (base / name.lower()).mkdir()
            env[f"XDG_{name}_HOME"] = str(base / name.lower())
        env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        config = _config(base, interval)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "gctui", "--config", str(config), "--demo"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        chunks: list[tuple[float, int]] = []
        start = time.monotonic()
        end = start + warmup + window
        try:
            while (now := time.monotonic()) < end:
                ready, _, _ = select.select([master], [], [], min(0.2, end - now))
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        break
                    if not data:
                        break
                    chunks.append((time.monotonic() - start, len(data)))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            os.close(master)
    in_window = [(t, n) for t, n in chunks if t >= warmup]
    total = sum(n for _, n in in_window)
    per_second = [0] * int(window)
    for t, n in in_window:
        per_second[min(int(t - warmup), len(per_second) - 1)] += n
    return {
        "interval": interval,
        "size": f"{cols}x{rows}",
        "warmupBytes": sum(n for t, n in chunks if t < warmup),
        "windowSeconds": window,
        "windowBytes": total,
        "bytesPerSecond": round(total / window, 1),
        "quietSeconds": sum(1 for n in per_second if n == 0),
        "busiestSecond": max(per_second) if per_second else 0,
        "writes": len(in_window),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured (default 30)")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds before the window (default 8)")
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS (default 120x40)")
    parser.add_argument(
        "--scenarios",
        nargs="*",
        default=["idle", "default", "polling"],
        choices=["idle", "default", "polling"],
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cols, rows = (int(x) for x in args.size.lower().split("x"))
    intervals = {"idle": 3600, "default": 30, "polling": 5}
    results = {
        name: measure(intervals[name], warmup=args.warmup, window=args.window, size=(cols, rows))
        for name in args.scenarios
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"terminal {cols}x{rows}, window {args.window:.0f} s after {args.warmup:.0f} s warm-up")
    print(f"{'scenario':<9} {'B/s':>8} {'bytes':>8} {'writes':>7} {'quiet s':>8} {'max B in 1 s':>13}")
    for name, r in results.items():
        print(
            f"{name:<9} {r['bytesPerSecond']:>8} {r['windowBytes']:>8} {r['writes']:>7} "
            f"{r['quietSeconds']:>8} {r['busiestSecond']:>13}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
