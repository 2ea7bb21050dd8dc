"""Run the real listener on a loop in a background thread; sync tests talk to it over sockets."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from station.config import ListenerSettings
from station.domain.clock import Clock
from station.listener import CallbackSink, Listener

T = TypeVar("T")

FACE = {
    "workOrdNum": "JF-20251222-0313",
    "name": "唐建峰",
    "account": "dwtangjianfeng",
    "phone": "13800001111",
    "city": "咸阳市",
    "site": "安康白河庆华化工厂站点",
    "room": "咸阳秦都应急楼一楼综合机房",
    "deviceId": "ACC2025122001",
    "faceWriteResult": "成功",
}
DOOR = {
    "workOrdNum": "JF-20251222-0313",
    "name": "唐建峰",
    "account": "dwtangjianfeng",
    "phone": "13800001111",
    "city": "咸阳市",
    "site": "安康白河庆华化工厂站点",
    "room": "咸阳秦都应急楼一楼综合机房",
    "deviceId": "D20251222001",
    "dailyOpenTime": "2025-12-26 10:38:01",
}


class LoopThread:
    """An asyncio loop running in a daemon thread, like the GUI's or ``station serve``'s loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@contextmanager
def running(
    settings: ListenerSettings, sink: CallbackSink, clock: Clock | None = None
) -> Iterator[Listener]:
    """A started listener (port 0 → ephemeral); stopped and its loop closed afterwards."""
    thread = LoopThread()
    try:
        listener = thread.run(_make(settings, sink, clock))
        thread.run(listener.start())
        try:
            yield listener
        finally:
            thread.run(listener.stop())
    finally:
        thread.close()


async def _make(settings: ListenerSettings, sink: CallbackSink, clock: Clock | None) -> Listener:
    return Listener(settings, sink, clock)


def plain_settings(**overrides: Any) -> ListenerSettings:
    return ListenerSettings(**{"host": "127.0.0.1", "port": 0, **overrides})
