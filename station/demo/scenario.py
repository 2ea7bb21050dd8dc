"""The demo's world: settings with short timers, the simulator's mixed scenario, two people.

Qt-free. The simulated platform (``station.sim``) writes most devices at once; one device fails
once and is written after the D14 re-push (``fail-then-success``), one stays silent once and is
written after the no-result re-push (``silent-then-success``); the clerk marks one written device
"成功但未生效" and it is re-pushed and written again. Every written device opens its
door once; the first door event is followed by a door opened without a work order (a fixed seed
makes this deterministic), which the board flags (D11). Timers are seconds instead of minutes so
the whole tour takes about a minute.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from station.config import Settings
from station.sim import SimConfig

FAIL_ONCE_DEVICE = "20231201996902"  # 一楼综合机房后门: fails once, written after the re-push
SILENT_ONCE_DEVICE = "ACC2025122001"  # 安康 基站机房: no result once, written after the re-push
NOT_EFFECTIVE_DEVICE = "20231201996903"  # written, then the clerk's 成功但未生效 re-pushes it (D14)
#: random.Random(16).random() < 0.4 for the first door event only (see the module docstring).
DOOR_SEED, DOOR_ANONYMOUS_RATE = 16, 0.4


@dataclass(frozen=True)
class DemoPerson:
    """One registration of the tour (names and numbers are made up)."""

    work_order: str
    name: str
    account: str
    phone: str
    city: str
    site: str
    rooms: tuple[str, ...]
    devices: tuple[str, ...]
    face: str  # the still in resources/demo the camera shows while this person is registered


PEOPLE = (
    DemoPerson(
        work_order="JF-20261203-0001",
        name="林晓燕",
        account="linxiaoyan",
        phone="13800001111",
        city="咸阳市",
        site="咸阳秦都应急楼站点",
        rooms=("咸阳秦都应急楼一楼综合机房", "咸阳秦都应急楼三楼传输机房"),
        devices=("20231201996901", FAIL_ONCE_DEVICE, "20231201996903"),
        face="astronaut.jpg",
    ),
    DemoPerson(
        work_order="JF-20261203-0002",
        name="何慧珍",
        account="hehuizhen",
        phone="13700003333",
        city="安康市",
        site="安康白河庆华化工厂站点",
        rooms=("安康白河庆华化工厂基站机房",),
        devices=(SILENT_ONCE_DEVICE,),
        face="grace-hopper.jpg",
    ),
)


def free_port(host: str = "127.0.0.1") -> int:
    """A port free right now (the listener binds it a moment later; loopback only)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def sim_config(callback_base_url: str, log_path: Path | None) -> SimConfig:
    return SimConfig(
        callback_base_url=callback_base_url,
        scenario="success",
        device_scenarios=(
            (FAIL_ONCE_DEVICE, "fail-then-success"),
            (SILENT_ONCE_DEVICE, "silent-then-success"),
        ),
        callback_delay_s=0.8,
        door_events=True,
        door_delay_s=1.5,
        door_anonymous_rate=DOOR_ANONYMOUS_RATE,
        seed=DOOR_SEED,
        account_prefix="dw",  # like the spec's example: tangjianfeng → dwtangjianfeng (D11)
        log_path=log_path,
        callback_retry_delay_s=0.5,
    )


def demo_settings(platform_url: str, listener_port: int, camera_source: str) -> Settings:
    settings = Settings()
    settings.station.name = "演示站 Demo"
    settings.platform.base_url = platform_url
    settings.platform.timeout_s = 5
    settings.listener.host = "127.0.0.1"
    settings.listener.port = listener_port
    settings.retry.after_failure_s = 4  # D14: 5 minutes in production
    settings.retry.after_silence_s = 6  # D14: 10 minutes in production
    settings.retry.after_not_effective_s = 6
    settings.retry.backoff_base_s = 1
    settings.retry.backoff_max_s = 5
    settings.retry.poll_s = 0.3
    settings.camera.source = camera_source
    return settings


def expected_devices() -> dict[str, str]:
    """Every device of the tour and the state it must reach."""
    return {device: "written" for person in PEOPLE for device in person.devices}


def today_in(settings: Settings) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(settings.station.timezone)).date()
