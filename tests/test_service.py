"""The core service: registering (D16), result intake (D11, D12, D14, D15) and door flags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from station.app import Core
from station.domain.clock import FakeClock
from station.domain.events import DeviceStateChanged, DoorOpened, Event, RegistrationStored
from station.domain.states import DeviceState, DoorFlag
from station.service import ActionError, FormError
from station.store.tables import CallbackInbox, Registration
from tests.push.factory import START, door, face, form, make_core, raw


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def core(data_dir: Path, clock: FakeClock) -> Iterator[Core]:
    with make_core(data_dir, clock) as built:
        yield built


def states(core: Core, reg_id: int) -> dict[str, str]:
    view = core.station.registration(reg_id)
    assert view is not None
    return {d.device_id: d.state.value for d in view.devices}


def test_register_stores_everything_before_any_push(core: Core) -> None:
    events: list[Event] = []
    core.bus.subscribe(Event, events.append)
    done = core.station.register(form())
    reg_id = done.ids[0]
    assert states(core, reg_id) == {"ACC1": "queued", "ACC2": "queued"}
    with core.store.transaction() as session:
        reg = session.get(Registration, reg_id)
        assert reg is not None
        assert reg.photo_ref is not None
        assert core.vault.get(reg.photo_ref)[:3] == b"\xff\xd8\xff"
        assert reg.consent_version == "2026-12-v1"
        assert reg.consent_clerk == "clerk01"
    assert events == [RegistrationStored(reg_id, "JF-20261203-0001", ("ACC1", "ACC2"))]
    assert core.station.status().due == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"work_order": "  "}, "work_order"),
        ({"phone": "12345"}, "phone"),
        ({"devices": ()}, "device"),
        ({"rooms": ()}, "room"),
        ({"reg_date": date(2026, 12, 2)}, "date"),
        ({"consent": False}, "consent"),
    ],
)
def test_register_refuses_bad_fields_by_name(
    core: Core, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(FormError) as caught:
        core.station.register(form(**change))
    assert caught.value.field == field
    assert core.station.status().registrations == ()


def test_register_refuses_a_photo_that_is_not_a_jpeg(core: Core) -> None:
    bad = form()
    bad = replace(bad, people=(replace(bad.people[0], photo=b"\x89PNG not a jpeg"),))
    with pytest.raises(FormError, match="JPEG") as caught:
        core.station.register(bad)
    assert caught.value.field == "photo"
    assert not list(core.vault.folder.glob("*.bin"))


def test_landline_and_escort_are_accepted(core: Core) -> None:
    done = core.station.register(form(phone="029-88886666", escort=True))
    assert len(done.ids) == 2
    roles = [core.station.registration(i).role for i in done.ids]  # type: ignore[union-attr]
    assert roles == ["operator", "escort"]


def test_v1_registration_needs_an_escort(data_dir: Path, clock: FakeClock) -> None:
    """D6 / spec 2.2.4: escortRelation is mandatory in v1.0, so refuse before storing."""
    with make_core(data_dir, clock, platform={"protocol": "v1"}) as v1_core:
        with pytest.raises(FormError, match="随工") as caught:
            v1_core.station.register(form())
        assert caught.value.field == "escort.name"
        assert v1_core.station.status().due == 0
        assert len(v1_core.station.register(form(escort=True)).ids) == 2


def test_face_results_apply_d14_and_duplicates_change_nothing(core: Core, clock: FakeClock) -> None:
    reg_id = core.station.register(form()).ids[0]
    core.station.status()
    failure = face("ACC2", "失败：图片质量不合格")
    first = core.station.record_face_result(failure, raw())
    assert first.matched
    assert not first.duplicate
    assert first.registration_id == reg_id
    # queued is not waiting for a result, so a failure changes nothing yet (rules.FAILURE_APPLIES)
    assert states(core, reg_id)["ACC2"] == "queued"
    ok = core.station.record_face_result(face("ACC1"), raw())
    assert ok.matched
    assert states(core, reg_id)["ACC1"] == "written"
    again = core.station.record_face_result(face("ACC1"), raw())
    assert again.duplicate
    assert again.matched
    with core.store.transaction() as session:
        assert len(list(session.exec(select(CallbackInbox)))) == 2


def test_unmatched_result_is_stored_and_answered(core: Core) -> None:
    core.station.register(form())
    outcome = core.station.record_face_result(face("ACC9"), raw())
    assert not outcome.matched
    assert not outcome.duplicate
    with core.store.transaction() as session:
        rows = list(session.exec(select(CallbackInbox)))
    assert [r.matched for r in rows] == [False]


def test_unmatched_results_are_shown_in_status(core: Core) -> None:
    """D11: a result that matches nothing is not dropped; `station status --json` shows it."""
    core.station.register(form())
    stray = face("ACC9", "失败：设备离线", work_order="JF-OTHER-1")
    body = json.dumps(stray.to_json(), ensure_ascii=False).encode()
    core.station.record_face_result(stray, replace(raw(), body=body))
    core.station.record_face_result(face("ACC1"), replace(raw(), body=b"{}"))  # matched
    shown = core.station.status().to_json()["unmatched_results"]
    assert [(u["device_id"], u["work_order"], u["result"]) for u in shown] == [
        ("ACC9", "JF-OTHER-1", "失败：设备离线")
    ]
    assert shown[0]["received_at"].endswith("+08:00")


def test_d11_account_need_not_match_and_phone_picks_the_person(core: Core) -> None:
    done = core.station.register(form(escort=True))
    escort_result = face("ACC1", phone="13700003333", name="牛航")
    outcome = core.station.record_face_result(escort_result, raw())
    assert outcome.registration_id == done.ids[1]
    assert states(core, done.ids[1])["ACC1"] == "written"
    assert states(core, done.ids[0])["ACC1"] == "queued"


def test_door_events_are_flagged_and_published_with_a_masked_phone(core: Core) -> None:
    opened: list[Event] = []
    core.bus.subscribe(DoorOpened, opened.append)
    reg_id = core.station.register(form()).ids[0]
    first = core.station.record_door_open(door("ACC1"), raw("door"))
    assert first.matched
    assert first.flags == (DoorFlag.NOT_WRITTEN,)
    core.station.record_face_result(face("ACC1"), raw())
    later = door("ACC1", room="别的机房", at=door("ACC1").opened_at.replace(minute=50))
    assert core.station.record_door_open(later, raw("door")).flags == (
        DoorFlag.ROOM_NOT_REGISTERED,
    )
    nobody = core.station.record_door_open(door("ACC1", None, phone=None, name="路人"), raw("door"))
    assert nobody.flags == (DoorFlag.NO_WORK_ORDER, DoorFlag.UNMATCHED)
    stranger = core.station.record_door_open(door("ACC1", "JF-OTHER"), raw("door"))
    assert stranger.flags == (DoorFlag.UNMATCHED,)
    assert stranger.registration_id is None
    assert len(opened) == 4
    assert isinstance(opened[0], DoorOpened)
    assert opened[0].phone_masked == "138****1111"
    assert opened[0].registration_id == reg_id
    status = core.station.status().to_json()
    assert [e["flags"] for e in status["door_events"]][-1] == ["not_written"]
    assert status["door_events"][-1]["opened_at"] == "2026-12-03T10:38:01+08:00"


def test_door_outside_the_registered_date(core: Core) -> None:
    core.station.register(form(reg_date=date(2026, 12, 4)))
    outcome = core.station.record_door_open(door("ACC1"), raw("door"))
    assert DoorFlag.OUTSIDE_DATE in outcome.flags


def test_not_effective_only_on_written_devices(core: Core, clock: FakeClock) -> None:
    changes: list[Event] = []
    core.bus.subscribe(DeviceStateChanged, changes.append)
    reg_id = core.station.register(form()).ids[0]
    with pytest.raises(ActionError, match="written"):
        core.station.mark_not_effective(reg_id, "ACC1")
    with pytest.raises(ActionError, match="ACC7"):
        core.station.mark_not_effective(reg_id, "ACC7")
    core.station.record_face_result(face("ACC1"), raw())
    clock.advance(30)
    view = core.station.mark_not_effective(reg_id, "ACC1")
    assert view.state is DeviceState.NOT_EFFECTIVE
    assert view.next_push_at is not None
    assert (view.next_push_at - clock.now()).total_seconds() == 600
    assert isinstance(changes[-1], DeviceStateChanged)
    assert changes[-1].state == "not_effective"
