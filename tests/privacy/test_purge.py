"""Retention applied to a real store and photo folder with an injected clock (issue 7 §3).

Photos go 24 h after all devices are written or when the registration ends; name, account and
phone go after ``retention_days`` everywhere (registrations, push attempts, callbacks, door
events) while the audit rows stay; ``--dry-run`` changes nothing; deleted pages leave the files.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from station.app import Core
from station.config import Settings
from station.domain.clock import FakeClock
from station.privacy.purge import run_purge
from station.privacy.retention import REASON_DATE_OVER, REASON_WRITTEN
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, PushAttempt, Registration
from tests.privacy.people import ALICE, BOB, DEVICES, door_open, face_result, open_core, register

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 Asia/Shanghai
HOUR = 3600.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def core(data_dir: Path, clock: FakeClock):
    with open_core(data_dir, clock) as built:
        yield built


def purge(core: Core, dry_run: bool = False):
    return run_purge(core.store, core.vault, core.settings, core.clock.now(), dry_run=dry_run)


def reg_row(core: Core, reg_id: int) -> Registration:
    with core.store.transaction() as session:
        row = session.get(Registration, reg_id)
        assert row is not None
        return row


def add_attempt(core: Core, reg_id: int, person=ALICE) -> None:
    """A push attempt row as the worker records it (describe(): every field but the picture)."""
    sent = {"workOrdNum": "JF-20261203-0001", "name": person.name, "account": person.account,
            "phone": person.phone, "deviceId": list(DEVICES), "picture": "<jpeg 1 bytes>"}  # fmt: skip
    with core.store.transaction() as session:
        session.add(
            PushAttempt(
                registration_ids=[reg_id],
                device_ids=list(DEVICES),
                protocol="v3",
                url="http://127.0.0.1:9/v1/external/ywgl/addFace",
                sent=sent,
                started_at=core.clock.now(),
                http_status=200,
                code="00",
                outcome="accepted",
            )
        )


def test_photo_gone_24_hours_after_all_devices_written(core: Core, clock: FakeClock) -> None:
    reg_id = register(core, day=datetime(2026, 12, 10).date())
    ref = reg_row(core, reg_id).photo_ref
    assert ref is not None
    assert core.vault.exists(ref)
    clock.advance(60)
    face_result(core, ALICE, DEVICES[0])
    clock.advance(60)
    face_result(core, ALICE, DEVICES[1])
    clock.advance(24 * HOUR - 1)
    assert purge(core).photos == []
    assert core.vault.exists(ref)
    clock.advance(1)
    report = purge(core)
    assert [(p.registration_id, p.reason) for p in report.photos] == [(reg_id, REASON_WRITTEN)]
    assert not core.vault.exists(ref)
    row = reg_row(core, reg_id)
    assert row.photo_ref is None
    assert row.name == ALICE.name  # personal data stays until retention_days
    assert purge(core).photos == []  # nothing left to do


def test_photo_kept_while_a_device_still_waits(core: Core, clock: FakeClock) -> None:
    reg_id = register(core, day=datetime(2026, 12, 10).date())
    face_result(core, ALICE, DEVICES[0])
    clock.advance(48 * HOUR)
    assert purge(core).photos == []
    assert reg_row(core, reg_id).photo_ref is not None


def test_photo_gone_once_the_registered_date_is_over(core: Core, clock: FakeClock) -> None:
    reg_id = register(core, day=datetime(2026, 12, 3).date())
    clock.set(datetime(2026, 12, 3, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Shanghai
    assert purge(core).photos == []
    clock.advance(1)
    (due,) = purge(core).photos
    assert (due.registration_id, due.reason) == (reg_id, REASON_DATE_OVER)
    assert reg_row(core, reg_id).photo_ref is None


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        lines = list(conn.iterdump())
    conn.close()
    return lines


def test_personal_data_gone_after_retention_days_audit_rows_kept(
    core: Core, clock: FakeClock, data_dir: Path
) -> None:
    reg_id = register(core, day=datetime(2026, 12, 3).date())
    other = register(core, BOB, work_order="JF-20261203-0002")
    add_attempt(core, reg_id)
    face_result(core, ALICE, DEVICES[0])
    door_open(core, ALICE, DEVICES[0], "2026-12-03 10:05:00")
    door_open(core, BOB, "20239999999999", "2026-12-03 10:06:00", wo="JF-X")  # unmatched
    clock.advance(29 * 24 * HOUR)
    late = register(core, BOB, work_order="JF-20260101-0003")  # stored 29 days later
    clock.advance(24 * HOUR + 1)  # 30 days and 1 s after the first ones

    report = purge(core)

    assert {i for i, _ in report.anonymised} == {reg_id, other}
    assert (report.push_attempts, report.callbacks, report.door_events) == (1, 3, 2)
    assert report.checkpoint == "truncated"
    with core.store.transaction() as session:
        for rid in (reg_id, other):
            row = session.get(Registration, rid)
            assert row is not None
            assert (row.name, row.account, row.phone, row.photo_ref) == ("", "", "", None)
            assert row.work_order.startswith("JF-20261203")
            assert row.purged_at == clock.now()
        kept = session.get(Registration, late)
        assert kept is not None
        assert kept.name == BOB.name
        states = {
            t.device_id: t.state
            for t in session.exec(
                select(DeviceTarget).where(DeviceTarget.registration_id == reg_id)
            )
        }
        assert states[DEVICES[0]] == "written"  # audit: device and state stay
        doors = session.exec(select(DoorEvent)).all()
        assert len(doors) == 2
        assert all(d.name is None and d.phone is None and d.account is None for d in doors)
        assert {d.device_id for d in doors} == {DEVICES[0], "20239999999999"}
        assert all(d.flags is not None for d in doors)
        for cb in session.exec(select(CallbackInbox)).all():
            assert ALICE.name.encode() not in cb.body
            assert b"13800001111" not in cb.body
            assert b"JF-2026" in cb.body or b"JF-X" in cb.body  # the work order stays
        attempt = session.exec(select(PushAttempt)).one()
        assert attempt.sent["name"] == ""
        assert attempt.sent["workOrdNum"] == "JF-20261203-0001"
    # The old values are gone from the files too (secure_delete + WAL checkpoint TRUNCATE).
    db = data_dir / "station.db"
    raw = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
    assert ALICE.phone.encode() not in raw
    assert ALICE.name.encode() not in raw
    assert BOB.name.encode() in raw  # the late registration keeps its data: the scan can fail
    assert purge(core).anonymised == []


def test_dry_run_lists_and_changes_nothing(core: Core, clock: FakeClock, data_dir: Path) -> None:
    reg_id = register(core, day=datetime(2026, 12, 3).date())
    face_result(core, ALICE, DEVICES[0])
    door_open(core, ALICE, DEVICES[0], "2026-12-03 10:05:00")
    add_attempt(core, reg_id)
    clock.advance(31 * 24 * HOUR)
    photos_before = sorted(p.name for p in (data_dir / "photos").iterdir())
    dump_before = _tables(data_dir / "station.db")

    report = purge(core, dry_run=True)

    assert [p.registration_id for p in report.photos] == [reg_id]
    assert [i for i, _ in report.anonymised] == [reg_id]
    assert (report.push_attempts, report.callbacks, report.door_events) == (1, 2, 1)
    assert report.checkpoint == "skipped"
    assert sorted(p.name for p in (data_dir / "photos").iterdir()) == photos_before
    assert _tables(data_dir / "station.db") == dump_before
    assert purge(core).anonymised == [(reg_id, "JF-20261203-0001")]  # the real run does it
    assert _tables(data_dir / "station.db") != dump_before


def test_orphan_and_temp_files_are_swept_after_an_hour(core: Core, data_dir: Path) -> None:
    import os
    import time

    reg_id = register(core, day=datetime(2026, 12, 10).date())
    orphan_old = core.vault.put(b"\xff\xd8\xff orphan from a crash")
    orphan_new = core.vault.put(b"\xff\xd8\xff registration being stored")
    tmp = data_dir / "photos" / "x.tmp"
    tmp.write_bytes(b"partial")
    old = time.time() - 2 * HOUR
    for path in (
        core.vault.path(orphan_old),
        tmp,
        core.vault.path(reg_row(core, reg_id).photo_ref or ""),
    ):
        os.utime(path, (old, old))
    report = purge(core)
    assert (report.orphan_photos, report.temp_files) == (1, 1)
    assert not core.vault.exists(orphan_old)
    assert core.vault.exists(orphan_new)
    assert core.vault.exists(reg_row(core, reg_id).photo_ref or "")  # referenced: kept


def test_settings_drive_the_periods(data_dir: Path, clock: FakeClock) -> None:
    settings = Settings()
    settings.storage.photo_keep_after_written_s = 60
    settings.storage.retention_days = 1
    with open_core(data_dir, clock, settings) as core:
        reg_id = register(core, day=datetime(2026, 12, 10).date())
        for device in DEVICES:
            face_result(core, ALICE, device)
        clock.advance(61)
        assert [p.registration_id for p in purge(core).photos] == [reg_id]
        clock.advance(24 * HOUR)
        assert [i for i, _ in purge(core).anonymised] == [reg_id]


def test_old_database_backups_go_after_retention_days(core: Core, data_dir: Path) -> None:
    import os
    import time

    old = data_dir / "station.db.backup-0001-20260101T000000Z"
    new = data_dir / "station.db.backup-0001-20261201T000000Z"
    for path in (old, new):
        path.write_bytes(b"SQLite format 3\x00 with personal data")
    past = time.time() - 31 * 86400
    os.utime(old, (past, past))
    assert purge(core, dry_run=True).old_backups == 1
    assert old.exists()
    assert purge(core).old_backups == 1
    assert not old.exists()
    assert new.exists()


@pytest.mark.postgres
def test_retention_on_postgresql(data_dir: Path, clock: FakeClock) -> None:
    """The same purge on PostgreSQL ([storage].database_url): no checkpoint, the rest alike."""
    from tests.helpers.postgres import postgres_server

    with postgres_server() as server:
        settings = Settings()
        settings.storage.database_url = server.create_database("privacy")
        with open_core(data_dir, clock, settings) as core:
            reg_id = register(core, day=datetime(2026, 12, 3).date())
            add_attempt(core, reg_id)
            face_result(core, ALICE, DEVICES[0])
            door_open(core, ALICE, DEVICES[0], "2026-12-03 10:05:00")
            clock.advance(31 * 24 * HOUR)
            dry = purge(core, dry_run=True)
            assert (dry.push_attempts, dry.callbacks, dry.door_events) == (1, 2, 1)
            report = purge(core)
            assert report.anonymised == [(reg_id, "JF-20261203-0001")]
            assert report.checkpoint == "not needed (postgresql)"
            row = reg_row(core, reg_id)
            assert (row.name, row.phone, row.photo_ref) == ("", "", None)
            with core.store.transaction() as session:
                assert all(
                    ALICE.phone.encode() not in c.body for c in session.exec(select(CallbackInbox))
                )
                assert session.exec(select(DoorEvent)).one().phone is None
                assert session.exec(select(PushAttempt)).one().sent["phone"] == ""
            assert purge(core).callbacks == 0
