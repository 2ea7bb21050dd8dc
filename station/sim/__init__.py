"""The 动环 platform simulator: a strict platform for tests, the demo and joint debugging (联调).

Async (on your loop)::

    from station.sim import SimConfig, Simulator

    sim = Simulator(SimConfig(callback_base_url="http://127.0.0.1:8080", scenario="success"))
    base_url = await sim.start()          # e.g. "http://127.0.0.1:40123" (port 0: ephemeral)
    ...                                   # push to base_url + ADDFACE_PATH
    sim.set_scenario("security")          # or with per-device overrides {"ACC*": "fail"}
    await sim.wait_for(lambda recs: any(r["kind"] == "faceOperationResult" for r in recs), 10)
    sim.records(kind="addFace", direction="in")
    await sim.stop()

Sync (its own loop in a thread)::

    from station.sim import SimConfig, run_simulator_in_thread

    with run_simulator_in_thread(SimConfig(callback_base_url=url)) as handle:
        requests.post(handle.base_url + ADDFACE_PATH, ...)
        handle.set_scenario("fail-then-success")
        handle.wait_for(lambda recs: ..., timeout=10)     # TimeoutError if never true
        handle.records(kind="faceOperationResult")

Records are dicts: ``direction`` ("in" pushes received, "out" callbacks sent, "control"),
``kind`` ("addFace", "v1", "faceOperationResult", "openDoorReceive", "scenario"), ``seq``,
``time``; "in" has ``answer`` (the envelope), ``work_order``, ``parts`` or ``received``
(pictures replaced by ``<jpeg N bytes sha256:…>``); "out" has ``url``, ``headers``, ``body`` (the
exact JSON text sent), ``attempt``, ``status``, ``answer``, ``delivered``, ``error``.
Scenarios are described in :mod:`station.sim.config`; the HTTP control endpoints in
:mod:`station.sim.server`.
"""

from station.sim.config import DEFAULT_V1_PATH, SCENARIOS, SimConfig, parse_device_scenario
from station.sim.recorder import Record
from station.sim.server import Simulator
from station.sim.thread import SimHandle, run_simulator_in_thread

__all__ = [
    "DEFAULT_V1_PATH",
    "SCENARIOS",
    "Record",
    "SimConfig",
    "SimHandle",
    "Simulator",
    "parse_device_scenario",
    "run_simulator_in_thread",
]
