"""A diagnostic for loop stalls (not used by the suite; wire it into a test to find a cause).

A sampler thread keeps the recent stacks of every thread; when the loop's heartbeat comes late,
:meth:`StallWatch.report` prints what each thread was doing during the stall (identical
consecutive samples merged) and the gaps where the sampler itself did not run (it needs the
interpreter lock and a CPU like any thread, so a gap is a lock held in C code or a busy machine)::

    watch = StallWatch().start()
    ...  # on the loop: before = time.perf_counter(); await asyncio.sleep(0.005)
    if time.perf_counter() - before > 0.035:
        watch.report(before, time.perf_counter())
    ...
    watch.stop()

The GUI renices every thread but the main one (station/ui/priority.py), this one included: for
a sampler that keeps up on a loaded machine, call ``os.setpriority`` on its ``native_id``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from types import FrameType
from typing import TextIO

DEPTH = 8
Stacks = dict[str, tuple[str, ...]]


def _stack(frame: FrameType | None) -> tuple[str, ...]:
    out: list[str] = []
    while frame is not None and len(out) < DEPTH:
        code = frame.f_code
        name = code.co_filename.rsplit("/site-packages/", 1)[-1]
        out.append(f"{name}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return tuple(out)


class StallWatch:
    def __init__(self, every_s: float = 0.002, keep_s: float = 3.0) -> None:
        self.every_s = every_s
        self.samples: deque[tuple[float, Stacks]] = deque(maxlen=int(keep_s / every_s))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stallwatch", daemon=True)

    def start(self) -> StallWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.every_s):
            names = {t.ident: t.name for t in threading.enumerate()}
            stacks = {
                names.get(ident, str(ident)): _stack(frame)
                for ident, frame in sys._current_frames().items()
                if ident != me
            }
            self.samples.append((time.perf_counter(), stacks))

    def report(self, start: float, end: float, out: TextIO = sys.stdout) -> None:
        """Print what happened in [start, end] (``time.perf_counter()`` values)."""
        window = [(t, s) for t, s in list(self.samples) if start - 0.005 <= t <= end + 0.005]
        print(f"--- stall {1000 * (end - start):.1f} ms, {len(window)} samples", file=out)
        previous = start
        for t, _ in window:
            if t - previous > 4 * self.every_s:
                gap, at = 1000 * (t - previous), 1000 * (previous - start)
                print(f"  sampler gap {gap:.1f} ms at +{at:.1f} ms", file=out)
            previous = t
        for name in sorted({name for _, s in window for name in s}):
            runs: list[tuple[float, float, tuple[str, ...]]] = []
            for t, s in window:
                stack = s.get(name, ())
                if runs and runs[-1][2] == stack:
                    runs[-1] = (runs[-1][0], t, stack)
                else:
                    runs.append((t, t, stack))
            print(f"  [{name}]", file=out)
            for a, b, stack in runs:
                since, until = 1000 * (a - start), 1000 * (b - start)
                print(f"    +{since:6.1f}..{until:6.1f} ms  {' < '.join(stack[:5])}", file=out)
