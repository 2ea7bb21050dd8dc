"""Starting and stopping the listener on the caller's event loop (never ``web.run_app``).

The GUI runs it on the qasync loop, ``station serve`` on plain asyncio; ``Listener.start`` binds
with ``AppRunner``/``TCPSite`` and returns, ``Listener.stop`` closes the port and waits for the
callbacks in progress. The core's blocking calls run in the listener's own small thread pool, so
a slow database never starves the loop's default executor (used by other parts of the app).

Even a request aiohttp's parser refuses (too many headers, a header line over 8 KiB, a broken
request line) is answered with the envelope, code 23, and logged without its content.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from station.config import ListenerSettings
from station.domain.clock import Clock, SystemClock
from station.listener import answers
from station.listener.app import CallbackSink, create_app
from station.listener.limits import server_kwargs
from station.listener.security import SecurityPolicy
from station.listener.tls import server_context
from station.protocol.envelope import Code

log = logging.getLogger(__name__)
STORE_WORKERS = 1
#: The store thread and the loop's thread share the interpreter lock. Every SQLite call (and
#: the commit's fsync) releases it, and the store thread then waits for a busy loop to hand it
#: back: up to CPython's default switch interval, 5 ms, each time. Under bench/listener.py's
#: load a batch of ~7 callbacks took 4.5-6.6 ms in the listener against ~1 ms on its own, and
#: 1 170 callbacks/s became 1 760 with a 1 ms interval. The listener lowers the interval while
#: it runs (never raises it: the GUI sets 0.2 ms, station.ui.shell) and restores it on stop.
SWITCH_INTERVAL_S = 0.0005
SHUTDOWN_TIMEOUT_S = 5.0
WILDCARD_TO_LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


class _EnvelopeRequestHandler(RequestHandler):
    """aiohttp's protocol with its plain-text error page replaced by the envelope."""

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        # The parser's message may quote the offending header: log only its type.
        log.warning(
            "malformed HTTP request from %s: HTTP %d %s",
            request.remote,
            status,
            type(exc).__name__ if exc is not None else "",
        )
        if request.writer.output_size > 0:
            raise ConnectionError("response already started; cannot send the error envelope")
        code = Code.INTERFACE_ERROR if status >= 500 else Code.BAD_PARAMETERS
        desc = "HTTP 请求格式错误 (请求行或请求头过长、过多或不合法)" if status < 500 else None
        response = answers.answer(code, desc, status=status)
        response.force_close()
        return response


class _EnvelopeServer(web.Server):
    def __call__(self) -> RequestHandler:
        return _EnvelopeRequestHandler(self, loop=self._loop, **self._kwargs)


class _ListenerRunner(web.AppRunner):
    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _EnvelopeServer
        return server


class Listener:
    """The callback listener of one station; ``port`` is the bound port after ``start``."""

    def __init__(
        self,
        settings: ListenerSettings,
        sink: CallbackSink,
        clock: Clock | None = None,
    ) -> None:
        self._settings = settings
        self._ssl: ssl.SSLContext | None = server_context(settings)  # ConfigError before binding
        self._executor = ThreadPoolExecutor(STORE_WORKERS, thread_name_prefix="listener-store")
        self._app = create_app(
            settings,
            sink,
            clock or SystemClock(),
            executor=self._executor,
            tls=self._ssl is not None,
        )
        self._runner = _ListenerRunner(
            self._app,
            handle_signals=False,
            shutdown_timeout=SHUTDOWN_TIMEOUT_S,
            **server_kwargs(settings.keepalive_s),
        )
        self.port: int | None = None
        self._switch_interval: float | None = None  # the interpreter's, while lowered

    @property
    def scheme(self) -> str:
        return "https" if self._ssl is not None else "http"

    @property
    def base_url(self) -> str:
        """Where the listener answers, e.g. ``https://127.0.0.1:8443``; a wildcard host
        (``0.0.0.0``, ``::``) is shown as the loopback address, which reaches it locally."""
        if self.port is None:
            raise RuntimeError("the listener is not started")
        host = WILDCARD_TO_LOOPBACK.get(self._settings.host, self._settings.host)
        host = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{host}:{self.port}"

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self._settings.host, self._settings.port, ssl_context=self._ssl
        )
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise
        address = self._runner.addresses[0]
        self.port = int(address[1])
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        if self._ssl is None:
            log.warning(
                "listener uses plain HTTP (no [listener].tls_cert): for demos and tests only"
            )
        policy = SecurityPolicy.from_settings(self._settings)
        mtls = " mtls=on" if self._settings.client_ca else ""
        log.info("listening on %s (%s%s)", self.base_url, policy.describe(), mtls)

    async def serve(self, stop: asyncio.Event) -> None:
        """A ``station serve`` service: listen until ``stop`` is set, then close the port."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def stop(self) -> None:
        await self._runner.cleanup()  # waits up to SHUTDOWN_TIMEOUT_S for callbacks in progress
        # a store call whose handler was cut off still commits before the core is closed
        await asyncio.to_thread(self._executor.shutdown, wait=True)
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        log.info("listener stopped")
