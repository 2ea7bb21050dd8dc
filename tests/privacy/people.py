"""Test people and helpers that drive the real core service for the privacy tests (issue 7).

The names and phones here are what the log and disk scans look for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from station.app import Core, build_core
from station.config import Settings
from station.core.forms import Consent, PersonForm, RegistrationForm
from station.domain.callbacks import RawCallback
from station.domain.clock import Clock
from station.protocol.callbacks import decode_body, parse_door_open, parse_face_result
from tests.helpers.photos import face_jpeg


@dataclass(frozen=True)
class Person:
    name: str
    account: str
    phone: str


ALICE = Person("唐建峰", "tangjianfeng", "13800001111")
BOB = Person("司马相如", "simaxiangru", "13912345678")
CAROL = Person("欧阳娜娜", "ouyangnana", "029-88881234")
PEOPLE = (ALICE, BOB, CAROL)
CITY, SITE, ROOM = "咸阳市", "咸阳秦都应急楼站点", "咸阳秦都应急楼一楼综合机房"
DEVICES = ("20231201996901", "20231201996902")


def open_core(data_dir: Path, clock: Clock, settings: Settings | None = None) -> Core:
    return build_core(settings or Settings(), data_dir, clock)


def register(
    core: Core,
    person: Person = ALICE,
    work_order: str = "JF-20261203-0001",
    devices: tuple[str, ...] = DEVICES,
    day: date | None = None,
) -> int:
    now = core.clock.now()
    form = RegistrationForm(
        work_order=work_order,
        city=CITY,
        sites=(SITE,),
        rooms=(ROOM,),
        device_ids=devices,
        reg_date=day or (now + timedelta(hours=8)).date(),
        people=(PersonForm(person.name, person.account, person.phone, face_jpeg()),),
        consent=Consent(core.settings.station.consent_notice_version, now, "clerk-01"),
        created_by="clerk-01",
    )
    (reg_id,) = core.station.register(form).ids
    return reg_id


def _person_body(person: Person, device: str, wo: str) -> dict[str, str]:
    """The fields both callbacks carry about the person, in the spec's order."""
    return {
        "workOrdNum": wo,
        "name": person.name,
        "account": "dw" + person.account,
        "phone": person.phone,
        "city": CITY,
        "site": SITE,
        "room": ROOM,
        "deviceId": device,
    }


def _raw(kind: str, body: dict[str, str], at: datetime) -> tuple[dict[str, object], RawCallback]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    raw = RawCallback(kind, data, "application/json", "127.0.0.1", at)  # type: ignore[arg-type]
    return decode_body(data, "application/json"), raw


def face_result(
    core: Core, person: Person, device: str, text: str = "成功", wo: str = "JF-20261203-0001"
) -> None:
    body = {**_person_body(person, device, wo), "faceWriteResult": text}
    obj, raw = _raw("face", body, core.clock.now())
    core.station.record_face_result(parse_face_result(obj), raw)


def door_open(
    core: Core, person: Person, device: str, opened: str, wo: str = "JF-20261203-0001"
) -> None:
    body = {**_person_body(person, device, wo), "dailyOpenTime": opened}
    obj, raw = _raw("door", body, core.clock.now())
    core.station.record_door_open(parse_door_open(obj), raw)
