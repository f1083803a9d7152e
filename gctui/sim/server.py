"""Run the simulator in-process: ``SimServer`` (current event loop) and ``SimThread`` (own thread).

async with SimServer(SimConfig(port=0)) as sim:      # port 0: a free port is picked
    httpx.get(f"{sim.base_url}/api/v2/organizations/me", ...)
    sim.control.script_fault("PATCH", "/api/v2/integrations/actions/*", 503, count=3, when="after")

with SimThread(SimConfig()) as sim:                  # sync code, `gctui --demo`
    ...
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Generator
from types import TracebackType
from typing import Any

import uvicorn

from gctui.sim.app import build_app
from gctui.sim.clock import SimClock, clock_of
from gctui.sim.config import SimConfig
from gctui.sim.control import SimControl
from gctui.sim.load_telephony import load_of
from gctui.sim.runtime import SimRuntime, build_runtime
from gctui.sim.webhooks import WebhookStore

READY_TIMEOUT_S = 30.0


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its host (tests, the TUI)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket up front so port 0 resolves and 'address in use' fails early."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto is TCP
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def uvicorn_config(runtime: SimRuntime) -> uvicorn.Config:
    return uvicorn.Config(
        build_app(runtime),
        lifespan="off",
        access_log=runtime.config.log_requests,
        log_level="info" if runtime.config.log_requests else "warning",
        timeout_graceful_shutdown=2,
        backlog=2048,
        server_header=False,
    )


class SimServer:
    """``async with SimServer(config) as sim`` serves on ``sim.base_url`` until the block exits."""

    def __init__(self, config: SimConfig | None = None, *, capture_signals: bool = False) -> None:
        self.config = config or SimConfig()
        self.runtime: SimRuntime | None = None
        self._capture = capture_signals
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.base_url = ""

    @property
    def control(self) -> SimControl:
        assert self.runtime is not None, "the simulator is not running"
        return self.runtime.control

    @property
    def clock(self) -> SimClock:
        """The simulator's clock (edge/trunk load): ``sim.clock.advance(1200)``."""
        assert self.runtime is not None, "the simulator is not running"
        return clock_of(self.runtime)

    @property
    def webhooks(self) -> WebhookStore:
        """The webhook receiver: ``sim.webhooks.set_mode("scale", "late", delay_s=2)``."""
        assert self.runtime is not None, "the simulator is not running"
        return self.runtime.webhooks

    async def start(self) -> None:
        self.runtime = build_runtime(self.config)
        clock_of(self.runtime)  # the clock starts with the server (trends run from here)
        load_of(self.runtime)  # an unknown scaling_target fails here (ValueError), not on a request
        self.runtime.webhooks.attach(self.config.state_path)
        sock = bind_socket(self.config.host, self.config.port)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        cls = uvicorn.Server if self._capture else _QuietServer
        self._server = cls(uvicorn_config(self.runtime))
        if not self.config.log_requests:
            logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the simulator stopped during start-up")
            await asyncio.sleep(0.01)

    async def wait(self) -> None:
        """Serve until stopped (used by ``gctui sim``)."""
        assert self._task is not None
        await self._task

    def request_stop(self) -> None:
        if self.runtime is not None:
            self.runtime.webhooks.close()  # late webhook answers go now
        if self._server is not None:
            self._server.should_exit = True

    async def stop(self) -> None:
        self.request_stop()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


class SimThread:
    """``with SimThread(config) as sim``: the simulator on a background thread with its own loop."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self._sim = SimServer(config)
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return self._sim.base_url

    @property
    def control(self) -> SimControl:
        return self._sim.control

    @property
    def runtime(self) -> SimRuntime | None:
        return self._sim.runtime

    @property
    def clock(self) -> SimClock:
        return self._sim.clock

    @property
    def webhooks(self) -> WebhookStore:
        return self._sim.webhooks

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            try:
                await self._sim.start()
            except BaseException as exc:
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._sim.wait()

        asyncio.run(main())

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gctui-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(READY_TIMEOUT_S):
            raise RuntimeError("the simulator did not start in time")
        if self._error is not None:
            self._thread.join()
            raise self._error

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._sim.request_stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> SimThread:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
