"""The simulator as its own process (``station sim``), as the real platform is: its Python work
then does not share the GUI process's interpreter lock, so loop-lag figures are the GUI's own.

The real platform is another machine: its work never takes a CPU from the kiosk. On a two-core
test machine the simulator's process would (it answers every push and sends every callback),
so it runs at a lower priority (nice +10 where the OS has nice), like the GUI's own background
threads; a stall it still causes is one the reference probe (tests/ui/lagref.py) sees too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SIM_NICE = 10


@contextmanager
def sim_process(port: int, callback_base_url: str, log: Path, *options: str) -> Iterator[str]:
    """Start ``station sim`` on ``port``; yields its base URL once it accepts connections."""
    command = [
        sys.executable, "-m", "station", "sim",
        "--port", str(port),
        "--callback-base-url", callback_base_url,
        "--log", str(log),
        *options,
    ]  # fmt: skip
    with open(log.with_suffix(".out"), "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    if hasattr(os, "setpriority"):  # its threads start later and inherit it
        os.setpriority(os.PRIO_PROCESS, process.pid, SIM_NICE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"station sim did not start: {log.with_suffix('.out').read_text()}"
                    ) from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
