"""Integration: the worker against the real simulator, its callbacks through the real listener.

One test per scenario of issue 8, with second-scale timers from config (harness.FAST_RETRY):
D4/D5 answers, D14 re-push delays carrying only the due devices, D15 max pushes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from station.domain.events import Event, PlatformPaused, PlatformResumed
from station.sim import SimConfig
from station.store.tables import PushAttempt
from tests.helpers.net import wait_until
from tests.push.factory import form, local_today
from tests.push.harness import Chain, chain


def devices_of(push: dict[str, Any]) -> list[str]:
    return list(push["parts"][0]["value"]["deviceId"])


def register(c: Chain, devices: tuple[str, ...] = ("ACC1", "ACC2")) -> int:
    return c.core.station.register(form(devices=devices, reg_date=local_today())).ids[0]


def sim(scenario: str, **devices: str) -> SimConfig:
    return SimConfig(
        scenario=scenario, device_scenarios=tuple(devices.items()), callback_delay_s=0.05
    )


def test_success_writes_every_device_with_one_push(data_dir: Path) -> None:
    with chain(data_dir, sim("success")) as c:
        reg = register(c)
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        assert [devices_of(p) for p in c.pushes()] == [["ACC1", "ACC2"]]
        view = c.core.station.registration(reg)
        assert view is not None
        assert [d.pushes for d in view.devices] == [1, 1]


def test_failure_re_pushes_only_the_failed_device_after_the_delay(data_dir: Path) -> None:
    with chain(data_dir, sim("success", ACC2="fail-then-success")) as c:
        reg = register(c)
        wait_until(lambda: c.states(reg)["ACC2"] == "failed", seen=lambda: c.states(reg))
        assert c.states(reg)["ACC1"] == "written"
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        first, second = c.pushes()
        assert devices_of(first) == ["ACC1", "ACC2"]
        assert devices_of(second) == ["ACC2"]  # D14: only the due device
        assert second["time"] - first["time"] >= 1.0  # retry.after_failure_s


def test_silence_re_pushes_after_the_silence_delay(data_dir: Path) -> None:
    with chain(data_dir, sim("silent-then-success")) as c:
        reg = register(c, ("ACC1",))
        wait_until(lambda: c.states(reg)["ACC1"] == "accepted")
        c.wait_states(reg, {"ACC1": "written"})
        first, second = c.pushes()
        assert second["time"] - first["time"] >= 1.0  # retry.after_silence_s
        with c.core.store.transaction() as session:
            outcomes = [a.outcome for a in session.exec(select(PushAttempt))]
        assert outcomes == ["accepted", "accepted"]


def test_not_effective_re_pushes_that_device_after_its_delay(data_dir: Path) -> None:
    with chain(data_dir, sim("success")) as c:
        reg = register(c)
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        c.core.station.mark_not_effective(reg, "ACC2")
        assert c.states(reg)["ACC2"] == "not_effective"
        wait_until(lambda: len(c.pushes()) == 2)
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        first, second = c.pushes()
        assert devices_of(second) == ["ACC2"]
        assert second["time"] - first["time"] >= 1.0  # retry.after_not_effective_s


def test_flaky_platform_backs_off_then_succeeds(data_dir: Path) -> None:
    config = SimConfig(scenario="flaky", callback_delay_s=0.05, slow_answer_s=0.3)
    with chain(data_dir, config) as c:
        reg = register(c, ("ACC1",))
        c.wait_states(reg, {"ACC1": "written"}, timeout=20)
        with c.core.store.transaction() as session:
            attempts = list(session.exec(select(PushAttempt).order_by(col(PushAttempt.id))))
        assert [a.outcome for a in attempts][:2] == ["transient", "transient"]
        assert attempts[0].http_status == 500
        assert attempts[0].code == "21"
        assert attempts[-1].outcome == "accepted"
        gap = (attempts[1].started_at - attempts[0].started_at).total_seconds()
        assert gap >= 0.1  # backoff_base_s 0.2 with equal jitter: at least half of it
        view = c.core.station.registration(reg)
        assert view is not None
        assert view.devices[0].pushes == 1  # transport trouble does not count (D15)


def test_security_pauses_everything_and_resumes_without_losing_anything(
    data_dir: Path,
) -> None:
    with chain(data_dir, sim("security")) as c:
        seen: list[Event] = []
        c.core.bus.subscribe(PlatformPaused, seen.append)
        c.core.bus.subscribe(PlatformResumed, seen.append)
        first = register(c, ("ACC1",))
        c.wait_states(first, {"ACC1": "paused"})
        second = register(c, ("ACC2",))
        status = c.core.station.status()
        assert status.platform.paused
        assert "22" in status.platform.reason
        assert c.states(second) == {"ACC2": "queued"}  # not pushed while paused
        c.sim.set_scenario("success")
        c.wait_states(first, {"ACC1": "written"})
        c.wait_states(second, {"ACC2": "written"})
        assert [type(e) for e in seen] == [PlatformPaused, PlatformResumed]
        assert not c.core.station.status().platform.paused


def test_rejected_payload_shows_the_platforms_desc(data_dir: Path) -> None:
    config = SimConfig(scenario="reject", reject_desc="字段 city 不在地市清单中")
    with chain(data_dir, config) as c:
        reg = register(c, ("ACC1",))
        c.wait_states(reg, {"ACC1": "rejected"})
        view = c.core.station.registration(reg)
        assert view is not None
        assert "字段 city 不在地市清单中" in view.devices[0].last_result
        assert view.devices[0].next_push_at is None
        assert len(c.pushes()) == 1


def test_max_pushes_gives_up(data_dir: Path) -> None:
    with chain(data_dir, sim("fail"), retry={"max_pushes": 2, "after_failure_s": 0.3}) as c:
        reg = register(c, ("ACC1",))
        c.wait_states(reg, {"ACC1": "given_up"})
        view = c.core.station.registration(reg)
        assert view is not None
        assert view.devices[0].pushes == 2
        assert "需人工处理" in view.devices[0].last_result
        assert len(c.pushes()) == 2
