"""Result intake in batches: group commit of the listener's callbacks (D11, D12, D16, DESIGN §6).

``record(station, items)`` records callbacks in ONE transaction, so one fsync covers them all:

- each callback runs in its own savepoint, so one whose effect raises is rolled back alone and
  gets its exception back (the listener answers it 21) while the others are committed;
- a callback and its effect are committed together, and the events are published after the
  commit, in the callbacks' order;
- if the batch's transaction itself fails (begin or commit), every callback is recorded again in
  a transaction of its own, so each still gets its own outcome or exception;
- the same callback twice in one batch is a D12 duplicate of the first: statements run in order
  on one connection, so the second sees the first's row.

The statements are SQLAlchemy Core, prepared once: a face result costs the candidates by work
order, the device row (``FOR UPDATE`` on PostgreSQL), the fingerprint check, one insert and, when
the state changes, one update. The rules are the domain's (``pick``, ``rules.after_result``,
``apply_target``), so single calls and batches decide alike.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.exc import IntegrityError

from station.domain import rules
from station.domain.callbacks import CallbackOutcome, RawCallback
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.matching import Candidate, mask_phone, pick
from station.domain.states import DeviceState, DoorFlag
from station.protocol.callbacks import DoorOpen, FaceResult
from station.store.queries import apply_target, target_of
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, Registration

if TYPE_CHECKING:
    from station.core.station import Station

log = logging.getLogger(__name__)

Callback = tuple[FaceResult | DoorOpen, RawCallback]
Recorded = CallbackOutcome | Exception
ATTEMPTS = 3  # a concurrent twin (another process, PostgreSQL) fails the insert: retry finds it

REG = cast(Table, Registration.__table__)  # type: ignore[attr-defined]
TARGET = cast(Table, DeviceTarget.__table__)  # type: ignore[attr-defined]
INBOX = cast(Table, CallbackInbox.__table__)  # type: ignore[attr-defined]
DOOR = cast(Table, DoorEvent.__table__)  # type: ignore[attr-defined]
TARGET_COLUMNS = tuple(c.name for c in TARGET.columns)

_CANDIDATE_COLS = (REG.c.id, REG.c.phone, REG.c.name, REG.c.device_ids, REG.c.reg_date, REG.c.rooms)
BY_WORK_ORDER = select(*_CANDIDATE_COLS).where(REG.c.work_order == bindparam("work_order"))
BY_DEVICE = select(*_CANDIDATE_COLS).where(
    REG.c.id.in_(select(TARGET.c.registration_id).where(TARGET.c.device_id == bindparam("device")))
)
TARGET_ROW = (
    select(TARGET)
    .where(TARGET.c.registration_id == bindparam("reg"), TARGET.c.device_id == bindparam("device"))
    .with_for_update()  # PostgreSQL: no lost update against the worker (SQLite: serial)
)
SEEN = select(INBOX.c.matched, INBOX.c.registration_id).where(
    INBOX.c.fingerprint == bindparam("fingerprint")
)
SEEN_DOOR = (
    select(INBOX.c.matched, INBOX.c.registration_id, DOOR.c.flags)
    .select_from(INBOX.outerjoin(DOOR, DOOR.c.callback_id == INBOX.c.id))
    .where(INBOX.c.fingerprint == bindparam("fingerprint"))
)
INSERT_INBOX = INBOX.insert()
INSERT_DOOR = DOOR.insert()


@dataclass
class _Done:
    outcome: CallbackOutcome
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class _Reg:
    id: int
    rooms: list[str]
    reg_date: Any


def record(station: Station, items: Sequence[Callback]) -> list[Recorded]:
    """Record ``items`` (see the module docstring); one outcome or exception per item, in order.
    Events are published and each callback logged after the commit."""
    try:
        done = _batch(station, items)
    except Exception as exc:  # the transaction failed as a whole
        if len(items) == 1:
            done = [exc]
        else:
            log.warning(
                "batch of %d callbacks failed (%s): recording them one by one",
                len(items),
                type(exc).__name__,
            )
            done = [_alone(station, item) for item in items]
    results: list[Recorded] = []
    for item, one in zip(items, done, strict=True):
        if isinstance(one, Exception):
            results.append(one)
            continue
        for event in one.events:
            station.bus.publish(event)
        _log(item[0], one.outcome)
        results.append(one.outcome)
    return results


def _batch(station: Station, items: Sequence[Callback]) -> list[_Done | Exception]:
    done: list[_Done | Exception] = []
    with station.store.transaction() as session:
        conn = session.connection()
        for item in items:
            done.append(_in_savepoint(station, conn, item))
    return done


def _alone(station: Station, item: Callback) -> _Done | Exception:
    try:
        with station.store.transaction() as session:
            one = _in_savepoint(station, session.connection(), item)
        return one
    except Exception as exc:
        return exc


def _in_savepoint(station: Station, conn: Connection, item: Callback) -> _Done | Exception:
    for attempt in range(ATTEMPTS):
        savepoint = conn.begin_nested()
        try:
            one = _one(station, conn, item)
        except Exception as exc:
            savepoint.rollback()
            if isinstance(exc, IntegrityError) and attempt < ATTEMPTS - 1:
                continue
            return exc
        savepoint.commit()
        return one
    raise AssertionError("unreachable")


def _one(station: Station, conn: Connection, item: Callback) -> _Done:
    parsed, raw = item
    if isinstance(parsed, FaceResult):
        return face_result(conn, parsed, raw, station.clock.now(), station.policy)
    return door_open(conn, parsed, raw, station.tz)


def _log(parsed: FaceResult | DoorOpen, outcome: CallbackOutcome) -> None:
    if isinstance(parsed, FaceResult):
        log.info(
            "face result work order %s device %s: %s (matched=%s duplicate=%s)",
            parsed.work_order,
            parsed.device_id,
            "success" if parsed.success else "failure",
            outcome.matched,
            outcome.duplicate,
        )
    else:
        log.info(
            "door %s opened (work order %s) flags=%s duplicate=%s",
            parsed.device_id,
            parsed.work_order,
            ",".join(outcome.flags) or "-",
            outcome.duplicate,
        )


# -- one callback, on the batch's connection ------------------------------------------------


def _candidates(
    conn: Connection, work_order: str | None, device_id: str, on: datetime | None
) -> dict[int, tuple[Candidate, _Reg]]:
    if work_order is not None:
        rows = conn.execute(BY_WORK_ORDER, {"work_order": work_order})
    else:
        rows = conn.execute(BY_DEVICE, {"device": device_id})
    found = {}
    for reg_id, phone, name, device_ids, reg_date, rooms in rows:
        on_date = on is None or reg_date == on.date()
        cand = Candidate(reg_id, phone, name, device_id in device_ids, on_date)
        found[reg_id] = (cand, _Reg(reg_id, rooms, reg_date))
    return found


def _target(conn: Connection, registration_id: int, device_id: str) -> DeviceTarget | None:
    """The device row as a detached ``DeviceTarget`` (so ``apply_target`` applies to it)."""
    row = conn.execute(TARGET_ROW, {"reg": registration_id, "device": device_id}).first()
    return None if row is None else DeviceTarget(**row._asdict())


def _inbox(conn: Connection, raw: RawCallback, fingerprint: str, **columns: Any) -> int:
    result = conn.execute(
        INSERT_INBOX,
        {
            "kind": raw.kind,
            "fingerprint": fingerprint,
            "body": raw.body,
            "content_type": raw.content_type[:200],
            "peer": raw.peer[:100],
            "received_at": raw.received_at,
            "matched": False,
            "registration_id": None,
            "device_target_id": None,
            "effect": "",
            **columns,
        },
    )  # a concurrent twin fails here on the unique fingerprint (D12)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _write_target(conn: Connection, row: DeviceTarget, before: dict[str, Any]) -> None:
    changed = {c: getattr(row, c) for c in TARGET_COLUMNS if getattr(row, c) != before[c]}
    if changed:
        conn.execute(TARGET.update().where(TARGET.c.id == row.id).values(**changed))


def face_result(
    conn: Connection,
    result: FaceResult,
    raw: RawCallback,
    now: datetime,
    policy: rules.RetryPolicy,
) -> _Done:
    """D12 with re-pushes: a result has no id or time of its own, so the result of a re-push
    has the same content as the result of the first push. A duplicate is therefore the same
    content for the same push of that device: the fingerprint is scoped by the matched
    device's answered-push count (``pushes``)."""
    found = _candidates(conn, result.work_order, result.device_id, None)
    chosen = pick(
        [c for c, _ in found.values()], phone=result.phone, name=result.name, require_device=True
    )
    target = _target(conn, chosen.registration_id, result.device_id) if chosen else None
    scope = f"{target.id}/{target.pushes}" if target is not None else "unmatched"
    fingerprint = hashlib.sha256(f"{result.fingerprint()}:{scope}".encode()).hexdigest()
    seen = conn.execute(SEEN, {"fingerprint": fingerprint}).first()
    if seen is not None:
        return _Done(CallbackOutcome(True, bool(seen[0]), seen[1]))
    if chosen is None or target is None:
        _inbox(conn, raw, fingerprint, effect="unmatched")
        return _Done(CallbackOutcome(duplicate=False, matched=False))
    events: list[Event] = []
    before = {c: getattr(target, c) for c in TARGET_COLUMNS}
    nxt = rules.after_result(target_of(target), result.success, result.result_text, now, policy)
    if nxt is not None and apply_target(target, nxt, now):
        effect = nxt.state.value
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
        effect = f"no change ({target.state})"
    if nxt is not None:
        _write_target(conn, target, before)
    _inbox(
        conn,
        raw,
        fingerprint,
        matched=True,
        registration_id=chosen.registration_id,
        device_target_id=target.id,
        effect=effect,
    )
    return _Done(CallbackOutcome(False, True, chosen.registration_id), events)


def door_open(conn: Connection, event: DoorOpen, raw: RawCallback, tz: Any) -> _Done:
    fingerprint = event.fingerprint()
    seen = conn.execute(SEEN_DOOR, {"fingerprint": fingerprint}).first()
    if seen is not None:
        seen_flags = tuple(seen[2]) if seen[2] is not None else ()
        return _Done(CallbackOutcome(True, bool(seen[0]), seen[1], seen_flags))
    found = _candidates(conn, event.work_order, event.device_id, event.opened_at)
    chosen = pick(
        [c for c, _ in found.values()],
        phone=event.phone,
        name=event.name,
        require_device=False,
        require_person=event.work_order is None,
    )
    flags_found: list[str] = []
    if event.work_order is None:
        flags_found.append(DoorFlag.NO_WORK_ORDER)
    reg_id: int | None = None
    if chosen is None:
        flags_found.append(DoorFlag.UNMATCHED)
    else:
        reg = found[chosen.registration_id][1]
        reg_id = reg.id
        if reg.reg_date != event.opened_at.date():
            flags_found.append(DoorFlag.OUTSIDE_DATE)
        if event.room not in reg.rooms:
            flags_found.append(DoorFlag.ROOM_NOT_REGISTERED)
        target = _target(conn, chosen.registration_id, event.device_id)
        if target is None or target.state != DeviceState.WRITTEN:
            flags_found.append(DoorFlag.NOT_WRITTEN)
    flags = [str(f) for f in flags_found]
    inbox_id = _inbox(
        conn,
        raw,
        fingerprint,
        matched=chosen is not None,
        registration_id=reg_id,
        effect="door " + (",".join(flags) or "ok"),
    )
    door = conn.execute(
        INSERT_DOOR,
        {
            "callback_id": inbox_id,
            "device_id": event.device_id,
            "city": event.city,
            "site": event.site,
            "room": event.room,
            "opened_at": event.opened_at,
            "work_order": event.work_order,
            "name": event.name,
            "account": event.account,
            "phone": event.phone,
            "flags": flags,
            "registration_id": reg_id,
            "received_at": raw.received_at,
        },
    )
    key = door.inserted_primary_key
    assert key is not None
    published = DoorOpened(
        door_event_id=int(key[0]),
        device_id=event.device_id,
        room=event.room,
        opened_at=event.opened_at.replace(tzinfo=tz),
        work_order=event.work_order,
        name=event.name,
        phone_masked=mask_phone(event.phone),
        flags=tuple(flags),
        registration_id=reg_id,
    )
    return _Done(CallbackOutcome(False, chosen is not None, reg_id, tuple(flags)), [published])
