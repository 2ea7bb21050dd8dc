"""The retention rules as pure functions with an injected time (issue 7 §3, D10, D15)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from station.domain.clock import FakeClock
from station.domain.states import DeviceState
from station.privacy.retention import (
    REASON_DATE_OVER,
    REASON_ENDED,
    REASON_RETENTION,
    REASON_WRITTEN,
    DeviceFacts,
    RegistrationFacts,
    end_of_date,
    plan_retention,
)

TZ = "Asia/Shanghai"
DAY = 24 * 3600
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def device(state: DeviceState, at: datetime, device_id: str = "D1") -> DeviceFacts:
    written = at if state == DeviceState.WRITTEN else None
    return DeviceFacts(device_id, state, written, at)


def reg(
    *devices: DeviceFacts, created: datetime = T0, day: date | None = None
) -> RegistrationFacts:
    return RegistrationFacts(
        id=1,
        work_order="JF-20261203-0001",
        reg_date=day or date(2026, 12, 10),  # far enough not to end by date in most tests
        created_at=created,
        photo_ref="ab12",
        anonymised=False,
        devices=devices,
    )


def plan(regs: list[RegistrationFacts], now: datetime, days: int = 30):
    return plan_retention(regs, now, retention_days=days, keep_after_written_s=DAY, timezone=TZ)


def test_photo_goes_24_hours_after_the_last_device_is_written() -> None:
    clock = FakeClock(T0)
    r = reg(
        device(DeviceState.WRITTEN, T0 + timedelta(minutes=1), "D1"),
        device(DeviceState.WRITTEN, T0 + timedelta(minutes=7), "D2"),
    )
    clock.advance(DAY + 6 * 60)
    assert plan([r], clock.now()).photos == []  # D2 was written less than 24 h ago
    clock.advance(60)
    (due,) = plan([r], clock.now()).photos
    assert due.reason == REASON_WRITTEN
    assert due.since == T0 + timedelta(minutes=7, hours=24)


def test_photo_kept_while_any_device_still_waits() -> None:
    r = reg(
        device(DeviceState.WRITTEN, T0, "D1"),
        device(DeviceState.FAILED, T0, "D2"),  # D14: re-pushed in 5 minutes, needs the photo
    )
    assert plan([r], T0 + timedelta(days=2)).photos == []


def test_photo_goes_after_the_keep_time_once_the_registration_ends_given_up() -> None:
    ended = T0 + timedelta(hours=1)
    r = reg(device(DeviceState.WRITTEN, T0, "D1"), device(DeviceState.GIVEN_UP, ended, "D2"))
    assert plan([r], ended + timedelta(seconds=DAY - 1)).photos == []  # the clerk may requeue
    (due,) = plan([r], ended + timedelta(seconds=DAY)).photos
    assert due.reason == REASON_ENDED


def test_a_given_up_registration_ends_at_the_end_of_its_date_at_the_latest() -> None:
    ended = T0 + timedelta(hours=1)
    r = reg(device(DeviceState.REJECTED, ended), day=date(2026, 12, 3))
    (due,) = plan([r], end_of_date(date(2026, 12, 3), TZ)).photos
    assert due.reason == REASON_DATE_OVER


def test_photo_goes_when_the_registered_date_is_over_in_local_time() -> None:
    day = date(2026, 12, 3)
    r = reg(device(DeviceState.ACCEPTED, T0), day=day)
    midnight_local = end_of_date(day, TZ)
    assert midnight_local == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert plan([r], midnight_local - timedelta(seconds=1)).photos == []
    (due,) = plan([r], midnight_local).photos
    assert due.reason == REASON_DATE_OVER


def test_personal_data_anonymised_after_retention_days_only() -> None:
    r = reg(device(DeviceState.WRITTEN, T0))
    assert plan([r], T0 + timedelta(days=30)).anonymise == []
    later = plan([r], T0 + timedelta(days=30, seconds=1))
    assert later.anonymise == [(1, "JF-20261203-0001")]
    assert later.personal_before == T0 + timedelta(seconds=1)


def test_retention_is_a_backstop_for_photos_too() -> None:
    r = reg(device(DeviceState.QUEUED, T0), day=date(2027, 6, 1))  # date far away
    (due,) = plan([r], T0 + timedelta(days=5), days=3).photos
    assert due.reason == REASON_RETENTION


def test_already_done_rows_are_not_planned_again() -> None:
    r = RegistrationFacts(1, "WO", date(2026, 12, 3), T0, None, True, ())
    result = plan([r], T0 + timedelta(days=400))
    assert result.empty
