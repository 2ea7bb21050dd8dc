"""Group commit of callbacks (``Station.record_callbacks``) on a real SQLite file.

- a batch applies every callback as one-by-one calls would (D11 matching, D12 duplicates inside
  the batch, door flags), and publishes the events only once the batch is committed;
- a callback whose effect fails in the database is rolled back alone (its raw record too) and
  gets its exception back; the others are committed;
- when the batch's transaction fails as a whole, each callback is recorded on its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from station.app import Core
from station.domain.callbacks import CallbackOutcome
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.states import DoorFlag
from tests.push.factory import door, face, form, make_core, raw


@pytest.fixture
def core(data_dir: Path) -> Iterator[Core]:
    with make_core(data_dir) as built:
        yield built


def committed(core: Core, sql: str) -> list[tuple[object, ...]]:
    """Rows as another connection sees them: only what is committed."""
    assert core.store.sqlite_file is not None
    db = sqlite3.connect(core.store.sqlite_file)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_a_batch_applies_each_callback_and_publishes_after_the_commit(core: Core) -> None:
    reg_id = core.station.register(form(devices=("ACC1", "ACC2"))).ids[0]
    seen_at_publish: list[tuple[Event, int]] = []

    def on_event(event: Event) -> None:
        count = committed(core, "SELECT count(*) FROM callback_inbox")[0][0]
        assert isinstance(count, int)
        seen_at_publish.append((event, count))

    core.bus.subscribe(DeviceStateChanged, on_event)
    core.bus.subscribe(DoorOpened, on_event)
    results = core.station.record_callbacks(
        [
            (face("ACC1"), raw()),
            (face("ACC2", "失败：图片质量不合格"), raw()),  # not pushed yet: no change
            (face("ACC1"), raw()),  # D12: the same callback again, inside the batch
            (face("ACC9"), raw()),  # not a device of the registration: unmatched (D11)
            (door("ACC1"), raw("door")),
        ]
    )
    assert results == [
        CallbackOutcome(False, True, reg_id),
        CallbackOutcome(False, True, reg_id),
        CallbackOutcome(True, True, reg_id),
        CallbackOutcome(False, False),
        CallbackOutcome(False, True, reg_id),  # ACC1 is written now: no flag
    ]
    assert [type(e).__name__ for e, _ in seen_at_publish] == ["DeviceStateChanged", "DoorOpened"]
    assert {count for _, count in seen_at_publish} == {4}  # all committed before any event
    view = core.station.registration(reg_id)
    assert view is not None
    assert {d.device_id: d.state.value for d in view.devices} == {
        "ACC1": "written",
        "ACC2": "queued",
    }
    rows = committed(core, "SELECT kind, matched, effect FROM callback_inbox ORDER BY id")
    assert rows == [
        ("face", 1, "written"),
        ("face", 1, "no change (queued)"),
        ("face", 0, "unmatched"),
        ("door", 1, "door ok"),
    ]


def test_one_failing_callback_is_rolled_back_alone(core: Core) -> None:
    """A real database error in one callback's effect (a trigger refuses its door event)."""
    reg_id = core.station.register(form(devices=("ACC1", "BAD"))).ids[0]
    assert core.store.sqlite_file is not None
    db = sqlite3.connect(core.store.sqlite_file)
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON door_event WHEN NEW.device_id = 'BAD' "
        "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
    )
    db.commit()
    db.close()
    opened: list[Event] = []
    core.bus.subscribe(DoorOpened, opened.append)
    results = core.station.record_callbacks(
        [(face("ACC1"), raw()), (door("BAD"), raw("door")), (door("ACC1"), raw("door"))]
    )
    assert results[0] == CallbackOutcome(False, True, reg_id)
    assert isinstance(results[1], DBAPIError)
    assert results[2] == CallbackOutcome(False, True, reg_id)
    assert [e.device_id for e in opened if isinstance(e, DoorOpened)] == ["ACC1"]
    # the failed one left nothing behind, not even its raw record (D16: both or neither)
    assert committed(core, "SELECT kind FROM callback_inbox ORDER BY id") == [("face",), ("door",)]
    assert committed(core, "SELECT device_id FROM door_event") == [("ACC1",)]
    with pytest.raises(DBAPIError):
        core.station.record_door_open(door("BAD"), raw("door"))


def test_a_failed_batch_transaction_is_recorded_one_by_one(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg_id = core.station.register(form(devices=("ACC1", "ACC2"))).ids[0]
    real = core.store.transaction
    calls: list[int] = []

    @contextmanager
    def commit_fails_once() -> Iterator[Session]:
        calls.append(1)
        with real() as session:
            yield session
            if len(calls) == 1:  # raised inside the transaction: it is rolled back
                raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(core.store, "transaction", commit_fails_once)
    changes: list[Event] = []
    core.bus.subscribe(DeviceStateChanged, changes.append)
    results = core.station.record_callbacks(
        [(face("ACC1"), raw()), (face("ACC2"), raw()), (door("ACC1", None), raw("door"))]
    )
    assert len(calls) == 4  # the batch, then each callback in a transaction of its own
    assert results[:2] == [CallbackOutcome(False, True, reg_id)] * 2
    assert isinstance(results[2], CallbackOutcome)
    assert DoorFlag.NO_WORK_ORDER in results[2].flags
    assert [e.device_id for e in changes if isinstance(e, DeviceStateChanged)] == ["ACC1", "ACC2"]
    assert committed(core, "SELECT count(*) FROM callback_inbox") == [(3,)]


def test_a_batch_decides_as_one_by_one_when_a_result_moves_the_push_count(
    tmp_path: Path,
) -> None:
    """A result for a device still ``sending`` counts its push (rules.after_result), so the
    same result again is scoped by another push (D12): the batch must decide as one by one."""
    failure = face("ACC1", "失败：图片质量不合格")
    seen: list[tuple[list[object], list[tuple[object, ...]], list[tuple[object, ...]]]] = []
    for way in ("batch", "one by one"):
        with make_core(tmp_path / way.replace(" ", "-")) as core:
            core.station.register(form(devices=("ACC1",)))
            assert core.store.sqlite_file is not None
            db = sqlite3.connect(core.store.sqlite_file)
            db.execute("UPDATE device_target SET state = 'sending'")
            db.commit()
            db.close()
            items = [(failure, raw())] * 3
            if way == "batch":
                outcomes: list[object] = list(core.station.record_callbacks(items))
            else:
                outcomes = [core.station.record_face_result(*item) for item in items]
            seen.append(
                (
                    outcomes,
                    committed(core, "SELECT matched, effect FROM callback_inbox ORDER BY id"),
                    committed(core, "SELECT state, pushes FROM device_target"),
                )
            )
    assert seen[0] == seen[1]
    assert seen[0][2] == [("failed", 1)]
