"""A test callback receiver: a real aiohttp server on loopback that records what it gets.

It is not the station's listener; it stands for "the station" in simulator tests: it keeps the
exact bytes and headers of every callback and answers a configurable envelope code.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from station.protocol.callbacks import FACE_RESULT_PATH, OPEN_DOOR_PATH


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    peer_cert: dict[str, Any] | None  # the client certificate (mutual TLS), if any

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    """``url = await receiver.start()``; ``receiver.received``; ``await receiver.stop()``."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.received: list[Received] = []
        self.code = "00"  # the envelope code it answers; "21" answers with HTTP 500
        self.fail_next = 0  # answer this many requests with HTTP 500 first
        self._ssl = ssl_context
        self._runner: web.AppRunner | None = None
        self._cond = threading.Condition()
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        transport = request.transport
        ssl_obj = transport.get_extra_info("ssl_object") if transport else None
        item = Received(
            request.path,
            dict(request.headers),
            await request.read(),
            ssl_obj.getpeercert() if ssl_obj is not None else None,
        )
        with self._cond:
            self.received.append(item)
            self._cond.notify_all()
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
        code = "21" if failing else self.code
        body = {"code": code, "desc": "测试接收端", "data": ""}
        return web.json_response(body, status=500 if code == "21" else 200)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(FACE_RESULT_PATH, self._handle)
        app.router.add_post(OPEN_DOOR_PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"{'https' if self._ssl else 'http'}://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def snapshot(self, path: str | None = None) -> list[Received]:
        with self._cond:
            return [r for r in self.received if path is None or r.path == path]

    def wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout: float
    ) -> list[Received]:
        """Block (from another thread than the receiver's loop) until the predicate holds."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.received), timeout):
                raise TimeoutError(f"receiver got {len(self.received)} requests, predicate false")
            return list(self.received)

    async def async_wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout: float
    ) -> list[Received]:
        """The same from the receiver's own loop (polls every 10 ms up to the deadline)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self.snapshot()):
            if loop.time() > deadline:
                raise TimeoutError(f"receiver got {len(self.received)} requests, predicate false")
            await asyncio.sleep(0.01)
        return self.snapshot()


def server_context(cert: str, key: str, client_ca: str | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


@contextmanager
def run_receiver_in_thread(ssl_context: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-receiver", daemon=True)
    thread.start()
    receiver = Receiver(ssl_context)
    try:
        asyncio.run_coroutine_threadsafe(receiver.start(), loop).result(30)
        yield receiver
    finally:
        asyncio.run_coroutine_threadsafe(receiver.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
