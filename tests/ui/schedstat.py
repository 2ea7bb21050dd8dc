"""Where the GUI thread's time went during a stall: running, runnable but waiting for a CPU, or
blocked (the interpreter lock, another lock, I/O). Linux's per-thread ``schedstat`` gives the
first two; elsewhere the figures are ``None`` and only the stall itself is reported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_SELF = Path("/proc/thread-self/schedstat")


def thread_times() -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable in the run queue) of the calling thread, or None."""
    try:
        fields = _SELF.read_text().split()
    except OSError:
        return None
    return int(fields[0]) / 1e9, int(fields[1]) / 1e9


@dataclass(frozen=True)
class Stall:
    """A late wake-up: ``seconds`` late, over an interval of ``interval`` seconds (the sleep
    asked for plus the lateness) in which the thread ran and queued for so long."""

    seconds: float
    interval: float
    running: float | None = None
    queued: float | None = None

    @staticmethod
    def between(
        seconds: float,
        interval: float,
        before: tuple[float, float] | None,
        after: tuple[float, float] | None,
    ) -> Stall:
        if before is None or after is None:
            return Stall(seconds, interval)
        return Stall(seconds, interval, after[0] - before[0], after[1] - before[1])

    def __str__(self) -> str:
        text = f"{self.seconds * 1000:.1f} ms"
        if self.running is None or self.queued is None:
            return text
        blocked = max(0.0, self.interval - self.running - self.queued)
        return (
            f"{text} (GUI thread ran {self.running * 1000:.1f} ms, waited for a CPU"
            f" {self.queued * 1000:.1f} ms, blocked or idle {blocked * 1000:.1f} ms)"
        )
