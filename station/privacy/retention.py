"""Retention policy as pure functions of the stored facts and an injected time (issue 7 §3).

PIPL Art. 19 asks for the shortest retention. The station keeps:

- the **face photo** until ``storage.photo_keep_after_written_s`` (default 24 h) after the last
  of its devices was written (a "成功但未生效" re-push needs it, D14), or until the registration
  ends: the registered date is over (local time, D10), or every device finished with some not
  written (rejected or given up, D15) — then it stays the same keep time, because the clerk may
  requeue those devices (``Station.requeue``) — whichever comes first;
- the **personal data** (name, phone, account) of registrations, push attempts, callbacks and
  door events until ``storage.retention_days`` after the row was stored; afterwards it is
  anonymised and the audit trail (work order, device, states, times) stays.

Nothing here touches the database or the disk: ``station.privacy.purge`` applies a plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from station.domain.states import TERMINAL_STATES, DeviceState

REASON_WRITTEN = "written"  # all devices written, keep time over
REASON_ENDED = "ended"  # every device finished, some not written (rejected / given up)
REASON_DATE_OVER = "date_over"  # the registered date has passed
REASON_RETENTION = "retention"  # older than storage.retention_days (a backstop)


@dataclass(frozen=True)
class DeviceFacts:
    device_id: str
    state: str
    written_at: datetime | None  # aware UTC
    updated_at: datetime  # aware UTC


@dataclass(frozen=True)
class RegistrationFacts:
    id: int
    work_order: str
    reg_date: date
    created_at: datetime  # aware UTC
    photo_ref: str | None
    anonymised: bool
    devices: tuple[DeviceFacts, ...]


@dataclass(frozen=True)
class PhotoDue:
    registration_id: int
    work_order: str
    photo_ref: str
    reason: str  # REASON_*
    since: datetime  # when it became due


@dataclass
class RetentionPlan:
    """What a purge at ``now`` deletes; ``personal_before`` is the anonymisation cut-off."""

    now: datetime
    personal_before: datetime
    photos: list[PhotoDue] = field(default_factory=list)
    anonymise: list[tuple[int, str]] = field(default_factory=list)  # (registration id, WO)

    @property
    def empty(self) -> bool:
        return not self.photos and not self.anonymise


def end_of_date(day: date, timezone: str) -> datetime:
    """The first instant after ``day`` in the station's time zone (D10), as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))


def photo_due_at(
    reg: RegistrationFacts, keep_after_written_s: float, timezone: str
) -> tuple[datetime, str]:
    """When the photo of ``reg`` may go, and why (the earliest rule that applies)."""
    candidates = [(end_of_date(reg.reg_date, timezone), REASON_DATE_OVER)]
    devices = reg.devices
    if devices and all(d.state in TERMINAL_STATES for d in devices):
        if all(d.state == DeviceState.WRITTEN for d in devices):
            last = max(d.written_at or d.updated_at for d in devices)
            candidates.append((last + timedelta(seconds=keep_after_written_s), REASON_WRITTEN))
        else:  # kept as long as after "written": the clerk may still requeue it that day
            ended = max(d.updated_at for d in devices)
            candidates.append((ended + timedelta(seconds=keep_after_written_s), REASON_ENDED))
    return min(candidates, key=lambda c: c[0])


def personal_cutoff(now: datetime, retention_days: int) -> datetime:
    """Rows stored before this instant lose their personal data."""
    return now - timedelta(days=retention_days)


def plan_retention(
    registrations: Iterable[RegistrationFacts],
    now: datetime,
    *,
    retention_days: int,
    keep_after_written_s: float,
    timezone: str,
) -> RetentionPlan:
    """Which photos and which registrations' personal data are due for deletion at ``now``."""
    plan = RetentionPlan(now=now, personal_before=personal_cutoff(now, retention_days))
    for reg in registrations:
        if reg.photo_ref:
            due, reason = photo_due_at(reg, keep_after_written_s, timezone)
            if reg.created_at < plan.personal_before:  # never keep a photo past retention
                due, reason = min((due, reason), (reg.created_at, REASON_RETENTION))
            if due <= now:
                plan.photos.append(PhotoDue(reg.id, reg.work_order, reg.photo_ref, reason, due))
        if not reg.anonymised and reg.created_at < plan.personal_before:
            plan.anonymise.append((reg.id, reg.work_order))
    return plan
