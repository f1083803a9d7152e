"""Ctrl+C for the CLI's event loops, whatever handler the process inherited.

``asyncio.run`` turns the first SIGINT into a cancel of the main task only when the process
still has Python's default handler, and it waits for the loop to notice: a SIGINT that lands on
another thread (the metrics server's, a worker's) stays pending while the loop sleeps in
``select`` until its next timer. ``run`` installs the handler on the loop itself (it wakes the
loop at once through the signal wakeup fd) and restores the previous one after."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``; Ctrl+C cancels ``main`` and raises KeyboardInterrupt here."""
    if threading.current_thread() is not threading.main_thread():
        return asyncio.run(main)
    interrupted = False

    async def guarded() -> T:
        nonlocal interrupted
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def on_sigint() -> None:
            nonlocal interrupted
            interrupted = True
            task.cancel()

        previous = signal.getsignal(signal.SIGINT)
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        try:
            return await main
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            signal.signal(signal.SIGINT, previous)

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if interrupted:
            raise KeyboardInterrupt from None
        raise
