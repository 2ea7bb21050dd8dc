"""Result intake: face-write results and door-open events into the store (D11, D12, D16).

Each function runs inside the caller's transaction: the raw callback, its effect on the device
state and the door event are committed together, and the events to publish are returned for the
caller to publish after the commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel import Session, col, select

from station.domain import rules
from station.domain.callbacks import CallbackOutcome, RawCallback
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.matching import Candidate, mask_phone, pick
from station.domain.states import DeviceState, DoorFlag
from station.protocol.callbacks import DoorOpen, FaceResult
from station.store.queries import apply_target, target_of
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, Registration


@dataclass
class Intake:
    outcome: CallbackOutcome
    events: list[Event]


def _duplicate(session: Session, fingerprint: str) -> CallbackOutcome | None:
    row = session.exec(
        select(CallbackInbox).where(CallbackInbox.fingerprint == fingerprint)
    ).first()
    if row is None:
        return None
    return CallbackOutcome(duplicate=True, matched=row.matched, registration_id=row.registration_id)


def _inbox(session: Session, raw: RawCallback, fingerprint: str) -> CallbackInbox:
    row = CallbackInbox(
        kind=raw.kind,
        fingerprint=fingerprint,
        body=raw.body,
        content_type=raw.content_type[:200],
        peer=raw.peer[:100],
        received_at=raw.received_at,
    )
    session.add(row)
    session.flush()  # a concurrent twin fails here on the unique fingerprint (D12)
    return row


def _candidates(
    session: Session, work_order: str | None, device_id: str, on: datetime | None
) -> list[tuple[Candidate, Registration]]:
    if work_order is not None:
        query = select(Registration).where(Registration.work_order == work_order)
    else:
        at = select(DeviceTarget.registration_id).where(DeviceTarget.device_id == device_id)
        query = select(Registration).where(col(Registration.id).in_(at))
    found = []
    for reg in session.exec(query):
        assert reg.id is not None
        on_date = on is None or reg.reg_date == on.date()
        cand = Candidate(reg.id, reg.phone, reg.name, device_id in reg.device_ids, on_date)
        found.append((cand, reg))
    return found


def _target(session: Session, registration_id: int, device_id: str) -> DeviceTarget | None:
    return session.exec(
        select(DeviceTarget)
        .where(DeviceTarget.registration_id == registration_id, DeviceTarget.device_id == device_id)
        .with_for_update()  # PostgreSQL: no lost update against the worker (SQLite: serial)
    ).first()


def face_result(
    session: Session,
    result: FaceResult,
    raw: RawCallback,
    now: datetime,
    policy: rules.RetryPolicy,
) -> Intake:
    """D12 with re-pushes: a result has no id or time of its own, so the result of a re-push
    has the same content as the result of the first push. A duplicate is therefore the same
    content for the same push of that device: the fingerprint is scoped by the matched
    device's answered-push count (``pushes``)."""
    found = {
        c.registration_id: c
        for c, _ in _candidates(session, result.work_order, result.device_id, None)
    }
    chosen = pick(list(found.values()), phone=result.phone, name=result.name, require_device=True)
    target = _target(session, chosen.registration_id, result.device_id) if chosen else None
    scope = f"{target.id}/{target.pushes}" if target is not None else "unmatched"
    fingerprint = hashlib.sha256(f"{result.fingerprint()}:{scope}".encode()).hexdigest()
    seen = _duplicate(session, fingerprint)
    if seen is not None:
        return Intake(seen, [])
    inbox = _inbox(session, raw, fingerprint)
    if chosen is None or target is None:
        inbox.effect = "unmatched"
        return Intake(CallbackOutcome(duplicate=False, matched=False), [])
    inbox.matched, inbox.registration_id = True, chosen.registration_id
    inbox.device_target_id = target.id
    events: list[Event] = []
    nxt = rules.after_result(target_of(target), result.success, result.result_text, now, policy)
    if nxt is not None and apply_target(target, nxt, now):
        inbox.effect = nxt.state.value
        events.append(
            DeviceStateChanged(
                target.registration_id,
                target.device_id,
                target.state,
                target.pushes,
                target.next_push_at,
                target.last_result,
            )
        )
    else:
        inbox.effect = f"no change ({target.state})"
    return Intake(CallbackOutcome(False, True, chosen.registration_id), events)


def door_open(session: Session, event: DoorOpen, raw: RawCallback, tz: tzinfo) -> Intake:
    fingerprint = event.fingerprint()
    seen = _duplicate(session, fingerprint)
    if seen is not None:
        row = session.exec(
            select(DoorEvent).join(CallbackInbox).where(CallbackInbox.fingerprint == fingerprint)
        ).first()
        seen_flags = tuple(row.flags) if row is not None else ()
        return Intake(CallbackOutcome(True, seen.matched, seen.registration_id, seen_flags), [])
    inbox = _inbox(session, raw, fingerprint)
    found = {
        c.registration_id: (c, r)
        for c, r in _candidates(session, event.work_order, event.device_id, event.opened_at)
    }
    chosen = pick(
        [c for c, _ in found.values()],
        phone=event.phone,
        name=event.name,
        require_device=False,
        require_person=event.work_order is None,
    )
    flags: list[str] = []
    if event.work_order is None:
        flags.append(DoorFlag.NO_WORK_ORDER)
    reg_id: int | None = None
    if chosen is None:
        flags.append(DoorFlag.UNMATCHED)
    else:
        reg = found[chosen.registration_id][1]
        reg_id = reg.id
        if reg.reg_date != event.opened_at.date():
            flags.append(DoorFlag.OUTSIDE_DATE)
        if event.room not in reg.rooms:
            flags.append(DoorFlag.ROOM_NOT_REGISTERED)
        target = _target(session, chosen.registration_id, event.device_id)
        if target is None or target.state != DeviceState.WRITTEN:
            flags.append(DoorFlag.NOT_WRITTEN)
    inbox.matched, inbox.registration_id = chosen is not None, reg_id
    inbox.effect = "door " + (",".join(flags) or "ok")
    assert inbox.id is not None
    door = DoorEvent(
        callback_id=inbox.id,
        device_id=event.device_id,
        city=event.city,
        site=event.site,
        room=event.room,
        opened_at=event.opened_at,
        work_order=event.work_order,
        name=event.name,
        account=event.account,
        phone=event.phone,
        flags=[str(f) for f in flags],
        registration_id=reg_id,
        received_at=raw.received_at,
    )
    session.add(door)
    session.flush()
    assert door.id is not None
    published = DoorOpened(
        door_event_id=door.id,
        device_id=event.device_id,
        room=event.room,
        opened_at=event.opened_at.replace(tzinfo=tz),
        work_order=event.work_order,
        name=event.name,
        phone_masked=mask_phone(event.phone),
        flags=tuple(door.flags),
        registration_id=reg_id,
    )
    outcome = CallbackOutcome(False, chosen is not None, reg_id, tuple(door.flags))
    return Intake(outcome, [published])
