"""Group commit of callbacks (``Station.record_callbacks``) on SQLite and PostgreSQL: the
multi-row inserts, the locked device rows and the D12 twins read once per batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from station.app import Core
from station.domain.callbacks import CallbackOutcome
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.states import DoorFlag
from station.store.tables import CallbackInbox, DoorEvent
from tests.push.factory import door, face, form, make_core, raw


@pytest.fixture
def core(data_dir: Path, storage: dict[str, Any]) -> Iterator[Core]:
    with make_core(data_dir, storage=storage) as built:
        yield built


def count(core: Core, table: type[CallbackInbox] | type[DoorEvent]) -> int:
    with core.store.transaction() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_batches_apply_in_order_and_dedupe_within_and_across(core: Core) -> None:
    reg_id = core.station.register(form(devices=("ACC1", "ACC2"))).ids[0]
    events: list[Event] = []
    core.bus.subscribe(DeviceStateChanged, events.append)
    core.bus.subscribe(DoorOpened, events.append)
    first = core.station.record_callbacks(
        [
            (door("ACC1"), raw("door")),  # before the face is written: flagged
            (face("ACC1"), raw()),
            (face("ACC1"), raw()),  # D12 within the batch
            (door("ACC1", at=door("ACC1").opened_at.replace(minute=39)), raw("door")),
            (door("ACC2", None, phone=None, name="路人"), raw("door")),
        ]
    )
    assert first == [
        CallbackOutcome(False, True, reg_id, (DoorFlag.NOT_WRITTEN,)),
        CallbackOutcome(False, True, reg_id),
        CallbackOutcome(True, True, reg_id),
        CallbackOutcome(False, True, reg_id),  # written by the face result before it
        CallbackOutcome(False, False, None, (DoorFlag.NO_WORK_ORDER, DoorFlag.UNMATCHED)),
    ]
    assert [type(e).__name__ for e in events] == [
        "DoorOpened",
        "DeviceStateChanged",
        "DoorOpened",
        "DoorOpened",
    ]
    door_ids = [e.door_event_id for e in events if isinstance(e, DoorOpened)]
    assert len(set(door_ids)) == 3
    assert [e.id for e in core.station.door_events()] == sorted(door_ids, reverse=True)
    again = core.station.record_callbacks([(face("ACC1"), raw()), (door("ACC1"), raw("door"))])
    assert again == [
        CallbackOutcome(True, True, reg_id),
        CallbackOutcome(True, True, reg_id, (DoorFlag.NOT_WRITTEN,)),  # as stored the first time
    ]
    assert (count(core, CallbackInbox), count(core, DoorEvent)) == (4, 3)
    assert len(events) == 4  # duplicates publish nothing
