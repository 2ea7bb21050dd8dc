"""The event loop never stalls more than 50 ms while 50 registrations are pushed to the
simulator and its callbacks (results and door events) come back (DESIGN §6)."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.ui.conftest import settings_for
from tests.ui.scenario import register_many
from tests.ui.simproc import free_port, sim_process

pytestmark = [pytest.mark.gui, pytest.mark.slow]
MAX_STALL_S = 0.050
PROBE_S = 0.005


class LagProbe:
    """Sleeps ``PROBE_S`` again and again on the loop; the overshoot is how long it stalled."""

    def __init__(self) -> None:
        self.max_lag = 0.0
        self.samples = 0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(PROBE_S)
            self.max_lag = max(self.max_lag, time.perf_counter() - before - PROBE_S)
            self.samples += 1

    def stop(self) -> None:
        self._stop.set()


def test_loop_never_stalls_while_50_registrations_push_and_call_back(
    qtbot, start_gui, run, loop, tmp_path
):
    port = free_port()  # the platform is down until the 50 registrations are stored
    gui = start_gui(settings_for(f"http://127.0.0.1:{port}"))
    app = gui.app
    assert app.listener is not None
    app.window.show_page("board")
    ids = run(register_many(app, 50), 60)
    assert len(ids) == 50
    options = ("--callback-delay", "0.05", "--door-events", "--door-delay", "0.1", "--seed", "3")
    with sim_process(port, app.listener.base_url, tmp_path / "sim.jsonl", *options):
        # from the moment the platform answers: pushes (the worker was backing off), results
        # and door events all flow while the probe runs
        probe = LagProbe()
        probe_task = loop.create_task(probe.run())
        history = app.history_page
        qtbot.waitUntil(
            lambda: sum(r[5] == "2/2" for r in history.filtered_rows()) == 50, timeout=90_000
        )
        board = app.board_page
        qtbot.waitUntil(lambda: board.feed.count() >= 50, timeout=60_000)
        probe.stop()
        qtbot.waitUntil(probe_task.done, timeout=2000)
    print(f"\nloop-lag probe: max stall {probe.max_lag * 1000:.1f} ms over {probe.samples} samples")
    assert probe.samples > 100
    assert probe.max_lag < MAX_STALL_S, f"event loop stalled {probe.max_lag * 1000:.1f} ms"
