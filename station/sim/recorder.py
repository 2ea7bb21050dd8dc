"""The simulator's record of everything it received and sent (JSON lines and ``GET /_sim/log``).

Face pictures never enter the record (biometric data): a picture or face file is replaced by
``<jpeg N bytes sha256:…>``, any other long text by ``<N chars sha256:…>``; token headers by
``<redacted>``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from station.protocol.signing import TOKEN_HEADER

Record = dict[str, Any]
Predicate = Callable[[list[Record]], bool]
LONG_TEXT = 512
PICTURE_KEYS = ("picture", "operatorFace", "escortFace")


def summarize_jpeg(raw: bytes) -> str:
    kind = "jpeg" if raw.startswith(b"\xff\xd8\xff") else "binary"
    return f"<{kind} {len(raw)} bytes sha256:{hashlib.sha256(raw).hexdigest()[:16]}>"


def summarize_text(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
    return f"<{len(text)} chars sha256:{digest}>"


def _summarize_picture(value: str) -> str:
    try:
        return summarize_jpeg(base64.b64decode(value.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError):
        return summarize_text(value)


def redact(value: Any, key: str = "") -> Any:
    """A copy of a received JSON value safe to record: no picture, no long opaque text."""
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key) for v in value]
    if isinstance(value, str):
        if key.endswith(PICTURE_KEYS):
            return _summarize_picture(value)
        if len(value) > LONG_TEXT:
            return summarize_text(value)
    return value


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {
        k: ("<redacted>" if k.lower() == TOKEN_HEADER.lower() else v) for k, v in headers.items()
    }


class Recorder:
    """Thread-safe list of records, appended on the simulator's loop, read from any thread."""

    def __init__(self, path: Path | None = None, keep: int = 10_000) -> None:
        self._records: list[Record] = []
        self._keep = keep  # in memory; the JSON lines file keeps everything
        self._seq = 0
        self._cond = threading.Condition()
        self._file = path.open("a", encoding="utf-8") if path else None
        self._waiters: list[asyncio.Future[None]] = []

    def add(self, record: Record) -> Record:
        with self._cond:
            self._seq += 1
            record = {"seq": self._seq, "time": time.time(), **record}
            self._records.append(record)
            if len(self._records) > self._keep:
                del self._records[: len(self._records) - self._keep]
            if self._file is not None:
                self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._file.flush()
            self._cond.notify_all()
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.get_loop().call_soon_threadsafe(_wake, waiter)
        return record

    def records(self, since: int = 0) -> list[Record]:
        """Copies of the records whose ``seq`` is above ``since`` (the last 10 000 at most)."""
        with self._cond:
            return [dict(r) for r in self._records if r["seq"] > since]

    def clear(self) -> None:
        with self._cond:
            self._records.clear()

    def wait_for(self, predicate: Predicate, timeout: float) -> list[Record]:
        """Block until ``predicate(records)`` holds; TimeoutError naming what was seen."""
        with self._cond:
            if self._cond.wait_for(lambda: predicate(self._records), timeout):
                return [dict(r) for r in self._records]
            seen = [f"{r.get('direction')}:{r.get('kind')}" for r in self._records[-10:]]
        raise TimeoutError(f"simulator records did not match within {timeout} s; last: {seen}")

    async def async_wait_for(self, predicate: Predicate, timeout: float) -> list[Record]:
        """The same on the simulator's loop, without blocking it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)  # before looking, so no record is missed
            try:
                current = self.records()
                if predicate(current):
                    return current
                remaining = deadline - loop.time()
                if remaining <= 0:
                    seen = [f"{r.get('direction')}:{r.get('kind')}" for r in current[-10:]]
                    raise TimeoutError(
                        f"simulator records did not match within {timeout} s; last: {seen}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter, remaining)
            finally:
                self._waiters.remove(waiter)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
