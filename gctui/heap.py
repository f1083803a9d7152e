"""The cyclic garbage collector, held off while a big answer is turned into objects.

Decoding and validating a 2 MB analytics answer allocates a few hundred thousand objects and
frees next to none of them: the collector's passes meanwhile find nothing, yet a full pass walks
the whole heap with the GIL held (60-70 ms at 10,000 actions), and in that time the event loop,
in another thread, draws nothing and answers no key. :func:`built_in_bulk` pauses the collector
for the build and then freezes what is alive (``gc.freeze``): the new objects, which live as
long as the view that shows them, are never walked, by this pass or a later one. Plain objects
are still freed by their reference counts when the view lets them go; only cyclic garbage alive
at that moment is kept. So freezes are rationed: a burst of ``FREEZE_BURST`` (a load reads a
few big answers at once), then one per ``FREEZE_EVERY`` seconds; a build beyond that only
holds the collector off, which then catches up as usual (a poller that reads a big answer every
30 s freezes once in ten of them).

Process-wide and thread-safe: nested or concurrent builds pause once and resume when the last
ends; the collector is turned back on only if it was on when the first began. Imports nothing
else of gctui."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

FREEZE_BURST = 4  # freezes allowed at once
FREEZE_EVERY = 300.0  # seconds for one more to be allowed

_lock = threading.Lock()
_depth = 0
_resume = False
_allowance = float(FREEZE_BURST)
_counted_at = time.monotonic()


@contextmanager
def built_in_bulk() -> Iterator[None]:
    """No collection while the body runs; what it built is frozen when the last build ends
    (while the ration allows)."""
    global _depth, _resume, _allowance, _counted_at
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                now = time.monotonic()
                _allowance = min(FREEZE_BURST, _allowance + (now - _counted_at) / FREEZE_EVERY)
                _counted_at = now
                if _allowance >= 1:
                    _allowance -= 1
                    gc.freeze()
                if _resume:
                    gc.enable()
