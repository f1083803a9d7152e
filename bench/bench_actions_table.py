"""The Data actions tab at 10,000 actions: load, filter and sort, each timed until its frame.

The real `GctuiApp`, headless (`App.run_test(size=(120, 40))`), against `python -m gctui sim
--actions N` in its own process (so the app's CPU and loop are measured alone), with `XDG_*`
pointed at a temp dir (the journal, history and crash logs go there). `App._display` is wrapped:
it stamps each frame and renders its escape sequences as the real driver would
(`render_segments`, as `bench_table.py` does), and checks, at that frame, the conditions the
bench waits for, so "X on screen" is the first frame drawn with X true. Nothing in `gctui/` is
changed: the hooks are the bench's own wrappers.

Load (the app connected and its Health tab's first run done first; the clock starts when `2`
is pressed, which is when the tab starts loading):
  first rows    the first frame with action rows drawn in the table
  full table    the first frame with all N rows in the table and the status line no longer
                saying "loading"; with the tab's own milestones (the listing's last page, the
                first batch of rows posted, LoadDone), the requests the simulator answered and
                its 429s, and the app process's CPU
  loop stall    an asyncio task in the app's loop sleeps 10 ms in a loop; its lateness is the
                loop's stall (max, p99, how many over 50 ms), between `2` and the full table

Then, the table focused, "used by" of the rows on screen settled (no lookup in flight), each
the median of --reps after one warm-up (reported as `first`: the first time since the load),
`gc.collect()` before each, "do X, then wait for the first frame showing it"; `handler` is the
call's own time (for calls, not keys), `back` the median of undoing it:
  redraw        the reference: the table's line cache dropped and the whole widget refreshed,
                i.e. one full re-render of the ~36 visible rows; measured before every timed
                rep of every step (the box is shared), the median of all of them. `redraw~`
                keeps the cache; `status_line` is the tab's status Static updated alone
  filter        a `/` keystroke as the shell applies it (`on_prompt_bar_typed` ->
                `GctuiApp._apply_filter` -> `DataView.apply_filter` + the tab's status line; no
                debounce on that path): "balance" on the whole table, no mask kept (every row
                searched); back: the filter cleared
  filter_key    the real thing: `/` opened, then the key "b" pressed (key -> Input ->
                PromptBar.Typed -> apply -> frame); back: Esc
  type          the median keystroke of "balance" after the first (only the rows still shown
                are searched; each ends with a cached refresh so every keystroke has a frame)
  filter_after_expr  as filter, right after `:filter risk` and `:filter` (the expression is
                the table's row predicate: the rows and their texts stay)
  expr          `:filter risk` (`DataActionsTab.command_where`: compile, the table's `set_where`,
                status line); back: `:filter` with nothing (the predicate dropped)
  expr_key      the same typed at `:`, timed from Enter
  sort          the `s` key (by name, from the listing's order); back: `sort_by(None)`
  sort_num      `sort_by("executions")`

Ratios are to `redraw`; target: filter, filter_key, expr and sort <= 1.5x. A second line
repeats the load at the simulator's default limit (300 requests a minute per token);
`--no-default-limit` skips it. Every wait is bounded (`--load-timeout`,
`--default-limit-timeout`, 30 s per step).

    python bench/bench_actions_table.py                 # 10,000 actions, 5 reps (~1 3/4 min)
    python bench/bench_actions_table.py --actions 2000 --reps 3 --no-default-limit
    python bench/bench_actions_table.py --json
    python bench/bench_actions_table.py --load-only --no-default-limit   # the load alone (~15 s)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5
FAST_LIMIT = 100_000
SIZE = (120, 40)
FILTER_WORD = "balance"
EXPRESSION = "risk"
STEPS = ("filter", "filter_key", "type", "filter_after_expr", "expr", "expr_key", "sort", "sort_num")
TARGETED = ("filter", "filter_key", "expr", "sort")  # the issue's: a `/` keystroke, `:filter`, a sort


# -- the simulator, in its own process --------------------------------------------------------


class Sim:
    """`python -m gctui sim` on a free loopback port."""

    def __init__(self, env: dict[str, str], actions: int, flows: int, rate_limit: int | None) -> None:
        argv = [sys.executable, "-m", "gctui", "sim", "--host", "127.0.0.1", "--port", "0"]
        argv += ["--actions", str(actions), "--flows", str(flows), "--token-rate-limit", "1000"]
        if rate_limit is not None:
            argv += ["--rate-limit", str(rate_limit)]
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
        )
        self.base_url = ""
        deadline = time.monotonic() + 60
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

    def stats(self) -> dict[str, Any]:
        import httpx

        answer = httpx.get(f"{self.base_url}/sim/control/stats", timeout=10)
        answer.raise_for_status()
        data: dict[str, Any] = answer.json()
        return data

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


class Source:
    """A profile pointing at the simulator (as the tests' SimSource)."""

    label = "bench"

    def __init__(self, base_url: str) -> None:
        from gctui.config import ResolvedProfile
        from gctui.config.models import HealthConfig
        from gctui.genesys.options import ClientOptions
        from gctui.genesys.regions import resolve_region
        from gctui.genesys.secrets import Secret
        from gctui.sim.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

        self.profile = ResolvedProfile(
            name="bench",
            options=ClientOptions(
                region=resolve_region(base_url),
                client_id=DEMO_CLIENT_ID,
                client_secret=Secret(DEMO_CLIENT_SECRET),
            ),
            health=HealthConfig(),
        )

    def open(self) -> Any:
        return self.profile

    def close(self) -> None:
        return None


# -- frames ------------------------------------------------------------------------------------


class Frames:
    """`App._display` wrapped: each frame stamped, its bytes counted, the watches checked."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[float] = []
        self.bytes: list[int] = []
        self.watches: dict[str, tuple[Callable[[], bool], list[float]]] = {}
        self.event = asyncio.Event()
        display = app._display

        def stamped(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            size = (
                len(renderable.render_segments(app.console).encode())
                if hasattr(renderable, "render_segments")
                else 0
            )
            now = time.perf_counter()
            self.times.append(now)
            self.bytes.append(size)
            for pred, hit in self.watches.values():
                if not hit and pred():
                    hit.append(now)
            self.event.set()

        app._display = stamped

    def watch(self, name: str, pred: Callable[[], bool]) -> None:
        self.watches[name] = (pred, [])

    def hit(self, name: str) -> float | None:
        found = self.watches[name][1]
        return found[0] if found else None

    async def until(self, name: str, within: float) -> float:
        """The perf_counter of the first frame on which watch ``name`` held."""
        deadline = time.perf_counter() + within
        while self.hit(name) is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no frame with {name!r} in {within:.0f} s")
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), min(left, 1.0))
            except TimeoutError:
                pass
        found = self.hit(name)
        assert found is not None
        return found

    async def timed(
        self, action: Callable[[], Any], done: Callable[[], bool], within: float = 30
    ) -> tuple[float, float | None]:
        """Seconds from calling ``action`` to the first frame after it on which ``done()`` holds,
        and how long ``action`` itself ran (None for a coroutine: keys pressed through the pilot)."""
        gc.collect()
        name = f"timed-{len(self.watches)}"
        start = time.perf_counter()
        self.watch(name, lambda: time.perf_counter() > start and done())
        result = action()
        handler = None if asyncio.iscoroutine(result) else time.perf_counter() - start
        if asyncio.iscoroutine(result):
            await result
        end = await self.until(name, within)
        del self.watches[name]
        return end - start, handler


async def wait_until(pred: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.perf_counter() + within
    while not pred():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not reached in {within:.0f} s")
        await asyncio.sleep(0.02)


class LagProbe:
    """Sleeps 10 ms in a loop on the app's event loop; records how late each wake-up is."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t = loop.time()
            await asyncio.sleep(0.01)
            self.lags.append(loop.time() - t - 0.01)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if os.environ.get("BENCH_SLOW_CALLBACKS"):  # diagnosis: asyncio names each slow callback
            import logging

            logging.basicConfig(stream=sys.__stderr__, level=logging.WARNING)
            loop.slow_callback_duration = float(os.environ["BENCH_SLOW_CALLBACKS"])
            loop.set_debug(True)
        self._task = loop.create_task(self._run())

    async def stop(self) -> dict[str, Any]:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        lags = sorted(self.lags) or [0.0]
        return {
            "max_ms": lags[-1] * 1000,
            "p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000,
            "median_ms": statistics.median(lags) * 1000,
            "over_50ms": sum(1 for v in lags if v > 0.05),
            "samples": len(self.lags),
        }


MARKS: dict[str, float] = {}


def install_milestones() -> None:
    """The tab's own messages, stamped on arrival into ``MARKS`` (class-level wrappers, this
    process only, installed once)."""
    from gctui.tui.tabs.actions import DataActionsTab

    if getattr(DataActionsTab, "_bench_marks", False):
        return
    progress, batch, done = (
        DataActionsTab.on_load_progress,
        DataActionsTab.on_rows_batch,
        DataActionsTab.on_load_done,
    )

    def on_load_progress(self: Any, message: Any) -> None:
        MARKS.setdefault("first page", time.perf_counter())
        if message.done >= message.total:
            MARKS["last page"] = time.perf_counter()
        progress(self, message)

    def on_rows_batch(self: Any, message: Any) -> None:
        MARKS.setdefault("first batch", time.perf_counter())
        batch(self, message)
        MARKS["last batch"] = time.perf_counter()

    def on_load_done(self: Any, message: Any) -> None:
        MARKS["LoadDone"] = time.perf_counter()
        done(self, message)

    DataActionsTab.on_load_progress = on_load_progress  # type: ignore[method-assign]
    DataActionsTab.on_rows_batch = on_rows_batch  # type: ignore[method-assign]
    DataActionsTab.on_load_done = on_load_done  # type: ignore[method-assign]
    DataActionsTab._bench_marks = True  # type: ignore[attr-defined]


# -- one run -----------------------------------------------------------------------------------


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def run(
    base_url: str, sim: Sim, n: int, reps: int, interactive: bool, load_timeout: float, tmp: Path
) -> dict[str, Any]:
    from gctui.tui.app import GctuiApp
    from gctui.tui.tabs.actions import DataActionsTab
    from gctui.tui.tabs.actions_usedby import window_keys

    install_milestones()
    MARKS.clear()
    marks = MARKS
    app = GctuiApp(Source(base_url), export_dir=tmp / "exports", history_path=tmp / "history.sqlite3")
    frames = Frames(app)
    out: dict[str, Any] = {"actions": n}
    async with app.run_test(size=SIZE) as pilot:
        health: Any = app.query_one("#health-tab")
        await wait_until(lambda: app.context is not None, 30, "connected")
        await wait_until(
            lambda: health.monitor is not None and health.monitor.runs >= 1 and not health.monitor.running,
            30,
            "health run",
        )
        await asyncio.sleep(0.3)

        def shown_tab() -> Any:
            """The tab once `2` has mounted it (its module is imported when first shown)."""
            found = app.query(DataActionsTab)
            return found.first() if found else None

        def first_rows() -> bool:
            t = shown_tab()
            v = t.data_view() if t is not None else None
            return v is not None and v.total > 0 and bool(v._lines) and bool(v.region.area)

        def full_table() -> bool:
            t = shown_tab()
            if t is None or not t.loaded or t.data_view().total != n:
                return False
            return "loading" not in str(t.query_one("#actions-status").render())

        frames.watch("first rows", first_rows)
        frames.watch("full table", full_table)
        before = sim.stats()
        probe = LagProbe()
        probe.start()
        cpu0, frames0 = time.process_time(), len(frames.times)
        t0 = time.perf_counter()
        await pilot.press("2")
        first = await frames.until("first rows", load_timeout)
        full = await frames.until("full table", load_timeout - (first - t0))
        tab = app.query_one(DataActionsTab)
        view = tab.data_view()
        status: Any = tab.query_one("#actions-status")
        cpu = time.process_time() - cpu0
        out["loop_stall"] = await probe.stop()
        after = sim.stats()
        load_frames = frames.times[frames0:]
        gaps = [b - a for a, b in itertools.pairwise(load_frames)]
        out.update(
            first_rows_ms=(first - t0) * 1000,
            full_table_ms=(full - t0) * 1000,
            milestones_ms={
                k: round((v - t0) * 1000, 1)
                for k, v in sorted(marks.items(), key=lambda kv: kv[1])
                if v >= t0
            },
            load_cpu_s=cpu,
            load_frames=len(load_frames),
            load_longest_frame_gap_ms=max(gaps, default=0.0) * 1000,
            requests=after["requests"] - before["requests"],
            server_429s=after["rateLimited"] - before["rateLimited"],
            rows=view.total,
            at_risk=sum(1 for r in tab.rows.values() if r.risk),
        )
        if not interactive:
            return out

        # -- the table focused, used-by settled --------------------------------------------------
        await wait_until(lambda: app.focused is view, 5, "table focused")

        async def settle() -> None:
            """No used-by lookup in flight and none wanted for the rows on screen (two ticks)."""
            calm = 0
            deadline = time.perf_counter() + 30
            while calm < 2 and time.perf_counter() < deadline:
                await asyncio.sleep(0.3)
                quiet = not tab.used.pending and all(tab.used.known(k) for k in window_keys(view))
                calm = calm + 1 if quiet else 0
            if calm < 2:
                raise TimeoutError("used-by lookups did not settle in 30 s")

        async def measure(
            name: str,
            do: Callable[[], Any],
            done: Callable[[], bool],
            undo: Callable[[], Any] | None = None,
            undone: Callable[[], bool] = lambda: True,
            prepare: Callable[[], Any] | None = None,
        ) -> None:
            """``out[name]``: the median of ``reps`` (after rep 0, the first time in this session:
            ``first_ms``), the handler's own share, and the median of ``undo`` (``back_ms``)."""
            times: list[float] = []
            handlers: list[float] = []
            back: list[float] = []
            first = 0.0
            for rep in range(reps + 1):
                await settle()
                if rep:  # the reference, interleaved: the box is shared, its speed drifts
                    redraws.append((await frames.timed(full_redraw, lambda: True))[0])
                    await asyncio.sleep(0.05)
                if prepare is not None:
                    result = prepare()
                    if asyncio.iscoroutine(result):
                        await result
                    await settle()
                took, handler = await frames.timed(do, done)
                if rep == 0:
                    first = took
                else:
                    times.append(took)
                    if handler is not None:
                        handlers.append(handler)
                if undo is not None:
                    await asyncio.sleep(0.05)
                    took_back, _ = await frames.timed(undo, undone)
                    if rep:
                        back.append(took_back)
            out[name] = {
                "ms": _ms(times),
                "first_ms": first * 1000,
                "handler_ms": _ms(handlers) if handlers else None,
                "back_ms": _ms(back) if back else None,
            }

        redraws: list[float] = []

        def full_redraw() -> None:
            view._lines.clear()
            view._header = None
            view.refresh()

        await measure("redraw_alone", full_redraw, lambda: True)
        redraw_bytes = frames.bytes[-1] if frames.bytes else 0
        await measure("redraw_cached", view.refresh, lambda: True)
        # The tab's status line as the tab sets it (Static.update: layout=True), nothing else.
        shown = tab._shown_status
        await measure(
            "status_line",
            lambda: status.update(shown + " ·"),
            lambda: True,
            lambda: status.update(shown),
        )

        def cold() -> None:
            view.store._masks.clear()  # no mask kept from an earlier rep: every row searched

        def apply(text: str) -> None:
            app._apply_filter(text)  # what on_prompt_bar_typed does with each keystroke

        # rep 0 of the first filter is the first since the load: the row texts are built then.
        await measure(
            "filter",
            lambda: apply(FILTER_WORD),
            lambda: view.filter.text == FILTER_WORD,
            lambda: apply(""),
            lambda: not view.filter.active,
            prepare=cold,
        )
        apply(FILTER_WORD)
        out["filter_shown"] = view.shown
        apply("")

        async def open_prompt() -> None:
            cold()
            await pilot.press("slash")
            await wait_until(lambda: app.focused is not view, 5, "prompt open")

        async def close_prompt() -> None:
            await pilot.press("escape")  # Esc clears the filter and gives the focus back

        await measure(
            "filter_key",
            lambda: pilot.press(FILTER_WORD[0]),
            lambda: view.filter.text == FILTER_WORD[0],
            close_prompt,
            lambda: not view.filter.active and app.focused is view,
            prepare=open_prompt,
        )

        keystrokes: list[float] = []
        handlers: list[float] = []
        for rep in range(reps + 1):
            await settle()
            cold()
            apply(FILTER_WORD[0])
            await asyncio.sleep(0.05)
            for cut in range(2, len(FILTER_WORD) + 1):

                def typed(c: int = cut) -> None:
                    apply(FILTER_WORD[:c])
                    view.refresh()  # a keystroke that leaves the same lines draws no frame

                took, handler = await frames.timed(typed, lambda c=cut: view.filter.text == FILTER_WORD[:c])
                if rep:
                    keystrokes.append(took)
                    handlers.append(handler or 0.0)
            apply("")
        out["type"] = {"ms": _ms(keystrokes), "first_ms": None, "handler_ms": _ms(handlers), "back_ms": None}

        await measure(
            "expr",
            lambda: tab.command_where(EXPRESSION),
            lambda: tab.expression == EXPRESSION,
            lambda: tab.command_where(""),
            lambda: not tab.expression and view.shown == n,
        )
        tab.command_where(EXPRESSION)
        out["expr_shown"] = view.shown
        tab.command_where("")

        async def type_command() -> None:
            await pilot.press("colon", *f"filter {EXPRESSION}")

        await measure(
            "expr_key",
            lambda: pilot.press("enter"),
            lambda: tab.expression == EXPRESSION,
            lambda: tab.command_where(""),
            lambda: not tab.expression and view.shown == n and app.focused is view,
            prepare=type_command,
        )

        def after_expression() -> None:
            # `:filter risk` then `:filter`: the table's rows were replaced (set_rows), so the
            # row texts, masks and sort keys are gone: the next `/` keystroke builds them again.
            tab.command_where(EXPRESSION)
            tab.command_where("")

        await measure(
            "filter_after_expr",
            lambda: apply(FILTER_WORD),
            lambda: view.filter.text == FILTER_WORD,
            lambda: apply(""),
            lambda: not view.filter.active,
            prepare=after_expression,
        )
        # rep 0 of `s` is the first sort by name since the rows were last replaced (keys built).
        await measure(
            "sort",
            lambda: pilot.press("s"),
            lambda: view.sort_column == "name",
            lambda: view.sort_by(None),
            lambda: view.sort_column is None,
        )
        await measure(
            "sort_num",
            lambda: view.sort_by("executions"),
            lambda: view.sort_column == "executions",
            lambda: view.sort_by(None),
            lambda: view.sort_column is None,
        )
        out["redraw_bytes"] = redraw_bytes
        out["used_by_lookups"] = tab.used.lookups
        out["redraw"] = {"ms": _ms(redraws), "samples": len(redraws), "min_ms": min(redraws) * 1000,
                         "max_ms": max(redraws) * 1000}  # fmt: skip
    base = out["redraw"]["ms"]
    out["ratios"] = {k: out[k]["ms"] / base for k in STEPS}
    out["meets_target"] = all(out["ratios"][k] <= TARGET_RATIO for k in TARGETED)
    return out


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCTUI_", "XDG_"))}
    for name in ("config", "data", "cache", "state"):
        (home / name).mkdir(exist_ok=True)
        env[f"XDG_{name.upper()}_HOME"] = str(home / name)
    return env


def one(
    args: argparse.Namespace, env: dict[str, str], tmp: Path, limit: int | None, interactive: bool
) -> dict[str, Any]:
    sim = Sim(env, args.actions, args.flows, limit)
    try:
        started = time.perf_counter()
        timeout = args.load_timeout if interactive else args.default_limit_timeout
        result = asyncio.run(
            asyncio.wait_for(
                run(sim.base_url, sim, args.actions, args.reps, interactive, timeout, tmp), timeout + 240
            )
        )
        result["sim_rate_limit"] = f"{limit}/min" if limit else "default (300/min)"
        result["wall_s"] = time.perf_counter() - started
        return result
    finally:
        sim.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--actions", type=int, default=10_000, help="actions in the simulated org (default 10000)")
    p.add_argument("--flows", type=int, default=2000, help="flows in the simulated org (default 2000)")
    p.add_argument("--reps", type=int, default=5, help="timed repetitions of each step (default 5)")
    p.add_argument("--load-timeout", type=float, default=120, help="bound of the fast load, s")
    p.add_argument("--default-limit-timeout", type=float, default=240, help="bound of the 300/min load, s")
    p.add_argument("--no-default-limit", action="store_true", help="skip the load at 300/min")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--load-only", action="store_true", help="only the load (first rows, full table, stall)")
    args = p.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="gctui-bench-actions-") as tmp:
        home = Path(tmp)
        env = _env(home)
        for name in [k for k in os.environ if k not in env]:
            del os.environ[name]  # the app runs in this process: no user config or credentials,
        os.environ.update(env)  # its journal, history and crash logs in the temp dir
        runs = [one(args, env, home / "fast", FAST_LIMIT, interactive=not args.load_only)]
        if not args.no_default_limit:
            try:
                runs.append(one(args, env, home / "limit", None, interactive=False))
            except TimeoutError as exc:
                runs.append({"sim_rate_limit": "default (300/min)", "error": str(exc)})
    report = {
        "bench": "actions_table",
        "size": f"{SIZE[0]}x{SIZE[1]}",
        "reps": args.reps,
        "loadavg_before": [round(x, 2) for x in load_before],
        "target_ratio": TARGET_RATIO,
        "runs": runs,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


def _print(rep: dict[str, Any]) -> None:
    fast = rep["runs"][0]
    print(
        f"Data actions tab, {fast['actions']:,} actions, GctuiApp headless {rep['size']}, simulator in "
        f"its own process; loadavg {rep['loadavg_before']}; median of {rep['reps']} (+1 warm-up)"
    )
    for r in rep["runs"]:
        if "error" in r:
            print(f"[{r['sim_rate_limit']}] {r['error']}")
            continue
        s = r["loop_stall"]
        print(
            f"[{r['sim_rate_limit']}] `2` -> first rows {r['first_rows_ms']:.0f} ms, full table "
            f"{r['full_table_ms']:.0f} ms; {r['requests']} requests, {r['server_429s']} 429s; loop stall max "
            f"{s['max_ms']:.1f} ms (p99 {s['p99_ms']:.1f}, {s['over_50ms']} over 50 ms); app CPU "
            f"{r['load_cpu_s']:.2f} s; {r['load_frames']} frames, longest gap "
            f"{r['load_longest_frame_gap_ms']:.0f} ms"
        )
        print(
            "    milestones (ms after `2`): "
            + ", ".join(f"{k} {v:.0f}" for k, v in r["milestones_ms"].items())
        )
    if "redraw" not in fast:  # --load-only
        return
    print(f"\nthe table focused, {fast['rows']:,} rows; ms until the frame is drawn (median; handler: the")
    print("call's own time; first: the first time since the load; back: undoing it)")
    redraw = fast["redraw"]
    print(
        f"  redraw (the reference) {redraw['ms']:.1f} (median of {redraw['samples']}, one before each timed "
        f"rep; {redraw['min_ms']:.1f}-{redraw['max_ms']:.1f}; {fast['redraw_bytes']:,} bytes)"
    )
    print(
        f"  redraw~ (line cache kept) {fast['redraw_cached']['ms']:.1f}; the status line alone "
        f"(Static.update, layout) {fast['status_line']['ms']:.1f}"
    )
    what = {
        "filter": f"`/` keystroke as applied: {FILTER_WORD!r} on all rows, {fast['filter_shown']:,} shown",
        "filter_key": f"`/` open, then the key {FILTER_WORD[0]!r} pressed (the real path)",
        "type": f"each further letter of {FILTER_WORD!r} (+ a cached refresh)",
        "filter_after_expr": "as filter, after `:filter risk` + `:filter` (a row predicate: rows kept)",
        "expr": f":filter {EXPRESSION} (command_where), {fast['expr_shown']:,} shown; back: `:filter`",
        "expr_key": f"`:filter {EXPRESSION}` typed, timed from Enter",
        "sort": "the `s` key: by name; back: sort_by(None)",
        "sort_num": "sort_by('executions')",
    }
    print(f"  {'step':<18} {'ms':>6} {'ratio':>6} {'handler':>8} {'first':>6} {'back':>6}")
    for key in STEPS:
        r = fast[key]
        print(
            f"  {key:<18} {r['ms']:6.1f} {fast['ratios'][key]:5.2f}x {_f(r['handler_ms']):>8} "
            f"{_f(r['first_ms']):>6} {_f(r['back_ms']):>6}  {what[key]}"
        )
    verdict = "OK" if fast["meets_target"] else "OVER TARGET"
    print(f"target: {', '.join(TARGETED)} <= {rep['target_ratio']}x redraw: {verdict}")


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    raise SystemExit(main())
