"""A reference loop-lag probe in its own process: what this machine's scheduler alone does.

The GUI test runs on a shared two-core machine; a stall that a bare asyncio loop in another
process suffers at the same moment is the machine's (other processes hogging the cores), not the
GUI's. The reference prints each of its stalls as ``start end`` (``time.time()``) lines.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

PROBE_S = 0.005
REPORT_OVER_S = 0.015

_SCRIPT = f"""
import asyncio, sys, time
async def main():
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(sys.stdin.fileno(), stop.set)
    while not stop.is_set():
        start = time.time()
        await asyncio.sleep({PROBE_S})
        end = time.time()
        if end - start - {PROBE_S} > {REPORT_OVER_S}:
            print(start, end, flush=True)
asyncio.run(main())
"""


@dataclass
class Reference:
    stalls: list[tuple[float, float]] = field(default_factory=list)

    def covers(self, start: float, end: float) -> bool:
        """The machine itself stalled during part of [start, end]."""
        return any(s < end and e > start for s, e in self.stalls)


@contextmanager
def reference_probe() -> Iterator[Reference]:
    process = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    reference = Reference()
    try:
        yield reference
    finally:
        out, _ = process.communicate("stop\n", timeout=10)
        for line in out.split("\n"):
            if line.strip():
                start, end = line.split()
                reference.stalls.append((float(start), float(end)))
