"""The real chain on loopback for integration tests: push worker → simulator → listener → core.

A core on a tmp data dir (real SQLite, real vault), the teammates' real ``Listener`` on an
ephemeral port in its own loop thread, the real simulator calling back to it, and the worker
thread pushing with ``requests``. Timers are second-scale (set in config, not faked).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from station.app import Core, build_core
from station.config import ListenerSettings, parse_settings
from station.sim import SimConfig, SimHandle, run_simulator_in_thread
from tests.helpers.net import wait_until
from tests.listener.harness import plain_settings, running

FAST_RETRY = {
    "after_failure_s": 1.0,
    "after_silence_s": 1.0,
    "after_not_effective_s": 1.0,
    "backoff_base_s": 0.2,
    "backoff_max_s": 1.0,
    "pause_probe_s": 0.5,
    "poll_s": 0.05,
}


@contextmanager
def listener_in_thread(core: Core, settings: ListenerSettings | None = None) -> Iterator[str]:
    """The station's real listener (default: plain HTTP, loopback, port 0); yields its URL."""
    with running(settings or plain_settings(), core.station) as listener:
        yield listener.base_url


@dataclass
class Chain:
    core: Core
    sim: SimHandle

    def states(self, reg_id: int) -> dict[str, str]:
        view = self.core.station.registration(reg_id)
        assert view is not None
        return {d.device_id: d.state.value for d in view.devices}

    def wait_states(self, reg_id: int, want: dict[str, str], timeout: float = 15) -> None:
        wait_until(lambda: self.states(reg_id) == want, timeout, lambda: self.states(reg_id))

    def pushes(self) -> list[dict[str, Any]]:
        return [r for r in self.sim.records(direction="in") if r["kind"] in ("addFace", "v1")]


@contextmanager
def chain(
    data_dir: Path, sim_config: SimConfig | None = None, **sections: dict[str, Any]
) -> Iterator[Chain]:
    sim_config = sim_config or SimConfig(callback_delay_s=0.05)
    retry = {**FAST_RETRY, **sections.pop("retry", {})}
    # The simulator needs the listener's URL and the core needs the simulator's: start the
    # simulator first with a placeholder and point it at the listener once it is up.
    config = replace(sim_config, callback_base_url="http://127.0.0.1:9")
    with run_simulator_in_thread(config) as sim:
        platform = {"base_url": sim.base_url, "timeout_s": 5, "connect_timeout_s": 2}
        platform.update(sections.pop("platform", {}))
        settings = parse_settings({"retry": retry, "platform": platform, **sections})
        with build_core(settings, data_dir) as core, listener_in_thread(core) as url:
            sim.set_callback_base_url(url)
            core.worker.start()
            yield Chain(core, sim)
