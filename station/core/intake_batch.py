"""Result intake in batches: group commit of the listener's callbacks (D11, D12, D16, DESIGN §6).

``record(station, items)`` records callbacks in ONE transaction, so one fsync covers them all:

- a callback and its effect are committed together, and the events are published after the
  commit, in the callbacks' order;
- if anything in the batch fails (one callback's effect, or the commit), the transaction is
  rolled back and every callback is recorded again in a transaction of its own, so one bad
  callback cannot make the others fail: each gets its own outcome or exception (the listener
  answers 00 or 21);
- callbacks are applied in order, each seeing the effects of those before it, as one by one: the
  same callback twice in one batch is a D12 duplicate of the first.

Per batch, two reads (``station.core.intake_reads``): the candidate registrations of all its
callbacks and the device rows they match (locked ``FOR UPDATE`` on PostgreSQL). Per callback,
one insert that is also the D12 check (``ON CONFLICT (fingerprint) DO NOTHING RETURNING id``),
plus one update when a device's state changes (and the door event's insert). SQLAlchemy Core, no
ORM session state. The rules are the domain's (``pick``, ``rules.after_result``,
``apply_target``), so single calls (a batch of one) and batches decide alike.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from station.core.intake_reads import (
    INBOX,
    INSERT_DOOR,
    INSERT_INBOX,
    SEEN,
    Reads,
    Reg,
    snapshot,
    write_target,
)
from station.domain import rules
from station.domain.callbacks import CallbackOutcome, RawCallback
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.matching import Candidate, mask_phone, pick
from station.domain.states import DeviceState, DoorFlag
from station.protocol.callbacks import DoorOpen, FaceResult
from station.store.queries import apply_target, target_of

if TYPE_CHECKING:
    from station.core.station import Station

log = logging.getLogger(__name__)

Callback = tuple[FaceResult | DoorOpen, RawCallback]
Recorded = CallbackOutcome | Exception
ATTEMPTS = 3  # one by one: a transaction that lost a race on a unique key is retried


@dataclass
class _Done:
    outcome: CallbackOutcome
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class _Match:
    found: dict[int, tuple[Candidate, Reg]]
    chosen: Candidate | None


def record(station: Station, items: Sequence[Callback]) -> list[Recorded]:
    """Record ``items`` (see the module docstring); one outcome or exception per item, in order.
    Events are published and each callback logged after the commit."""
    try:
        done: list[_Done | Exception] = list(_batch(station, items))
    except Exception as exc:  # something failed: the batch is rolled back, one by one now
        if len(items) > 1:
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


def _batch(station: Station, items: Sequence[Callback]) -> list[_Done]:
    with station.store.transaction() as session:
        return _apply(station, session.connection(), items)


def _alone(station: Station, item: Callback) -> _Done | Exception:
    for attempt in range(ATTEMPTS):
        try:
            with station.store.transaction() as session:
                (one,) = _apply(station, session.connection(), [item])
            return one
        except IntegrityError as exc:  # lost a race on a unique key: a retry sees the winner
            if attempt == ATTEMPTS - 1:
                return exc
        except Exception as exc:
            return exc
    raise AssertionError("unreachable")


def _apply(station: Station, conn: Connection, items: Sequence[Callback]) -> list[_Done]:
    orders = {p.work_order for p, _ in items if p.work_order is not None}
    devices = {p.device_id for p, _ in items if p.work_order is None}
    reads = Reads(conn, orders, devices)
    matches = [_match(reads, parsed) for parsed, _ in items]
    reads.lock_targets(
        (m.chosen.registration_id, p.device_id)
        for (p, _), m in zip(items, matches, strict=True)
        if m.chosen is not None
    )
    done = []
    for (parsed, raw), match in zip(items, matches, strict=True):
        if isinstance(parsed, FaceResult):
            done.append(face_result(reads, parsed, raw, match, station.clock.now(), station.policy))
        else:
            done.append(door_open(reads, parsed, raw, match, station.tz))
    return done


def _match(reads: Reads, parsed: FaceResult | DoorOpen) -> _Match:
    """D11: the registration a callback belongs to, or None."""
    if isinstance(parsed, FaceResult):
        found = reads.candidates(parsed.work_order, parsed.device_id, None)
        cands = [c for c, _ in found.values()]
        return _Match(found, pick(cands, phone=parsed.phone, name=parsed.name, require_device=True))
    found = reads.candidates(parsed.work_order, parsed.device_id, parsed.opened_at)
    chosen = pick(
        [c for c, _ in found.values()],
        phone=parsed.phone,
        name=parsed.name,
        require_device=False,
        require_person=parsed.work_order is None,
    )
    return _Match(found, chosen)


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


def _inbox(conn: Connection, raw: RawCallback, fingerprint: str, **columns: Any) -> int | None:
    """Insert the raw callback; ``None`` when one with this fingerprint is stored (D12)."""
    values = {
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
    }
    statement = INSERT_INBOX.get(conn.dialect.name)
    if statement is None:  # no ON CONFLICT: look first (the unique index still guards)
        if conn.execute(SEEN, {"fingerprint": fingerprint}).first() is not None:
            return None
        key = conn.execute(INBOX.insert(), values).inserted_primary_key
        assert key is not None
        return int(key[0])
    inserted = conn.execute(statement, values).scalar()
    return None if inserted is None else int(inserted)


def _seen(conn: Connection, fingerprint: str) -> _Done:
    """The outcome of a duplicate (D12): what the stored twin recorded; nothing changes."""
    seen = conn.execute(SEEN, {"fingerprint": fingerprint}).one()
    flags = tuple(seen[2]) if seen[2] is not None else ()
    return _Done(CallbackOutcome(True, bool(seen[0]), seen[1], flags))


def face_result(
    reads: Reads,
    result: FaceResult,
    raw: RawCallback,
    match: _Match,
    now: datetime,
    policy: rules.RetryPolicy,
) -> _Done:
    """D12 with re-pushes: a result has no id or time of its own, so the result of a re-push
    has the same content as the result of the first push. A duplicate is therefore the same
    content for the same push of that device: the fingerprint is scoped by the matched
    device's answered-push count (``pushes``)."""
    conn, chosen = reads.conn, match.chosen
    target = reads.target(chosen.registration_id, result.device_id) if chosen else None
    scope = f"{target.id}/{target.pushes}" if target is not None else "unmatched"
    fingerprint = hashlib.sha256(f"{result.fingerprint()}:{scope}".encode()).hexdigest()
    if chosen is None or target is None:
        if _inbox(conn, raw, fingerprint, effect="unmatched") is None:
            return _seen(conn, fingerprint)
        return _Done(CallbackOutcome(duplicate=False, matched=False))
    before = snapshot(target)
    nxt = rules.after_result(target_of(target), result.success, result.result_text, now, policy)
    changed = nxt is not None and apply_target(target, nxt, now)
    effect = nxt.state.value if nxt is not None and changed else f"no change ({target.state})"
    inserted = _inbox(
        conn,
        raw,
        fingerprint,
        matched=True,
        registration_id=chosen.registration_id,
        device_target_id=target.id,
        effect=effect,
    )
    if inserted is None:  # a duplicate changes nothing: undo the change in memory too
        for column, value in before.items():
            setattr(target, column, value)
        return _seen(conn, fingerprint)
    events: list[Event] = []
    if nxt is not None:
        write_target(conn, target, before)
    if changed:
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
    return _Done(CallbackOutcome(False, True, chosen.registration_id), events)


def door_open(reads: Reads, event: DoorOpen, raw: RawCallback, match: _Match, tz: tzinfo) -> _Done:
    conn, chosen = reads.conn, match.chosen
    flags: list[str] = []
    if event.work_order is None:
        flags.append(DoorFlag.NO_WORK_ORDER)
    reg_id: int | None = None
    if chosen is None:
        flags.append(DoorFlag.UNMATCHED)
    else:
        reg = match.found[chosen.registration_id][1]
        reg_id = reg.id
        if reg.reg_date != event.opened_at.date():
            flags.append(DoorFlag.OUTSIDE_DATE)
        if event.room not in reg.rooms:
            flags.append(DoorFlag.ROOM_NOT_REGISTERED)
        target = reads.target(chosen.registration_id, event.device_id)
        if target is None or target.state != DeviceState.WRITTEN:
            flags.append(DoorFlag.NOT_WRITTEN)
    flags = [str(f) for f in flags]
    fingerprint = event.fingerprint()
    inbox_id = _inbox(
        conn,
        raw,
        fingerprint,
        matched=chosen is not None,
        registration_id=reg_id,
        effect="door " + (",".join(flags) or "ok"),
    )
    if inbox_id is None:
        return _seen(conn, fingerprint)
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
