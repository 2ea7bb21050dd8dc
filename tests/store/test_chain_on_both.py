"""The whole chain (worker → simulator → listener → core) on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station.sim import SimConfig
from tests.helpers.net import wait_until
from tests.push.factory import form, local_today
from tests.push.harness import chain


def test_failure_then_success_on_either_database(data_dir: Path, storage: dict[str, Any]) -> None:
    config = SimConfig(
        scenario="success", device_scenarios=(("ACC2", "fail-then-success"),), callback_delay_s=0.05
    )
    with chain(data_dir, config, storage=storage) as c:
        reg = c.core.station.register(form(reg_date=local_today())).ids[0]
        wait_until(lambda: c.states(reg)["ACC2"] == "failed", seen=lambda: c.states(reg))
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        assert [len(p["parts"][0]["value"]["deviceId"]) for p in c.pushes()] == [2, 1]
        assert c.core.store.dialect == ("postgresql" if storage else "sqlite")
