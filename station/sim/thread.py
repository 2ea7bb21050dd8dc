"""Running the simulator on its own event loop in a thread, for synchronous tests and tools."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from station.sim.config import SimConfig
from station.sim.recorder import Predicate, Record
from station.sim.server import Simulator

T = TypeVar("T")


class SimHandle:
    """A running simulator seen from another thread. Every method is thread-safe."""

    def __init__(self, sim: Simulator, loop: asyncio.AbstractEventLoop) -> None:
        self.sim = sim
        self._loop = loop
        self.base_url = sim.base_url

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def set_scenario(
        self,
        scenario: str,
        device_scenarios: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> None:
        async def switch() -> None:
            self.sim.set_scenario(scenario, device_scenarios)

        self._call(switch())

    def set_callback_base_url(self, url: str) -> None:
        async def switch() -> None:
            self.sim.set_callback_base_url(url)

        self._call(switch())

    def reset(self) -> None:
        """Forget push counts, opened doors and the records (between tests sharing one sim)."""

        async def reset() -> None:
            self.sim.reset()

        self._call(reset())

    def records(self, kind: str | None = None, direction: str | None = None) -> list[Record]:
        return self.sim.records(kind, direction)

    def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> list[Record]:
        """Block until ``predicate(records)`` is true; raises TimeoutError naming what was seen."""
        return self.sim.recorder.wait_for(predicate, timeout)

    def idle(self, timeout: float = 60) -> None:
        """Block until every scheduled callback was delivered or given up."""
        self._call(self.sim.idle(), timeout)


@contextmanager
def run_simulator_in_thread(config: SimConfig) -> Iterator[SimHandle]:
    """``with run_simulator_in_thread(SimConfig(...)) as handle: …`` starts and stops it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="station-sim", daemon=True)
    thread.start()
    sim = Simulator(config)
    try:
        asyncio.run_coroutine_threadsafe(sim.start(), loop).result(30)
        yield SimHandle(sim, loop)
    finally:
        asyncio.run_coroutine_threadsafe(sim.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
