"""Fire-and-forget coroutines from slots, kept referenced until done (RUF006) and never silent:
an exception goes to the loop's exception handler (logged and shown by the shell)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

_running: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(_done)
    return task


def _done(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        loop = task.get_loop()
        loop.call_exception_handler(
            {"message": "GUI task failed", "exception": task.exception(), "task": task}
        )


def pending() -> list[asyncio.Task[Any]]:
    return [t for t in _running if not t.done()]
