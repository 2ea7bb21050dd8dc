"""Crash safety (D16, DESIGN §6): ``station serve`` killed with SIGKILL at random moments.

The test process plays the rest of the world on the same data dir: it registers people (as the
GUI or ``station register`` would, another process on the same SQLite file) and runs the real
listener that the simulator calls back. After at least 30 kills and a last clean run it checks:
every registration reached the simulator, ``PRAGMA integrity_check`` is ok, no device is written
without a stored success result, nothing is left in ``sending``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import tomli_w
from sqlmodel import select

from station.app import build_core
from station.config import parse_settings
from station.sim import SimConfig, run_simulator_in_thread
from station.store.tables import CallbackInbox, DeviceTarget, PushAttempt, Registration
from tests.helpers.net import wait_until
from tests.helpers.serve import serve_command
from tests.push.factory import form, local_today
from tests.push.harness import listener_in_thread

KILLS = 32


def serve(config: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        serve_command(config, data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(data_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(8)
    # Devices F* meet a flaky platform (21, dropped connection, then a slow 00), so that some
    # kills land while a push is in flight.
    sim_config = SimConfig(
        scenario="success",
        device_scenarios=(("F*", "flaky"),),
        slow_answer_s=0.8,
        callback_delay_s=0.05,
        seed=8,
    )
    with run_simulator_in_thread(sim_config) as sim:
        doc = {
            "platform": {"base_url": sim.base_url, "timeout_s": 2, "connect_timeout_s": 1},
            "retry": {"poll_s": 0.05, "backoff_base_s": 0.1, "backoff_max_s": 0.5},
            "listener": {"port": 0},  # serve's own listener; the simulator calls the test's
        }
        config = tmp_path / "station.toml"
        config.write_text(tomli_w.dumps(doc))
        settings = parse_settings(doc)
        with build_core(settings, data_dir) as world, listener_in_thread(world) as url:
            sim.set_callback_base_url(url)
            work_orders: list[str] = []
            for n in range(KILLS):
                process = serve(config, data_dir)
                for _ in range(rng.randint(1, 3)):
                    work_order = f"JF-CRASH-{len(work_orders):03d}"
                    prefix = rng.choice(["ACC", "ACC", "F"])
                    devices = tuple(f"{prefix}{i}" for i in range(rng.randint(1, 3)))
                    world.station.register(form(work_order, devices, reg_date=local_today()))
                    work_orders.append(work_order)
                time.sleep(rng.uniform(0.8, 2.4))  # the random moment of the kill, not a wait
                process.send_signal(signal.SIGKILL)
                assert process.wait(30) == -signal.SIGKILL, f"kill {n}"
            last = serve(config, data_dir)
            try:
                pushed = lambda: {r["work_order"] for r in sim.records(kind="addFace")}  # noqa: E731
                wait_until(
                    lambda: set(work_orders) <= pushed(), 60, lambda: set(work_orders) - pushed()
                )

                def settled() -> bool:
                    with world.store.transaction() as session:
                        states = {r.state for r in session.exec(select(DeviceTarget))}
                    return states <= {"accepted", "written"}

                wait_until(settled, 60)
            finally:
                last.send_signal(signal.SIGTERM)
                assert last.wait(30) == 0
            with world.store.transaction() as session:
                targets = list(session.exec(select(DeviceTarget)))
                successes = {
                    row.device_target_id
                    for row in session.exec(select(CallbackInbox))
                    if row.matched and json.loads(row.body)["faceWriteResult"] == "成功"
                }
                registrations = len(list(session.exec(select(Registration))))
                attempts = len(list(session.exec(select(PushAttempt))))
            received = len(sim.records(kind="addFace", direction="in"))
            log = (data_dir / "logs" / "station.log").read_text(encoding="utf-8")
            interrupted = log.count("push interrupted")
            print(
                f"crash test: {len(work_orders)} registrations, {received} pushes answered, "
                f"{attempts} recorded, {interrupted} interrupted pushes re-sent"
            )
    assert registrations == len(work_orders)
    assert all(t.state != "sending" for t in targets)
    written = [t.id for t in targets if t.state == "written"]
    assert written, "the listener never wrote a result: the chain is broken"
    assert set(written) <= successes  # never written without a success result
    with sqlite3.connect(data_dir / "station.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
