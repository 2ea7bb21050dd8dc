"""Group commit for the listener's store thread (DESIGN §6: durable callbacks at a useful rate).

Handlers hand their validated callback to :class:`StoreBatcher` and await its outcome. One drain
job at a time runs on the listener's store executor: it takes every callback waiting at that
moment (up to ``max_batch``), has the core record them in one transaction
(``CallbackSink.record_callbacks``: one fsync for all; one bad callback is redone alone), and
then resolves each handler's future with its own outcome or exception on the loop. Callbacks
that arrive while a batch is being committed form the next batch, so under load the batches grow
by themselves and a lone callback is never held back waiting for company.

No database work runs on the event loop; the loop only appends to a list and sets results.
A handler that is cancelled while waiting does not cancel its callback: it is still committed
(the listener's ``stop`` waits for the drain job through the executor's shutdown).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Protocol

from station.domain.callbacks import CallbackOutcome, RawCallback
from station.protocol.callbacks import DoorOpen, FaceResult

log = logging.getLogger(__name__)
MAX_BATCH = 64

Callback = tuple[FaceResult | DoorOpen, RawCallback]


class BatchSink(Protocol):
    def record_callbacks(
        self, items: Sequence[Callback]
    ) -> Sequence[CallbackOutcome | Exception]: ...


@dataclass(frozen=True)
class _Waiting:
    item: Callback
    future: asyncio.Future[CallbackOutcome]
    loop: asyncio.AbstractEventLoop


class StoreBatcher:
    def __init__(
        self, sink: BatchSink, executor: Executor | None, max_batch: int = MAX_BATCH
    ) -> None:
        self._sink = sink
        self._executor = executor
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._draining = False  # a drain job is scheduled or running

    async def record(self, parsed: FaceResult | DoorOpen, raw: RawCallback) -> CallbackOutcome:
        """The callback's outcome once it is committed; raises what recording it raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[CallbackOutcome] = loop.create_future()
        with self._lock:
            self._waiting.append(_Waiting((parsed, raw), future, loop))
            start, self._draining = not self._draining, True
        if start:
            try:
                loop.run_in_executor(self._executor, self._drain)
            except RuntimeError as exc:  # the executor is shut down (listener stopping)
                with self._lock:
                    stranded, self._waiting, self._draining = self._waiting, [], False
                _resolve(stranded, [exc] * len(stranded))
        return await future

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                if not batch:
                    self._draining = False
                    return
            results: Sequence[CallbackOutcome | Exception]
            try:
                results = self._sink.record_callbacks([w.item for w in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{len(results)} outcomes for {len(batch)} callbacks")
            except Exception as exc:  # the sink should not raise; if it does, fail this batch
                results = [exc] * len(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[int]] = {}
            for index, waiting in enumerate(batch):
                by_loop.setdefault(waiting.loop, []).append(index)
            for loop, indexes in by_loop.items():
                try:
                    loop.call_soon_threadsafe(
                        _resolve, [batch[i] for i in indexes], [results[i] for i in indexes]
                    )
                except RuntimeError:  # the loop is closed: nobody is waiting any more
                    log.debug("loop closed before %d callbacks were answered", len(indexes))


def _resolve(batch: Sequence[_Waiting], results: Sequence[CallbackOutcome | Exception]) -> None:
    for waiting, result in zip(batch, results, strict=True):
        if waiting.future.done():  # the handler was cancelled; the callback is stored anyway
            continue
        if isinstance(result, Exception):
            waiting.future.set_exception(result)
        else:
            waiting.future.set_result(result)
