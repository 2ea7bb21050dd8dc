"""Shared builders for the core tests: a form with real photos, a core on a tmp data dir."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from station.app import Core, build_core
from station.config import Settings, parse_settings
from station.domain.callbacks import RawCallback
from station.domain.clock import Clock, FakeClock
from station.domain.states import Role
from station.protocol.callbacks import DoorOpen, FaceResult
from station.service import Consent, PersonForm, RegistrationForm
from tests.helpers.photos import face_jpeg

START = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TODAY = date(2026, 12, 3)


def settings(**sections: dict[str, Any]) -> Settings:
    return parse_settings(sections)


def form(
    work_order: str = "JF-20261203-0001",
    devices: tuple[str, ...] = ("ACC1", "ACC2"),
    *,
    phone: str = "13800001111",
    name: str = "唐建峰",
    reg_date: date = TODAY,
    escort: bool = False,
    consent: bool = True,
    rooms: tuple[str, ...] = ("咸阳秦都应急楼一楼综合机房",),
) -> RegistrationForm:
    people = [PersonForm(name, "tangjianfeng", phone, face_jpeg(), Role.OPERATOR)]
    if escort:
        people.append(PersonForm("牛航", "niuhang", "13700003333", face_jpeg(), Role.ESCORT))
    return RegistrationForm(
        work_order=work_order,
        city="咸阳市",
        sites=("安康白河庆华化工厂站点",),
        rooms=rooms,
        device_ids=devices,
        reg_date=reg_date,
        people=tuple(people),
        consent=Consent("2026-12-v1", START, "clerk01") if consent else None,
        created_by="clerk01",
    )


def raw(kind: str = "face", when: datetime = START) -> RawCallback:
    return RawCallback(kind, b"{}", "application/json", "127.0.0.1", when)  # type: ignore[arg-type]


def face(
    device: str,
    text: str = "成功",
    work_order: str = "JF-20261203-0001",
    phone: str = "13800001111",
    name: str = "唐建峰",
) -> FaceResult:
    return FaceResult(
        work_order, name, "dwtangjianfeng", phone, "咸阳市", "站点", "机房", device, text
    )


def door(
    device: str,
    work_order: str | None = "JF-20261203-0001",
    *,
    room: str = "咸阳秦都应急楼一楼综合机房",
    at: datetime = datetime(2026, 12, 3, 10, 38, 1),
    phone: str | None = "13800001111",
    name: str | None = "唐建峰",
) -> DoorOpen:
    return DoorOpen(work_order, name, "dwtangjianfeng", phone, "咸阳市", "站点", room, device, at)


def make_core(data_dir: Path, clock: Clock | None = None, **sections: dict[str, Any]) -> Core:
    return build_core(settings(**sections), data_dir, clock or FakeClock(START))


def local_today() -> date:
    """Today at the station (Asia/Shanghai), for tests that run on the real clock."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()
