"""DataView at 1k, 10k and 100k rows of 10 columns: every cost measured until the frame is out.

Headless `App.run_test(size=(120, 40))`, one process, one run. `App._display` is wrapped: it
stamps the time of each frame and renders the frame's escape sequences as the real driver
would (`render_segments`), so a frame's cost and its bytes to the terminal are both counted.
Each figure is the median of --reps runs, `gc.collect()` before each, of "do X, then wait until
the next frame has been rendered":

  first frame   mount a new DataView and `set_rows(rows)` (the 10 columns, one a rich Text)
  redraw        the reference: drop the table's line cache and `refresh()` the whole widget,
                i.e. one full re-render of the visible rows (`redraw~` keeps the cache: only
                Textual's compositor and the escape sequences)
  filter        `apply_filter("zendesk")` on the unfiltered table (a substring) and
                `apply_filter(r"^v1\\d$")` (a regex run on the joined row texts), cold
  type          "zendesk" typed a letter at a time: the median keystroke after the first
                (it searches only the rows still shown), and one Backspace (a kept mask);
                each ends with a cached refresh, so the frame comes even when nothing changed
  sort          `sort_by("count")` (numeric column) from the given order
  refresh       1% of the rows (4 of them on screen) get a new "count" cell: `set_rows(all
                rows)` (the full mapping is diffed) and `update_rows(changed rows)` (the changes
                only); the mapping is built before the clock starts
  memory        tracemalloc: bytes allocated by mount + set_rows + the filter index, per row
                (`MB`), and with the work ahead done too (`MB+`: the key index, a sorted order
                and its ranks per column)

After a load the table does that work ahead in slices between frames (`DataView._idle`); the
bench waits for it before the keystrokes (a user's first key comes later) and reports how long
it took and its longest slice (the loop's longest stall from it).

Ratios are to `redraw` at the same size. Targets at 100k: filter and sort <= 1.5x redraw,
refresh <= 1x, first frame <= 300 ms, every 100k time <= 2x its 1k time.

    python bench/bench_table.py                 # 1k, 10k, 100k; 5 reps (~1 min)
    python bench/bench_table.py --sizes 1000 --reps 3
    python bench/bench_table.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical

from gctui.tui.widgets.dataview import Column, DataView
from gctui.tui.widgets.rowstore import RowStore

COLUMNS = [
    Column("name", "Name", 28),
    Column("category", "Category", 12),
    Column("status", "Status", 9),
    Column("timeout", "Timeout", 7, numeric=True),
    Column("count", "Count", 7, numeric=True),
    Column("latency", "Latency", 7, numeric=True),
    Column("state", "State", 9),
    Column("version", "Ver", 4),
    Column("id", "Id", 8),
    Column("updated", "Updated", 16, flex=True),
]
STATUS = {"healthy": "green", "degraded": "yellow", "critical": "bold red", "unknown": "dim"}


def make_rows(n: int, seed: int = 1) -> dict[str, list[Any]]:
    rnd = random.Random(seed)
    cats = ["Salesforce", "Zendesk", "ServiceNow", "Genesys", "Web Services", "AWS Lambda"]
    verbs = ["Get", "Update", "Create", "Lookup", "Delete", "Search"]
    things = ["customer", "account", "case", "order", "ticket", "contact", "invoice"]
    rows: dict[str, list[Any]] = {}
    for i in range(n):
        key = f"{rnd.getrandbits(64):016x}-{i}"
        status = rnd.choice(list(STATUS))
        rows[key] = [
            f"{rnd.choice(verbs)} {rnd.choice(things)} by id {i}",
            rnd.choice(cats),
            Text(status, style=STATUS[status]),
            f"{rnd.randint(1, 60)} s",
            f"{rnd.randint(0, 99999):,}",
            rnd.choice(["-", f"{rnd.randint(1, 900)} ms"]),
            rnd.choice(["published", "draft"]),
            f"v{rnd.randint(1, 30)}",
            key[:8],
            f"2026-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)} 1{rnd.randint(0, 9)}:{rnd.randint(10, 59)}",
        ]
    return rows


class BenchApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[tuple[float, int]] = []
        self._frame = asyncio.Event()
        display = self._display

        def stamped(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            size = 0
            if hasattr(renderable, "render_segments"):
                size = len(renderable.render_segments(self.console).encode())
            self.frames.append((time.perf_counter(), size))
            self._frame.set()

        self._display = stamped  # type: ignore[method-assign]

    def compose(self) -> ComposeResult:
        yield Vertical(id="host")

    async def timed(
        self, action: Callable[[], Any], done: Callable[[], bool] = lambda: True
    ) -> tuple[float, int]:
        """Seconds from calling ``action`` to the end of the first frame after which ``done()``
        holds, and that frame's bytes."""
        await self._quiet()
        self._frame.clear()
        start = time.perf_counter()
        result = action()
        if asyncio.iscoroutine(result):
            await result
        while True:
            await asyncio.wait_for(self._frame.wait(), 30)
            self._frame.clear()
            if done():
                break
        end, size = self.frames[-1]
        return end - start, size

    async def _quiet(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0.02)
        # The tables' work between frames (rows left for after the frame, row texts, sorted
        # orders) ends first: the next refresh or keystroke is measured, not a slice before it.
        for _ in range(500):
            if not any(_busy(v) for v in self.query(DataView)):
                break
            await asyncio.sleep(0.01)
        gc.collect()


def _busy(view: DataView) -> bool:
    return bool(view._warm or view.store.pending or view._deferred or view._deferred_all is not None)


def _median(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def bench_size(n: int, reps: int) -> dict[str, Any]:
    rows = make_rows(n)
    _SLICES.clear()
    app = BenchApp()
    out: dict[str, Any] = {"rows": n}
    async with app.run_test(size=(120, 40)) as pilot:
        host = app.query_one("#host")
        firsts = []
        view = DataView(COLUMNS)
        for rep in range(reps):
            view = DataView(COLUMNS, id=f"v{rep}")

            async def mount(v: DataView = view) -> None:
                await host.mount(v)
                v.set_rows(rows)

            await host.remove_children()
            firsts.append((await app.timed(mount, lambda v=view: bool(v._lines)))[0])
        view.focus()
        # The work ahead (key index, row texts, one sorted order per column) runs in slices
        # between frames after a load; a user's first keystroke comes later than it ends.
        warm_start = time.perf_counter()
        for _ in range(3000):
            if not view._warm and not view.store.pending:
                break
            await asyncio.sleep(0.01)
        out["warm_ms"] = (time.perf_counter() - warm_start) * 1000
        out["warm_done"] = not view._warm
        out["warm_slice_max_ms"] = max(_SLICES, default=0.0) * 1000
        _SLICES.clear()
        view.store.prepare()
        out["first_frame_ms"] = _median(firsts)

        def full_redraw() -> None:
            view._lines.clear()
            view._header = None
            view.refresh()

        redraw = [await app.timed(full_redraw) for _ in range(reps)]
        out["redraw_ms"] = _median([t for t, _ in redraw])
        out["redraw_bytes"] = redraw[-1][1]
        out["redraw_cached_ms"] = _median([(await app.timed(view.refresh))[0] for _ in range(reps)])

        for name, expr in (("filter_ms", "zendesk"), ("filter_regex_ms", r"^v1\d$")):
            times = []
            for _ in range(reps):
                view.store._masks.clear()  # a cold filter: no mask kept from an earlier rep
                times.append((await app.timed(lambda e=expr: view.apply_filter(e)))[0])
                view.apply_filter("")
            out[name] = _median(times)
        out["shown_after_filter"] = len(view.store.view)

        # Typing "zendesk" a letter at a time, as `/` does: the first letter searches every row,
        # each further one only the rows still shown; Backspace finds its mask kept.
        keystrokes, backspaces = [], []
        word = "zendesk"

        def type_filter(expr: str) -> None:
            # A keystroke that leaves the same rows shown draws no frame; refresh (line cache
            # kept: the cost of `redraw~`) so every keystroke ends with a frame to wait for.
            view.apply_filter(expr)
            view.refresh()

        for _ in range(reps):
            view.store._masks.clear()
            await app.timed(lambda: type_filter(word[0]))
            for cut in range(2, len(word) + 1):
                keystrokes.append((await app.timed(lambda c=cut: type_filter(word[:c])))[0])
            backspaces.append((await app.timed(lambda: type_filter(word[:-1])))[0])
            view.apply_filter("")
        out["type_ms"] = _median(keystrokes)
        out["backspace_ms"] = _median(backspaces)

        sorts = []
        for _ in range(reps):
            sorts.append((await app.timed(lambda: view.sort_by("count")))[0])
            view.sort_by(None)
        out["sort_ms"] = _median(sorts)

        rnd = random.Random(2)
        keys = list(rows)
        full, delta, sizes = [], [], []

        def one_percent() -> list[str]:
            # Uniform 1% rarely touches the 38 lines on screen (then no frame at all is sent):
            # 4 of the changed rows are visible ones, so a frame is drawn and measured.
            top = round(view.scroll_y)
            visible = view.visible_keys()[top : top + 38 : 10]
            return [*visible, *rnd.sample(keys, max(1, n // 100) - len(visible))]

        for rep in range(reps):
            changed = one_percent()
            for key in changed:
                rows[key] = [*rows[key][:4], f"{rep},{rnd.randint(0, 999):03d}", *rows[key][5:]]
            mapping = dict(rows)
            took, size = await app.timed(lambda m=mapping: view.set_rows(m))
            full.append(took)
            sizes.append(size)
            changed = one_percent()
            update = {k: [*rows[k][:4], f"9{rep},{rnd.randint(0, 999):03d}", *rows[k][5:]] for k in changed}
            rows.update(update)
            delta.append((await app.timed(lambda u=update: view.update_rows(u)))[0])
        out["refresh_set_rows_ms"] = _median(full)
        out["refresh_update_rows_ms"] = _median(delta)
        out["refresh_bytes"] = int(statistics.median(sizes))

        await host.remove_children()
        await pilot.pause(0.1)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        view = DataView(COLUMNS)
        await host.mount(view)
        view.set_rows(rows)
        view.store.prepare()
        await pilot.pause(0.1)
        used = tracemalloc.get_traced_memory()[0] - base
        while not view.store.warm(time.perf_counter() + 1.0):
            pass  # and the work ahead: the key index, one sorted order and its ranks per column
        warm = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        out["memory_mb"] = used / 1e6
        out["memory_warm_mb"] = warm / 1e6
        out["bytes_per_row"] = used / n
    return out


_SLICES: list[float] = []


def _time_slices() -> None:
    """Record how long each slice of the table's work ahead holds the loop (bench only)."""
    warm = RowStore.warm

    def timed(self: RowStore, deadline: float, slices: int | None = None) -> bool:
        start = time.perf_counter()
        try:
            return warm(self, deadline, slices)
        finally:
            _SLICES.append(time.perf_counter() - start)

    RowStore.warm = timed  # type: ignore[method-assign]


def report(results: list[dict[str, Any]]) -> None:
    heads = [
        ("rows", "rows", "{:>7}"),
        ("first", "first_frame_ms", "{:>7.1f}"),
        ("redraw", "redraw_ms", "{:>7.1f}"),
        ("redraw~", "redraw_cached_ms", "{:>7.1f}"),
        ("filter", "filter_ms", "{:>7.1f}"),
        ("regex", "filter_regex_ms", "{:>7.1f}"),
        ("type", "type_ms", "{:>7.1f}"),
        ("bksp", "backspace_ms", "{:>7.1f}"),
        ("sort", "sort_ms", "{:>7.1f}"),
        ("set_rows", "refresh_set_rows_ms", "{:>8.1f}"),
        ("update", "refresh_update_rows_ms", "{:>7.1f}"),
        ("MB", "memory_mb", "{:>6.1f}"),
        ("MB+", "memory_warm_mb", "{:>6.1f}"),
        ("B/row", "bytes_per_row", "{:>6.0f}"),
    ]
    print("times in ms (median), until the frame is rendered")
    widths = {"set_rows": 8, "MB": 6, "MB+": 6, "B/row": 6}
    print(" ".join(f"{h:>{widths.get(h, 7)}}" for h, _, _ in heads))
    for r in results:
        print(" ".join(fmt.format(r[k]) for _, k, fmt in heads))
    for r in results:
        print(
            f"work ahead after the load at {r['rows']:,} rows: done {r['warm_ms']:.0f} ms after the "
            f"first frame, longest slice {r['warm_slice_max_ms']:.1f} ms"
        )
    print("\nratio to one full redraw at the same size (targets at 100k: filter/sort <= 1.5, refresh <= 1)")
    keys = [
        "filter_ms",
        "filter_regex_ms",
        "type_ms",
        "backspace_ms",
        "sort_ms",
        "refresh_set_rows_ms",
        "refresh_update_rows_ms",
    ]
    print(f"{'rows':>7} " + " ".join(f"{k.removesuffix('_ms'):>22}" for k in keys))
    for r in results:
        print(f"{r['rows']:>7} " + " ".join(f"{r[k] / r['redraw_ms']:>22.2f}" for k in keys))
    by_n = {r["rows"]: r for r in results}
    if 1000 in by_n and 100_000 in by_n:
        small, big = by_n[1000], by_n[100_000]
        print("\n100k / 1k (target <= 2):")
        for k in ["first_frame_ms", "redraw_ms", *keys]:
            print(f"  {k:<24} {big[k] / small[k]:.2f}")
    for r in results:
        print(
            f"\nbytes to the terminal at {r['rows']} rows: full redraw {r['redraw_bytes']}, "
            f"1% refresh {r['refresh_bytes']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _time_slices()
    results = [asyncio.run(bench_size(n, args.reps)) for n in args.sizes]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)


if __name__ == "__main__":
    main()
