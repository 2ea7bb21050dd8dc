"""Waiting for effects and finding a free loopback port (shared by the tests' harnesses)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable


def free_port() -> int:
    """A loopback port free right now (whoever binds it does so a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(
    check: Callable[[], bool], timeout: float = 15, seen: Callable[[], object] | None = None
) -> None:
    """Poll ``check`` until true; fail naming what was last seen after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not reached in {timeout} s; last seen: {seen() if seen else '?'}"
            )
        time.sleep(0.02)
