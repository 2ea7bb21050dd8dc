"""The event loop never stalls more than 50 ms while 50 registrations are pushed to the
simulator and its callbacks (results and door events) come back (DESIGN §6).

The simulator runs as its own process (the platform is remote; tests/ui/simproc.py runs it at a
lower priority, as a remote machine takes no CPU from the kiosk). The machine is shared: a stall
that a bare reference loop in another process suffers at the same moment is the machine's, not
the GUI's. Every other stall must stay under 50 ms. The figures are printed: the maximum stall,
how many went over 50 ms, and where the GUI thread's time went in the worst one (running,
waiting for a CPU, or blocked) — tests/ui/stallwatch.py prints every thread's stack in a stall
when a cause must be found.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.ui.conftest import settings_for
from tests.ui.lagref import reference_probe
from tests.ui.scenario import register_many
from tests.ui.schedstat import Stall, thread_times
from tests.ui.simproc import free_port, sim_process

pytestmark = [pytest.mark.gui, pytest.mark.slow]
TARGET_STALL_S = 0.050  # DESIGN §6
PROBE_S = 0.005


class LagProbe:
    """Sleeps ``PROBE_S`` again and again on the loop; the overshoot is how long it stalled."""

    def __init__(self) -> None:
        self.max_lag = 0.0
        self.worst = Stall(0.0, PROBE_S)
        self.samples = 0
        self.stalls: list[tuple[float, float]] = []  # (start, end), time.time(), over the limit
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            start, before, times = time.time(), time.perf_counter(), thread_times()
            await asyncio.sleep(PROBE_S)
            interval = time.perf_counter() - before
            lag = interval - PROBE_S
            if lag > self.max_lag:
                self.max_lag = lag
                self.worst = Stall.between(lag, interval, times, thread_times())
            self.samples += 1
            if lag > TARGET_STALL_S:
                self.stalls.append((start, time.time()))

    def stop(self) -> None:
        self._stop.set()


def test_loop_never_stalls_while_50_registrations_push_and_call_back(
    qtbot, start_gui, run, loop, tmp_path
):
    port = free_port()  # the platform is down until the 50 registrations are stored
    # production polling (1 s), not the fast 0.2 s the other GUI tests use
    gui = start_gui(settings_for(f"http://127.0.0.1:{port}", retry={"poll_s": 1}))
    app = gui.app
    assert app.listener is not None
    app.window.show_page("board")
    ids = run(register_many(app, 50), 60)
    assert len(ids) == 50
    options = ("--callback-delay", "0.05", "--door-events", "--door-delay", "0.1", "--seed", "3")
    with (
        sim_process(port, app.listener.base_url, tmp_path / "sim.jsonl", *options),
        reference_probe() as reference,
    ):
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
    own = [e - s for s, e in probe.stalls if not reference.covers(s, e)]
    print(
        f"\nloop-lag probe: max stall {probe.max_lag * 1000:.1f} ms over {probe.samples} samples;"
        f" {len(probe.stalls)} over the {TARGET_STALL_S * 1000:.0f} ms target, {len(own)} not"
        f" shared by a reference loop in another process ({len(reference.stalls)} machine"
        f" stalls over 15 ms); worst {probe.worst}"
    )
    assert probe.samples > 100
    assert not own, f"the GUI loop stalled over 50 ms: {[f'{s * 1000:.0f} ms' for s in own]}"
